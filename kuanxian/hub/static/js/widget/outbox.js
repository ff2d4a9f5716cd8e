// The borrower's unsent messages: each has a client_id, is retried until the hub acknowledges it,
// and is never duplicated (the hub is idempotent by client_id; the view settles it by client_id).
// Pending messages survive a reload (sessionStorage) and are sent again with the same client_id.
import { rateLimitText } from "../shared/errors.js";

const ACK_TIMEOUT_MS = 8000;             // a socket send with no echo by then is tried again over HTTP
const RETRY_DELAYS_MS = [1000, 2000, 3000];
const MAX_AUTO_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
const CODE_STATUS = { rate_limited: 429, invalid: 422, unauthorized: 401, not_found: 404, too_large: 413, bad_request: 400 };

/** A client_id that works outside secure contexts too (crypto.randomUUID needs https). */
export function newClientId() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return `kx-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/**
 * Item states: "sending" (trying, or waiting for the echo), "waiting" (rate limited, will retry),
 * "sent" (the hub answered 202 with a seq; the message frame is on its way), "failed" (needs a click).
 * Events: "change" (the list changed), "notice" (detail: {text}) for the borrower.
 */
export class Outbox extends EventTarget {
  #items = new Map();
  #send;
  #key;

  /** send(item, {preferHttp}) → {via: "ws"} or {via: "http", seq}; throws an ApiError. */
  constructor({ send, storageKey }) {
    super();
    this.#send = send;
    this.#key = storageKey;
    this.#restore();
  }

  /** Pending items, oldest first. */
  get items() {
    return [...this.#items.values()].sort((a, b) => a.createdAt - b.createdAt);
  }

  has(clientId) {
    return this.#items.has(clientId);
  }

  /** Queue a new message; `display` is what the bubble shows (a button's title for its payload). */
  add(text, display = text) {
    const item = { clientId: newClientId(), text, display, createdAt: Date.now(), state: "sending", attempts: 0, error: null };
    this.#items.set(item.clientId, item);
    this.#changed();
    this.#attempt(item, false);
    return item;
  }

  /** The hub accepted it over HTTP (202 with its seq): the message frame will follow. */
  ack(clientId, seq) {
    const item = this.#items.get(clientId);
    if (!item) return;
    this.#clear(item);
    item.state = "sent";
    item.seq = seq;
    this.#changed();
  }

  /** The confirmed message is in the transcript: the pending bubble goes. */
  settle(clientId) {
    const item = this.#items.get(clientId);
    if (!item) return false;
    this.#clear(item);
    this.#items.delete(clientId);
    this.#changed();
    return true;
  }

  /** An error frame naming one of our client_ids. */
  refused(clientId, frame) {
    const item = this.#items.get(clientId);
    if (!item) return;
    this.#clear(item);
    const code = frame.error || "internal";
    this.#handleError(item, { status: CODE_STATUS[code] ?? 500, code, retryAfter: frame.retry_after ?? null });
  }

  /** The borrower clicked 重试. */
  retry(clientId) {
    const item = this.#items.get(clientId);
    if (!item) return;
    item.attempts = 0;
    this.#attempt(item, false);
  }

  /** After a (re)connect and replay: send again whatever is still unconfirmed. */
  resendPending() {
    for (const item of this.items) {
      if (item.state === "sending") this.#attempt(item, false);
    }
  }

  // Sending ------------------------------------------------------------------------------------
  async #attempt(item, preferHttp) {
    this.#clear(item);
    item.state = "sending";
    item.attempts += 1;
    item.error = null;
    const generation = (item.generation = (item.generation || 0) + 1);
    this.#changed();
    try {
      const result = await this.#send(item, { preferHttp });
      if (generation !== item.generation || !this.#items.has(item.clientId)) return;
      if (result.via === "http") {
        this.ack(item.clientId, result.seq);
      } else {
        item.timer = setTimeout(() => this.#retryLater(item, null), ACK_TIMEOUT_MS);
      }
    } catch (error) {
      if (generation !== item.generation || !this.#items.has(item.clientId)) return;
      this.#handleError(item, error);
    }
  }

  #handleError(item, error) {
    const status = Number(error?.status) || 0;
    if (status === 429 || error?.code === "rate_limited") {
      const wait = Number(error.retryAfter) > 0 ? Number(error.retryAfter) : 2;
      item.attempts = Math.max(0, item.attempts - 1); // a rate limit is not the message's fault
      item.state = "waiting";
      this.#notice(rateLimitText(wait));
      this.#changed();
      item.timer = setTimeout(() => this.#attempt(item, true), wait * 1000);
      return;
    }
    const permanent = status >= 400 && status < 500 && status !== 401 && status !== 408;
    if (permanent) {
      this.#fail(item, error);
    } else {
      this.#retryLater(item, error);
    }
  }

  #retryLater(item, error) {
    if (item.attempts >= MAX_AUTO_ATTEMPTS) {
      this.#fail(item, error);
      return;
    }
    item.state = "sending";
    this.#changed();
    item.timer = setTimeout(() => this.#attempt(item, true), RETRY_DELAYS_MS[item.attempts - 1] ?? 3000);
  }

  #fail(item, error) {
    this.#clear(item);
    item.state = "failed";
    item.error = error ? { status: error.status ?? 0, code: error.code || "network" } : { status: 0, code: "timeout" };
    this.#changed();
  }

  #clear(item) {
    clearTimeout(item.timer);
    item.timer = null;
  }

  #notice(text) {
    this.dispatchEvent(new CustomEvent("notice", { detail: { text } }));
  }

  // Persistence ------------------------------------------------------------------------------
  #changed() {
    this.#persist();
    this.dispatchEvent(new CustomEvent("change"));
  }

  #persist() {
    if (!this.#key) return;
    try {
      const saved = this.items.map(({ clientId, text, display, createdAt, state }) => ({ clientId, text, display, createdAt, state }));
      if (saved.length) sessionStorage.setItem(this.#key, JSON.stringify(saved));
      else sessionStorage.removeItem(this.#key);
    } catch {
      // Storage can be full or blocked (private mode, third-party frame): sending still works.
    }
  }

  #restore() {
    if (!this.#key) return;
    let saved;
    try {
      saved = JSON.parse(sessionStorage.getItem(this.#key) || "[]");
    } catch {
      saved = [];
    }
    for (const entry of Array.isArray(saved) ? saved : []) {
      if (!entry || typeof entry.clientId !== "string" || typeof entry.text !== "string") continue;
      const state = entry.state === "failed" ? "failed" : "sending";
      this.#items.set(entry.clientId, {
        clientId: entry.clientId, text: entry.text, display: typeof entry.display === "string" ? entry.display : entry.text,
        createdAt: Number(entry.createdAt) || Date.now(), state, attempts: 0,
        error: state === "failed" ? { status: 0, code: "network" } : null,
      });
    }
  }
}
