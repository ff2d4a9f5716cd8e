// Exponential backoff with full jitter, for reconnects and retries.

export class Backoff {
  /**
   * @param {{base?: number, max?: number, factor?: number, jitter?: number}} options
   *   base: first delay (ms); max: cap (ms); jitter: 0..1 share of the delay that is random.
   */
  constructor({ base = 500, max = 30000, factor = 2, jitter = 0.5 } = {}) {
    this.base = base;
    this.max = max;
    this.factor = factor;
    this.jitter = jitter;
    this.attempt = 0;
  }

  /** The delay before the next attempt (ms); each call counts an attempt. */
  next() {
    const raw = Math.min(this.max, this.base * this.factor ** this.attempt);
    this.attempt += 1;
    const spread = raw * this.jitter;
    return Math.round(raw - spread + Math.random() * spread);
  }

  reset() {
    this.attempt = 0;
  }
}

/** Resolve after `ms`, or reject when `signal` aborts. */
export function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}
