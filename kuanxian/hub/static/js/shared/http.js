// A small fetch wrapper: JSON in and out, a timeout, and one error type for every failure.

/** Any failed request. status 0 means the network (or a timeout), not the server. */
export class ApiError extends Error {
  constructor({ status = 0, code = "network", message = "", retryAfter = null, body = null } = {}) {
    super(message || code);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
    this.body = body;
  }

  get isNetwork() {
    return this.status === 0;
  }

  /** Worth trying again as it is (network trouble, rate limit, server error). */
  get retriable() {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

/** Seconds to wait from a Retry-After header or a body's retry_after; null if neither. */
export function retryAfterSeconds(response, body) {
  const header = response?.headers?.get?.("Retry-After");
  const fromHeader = header !== null && header !== undefined && header !== "" ? Number(header) : NaN;
  if (Number.isFinite(fromHeader) && fromHeader >= 0) return fromHeader;
  const fromBody = Number(body?.retry_after);
  return Number.isFinite(fromBody) && fromBody >= 0 ? fromBody : null;
}

/**
 * Make a request and return the parsed JSON (null for an empty body).
 * options: method, body (JSON-encoded), token (Bearer), signal, timeout (ms), accept ("json" | "text" | "blob"),
 * keepalive (the request outlives the page, e.g. a read mark sent as the tab closes).
 */
export async function request(url, { method = "GET", body, token, signal, timeout = 15000, accept = "json", keepalive = false } = {}) {
  const headers = { Accept: accept === "json" ? "application/json" : "*/*" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException("timeout", "TimeoutError")), timeout);
  const onAbort = () => controller.abort(signal.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
      cache: "no-store",
      credentials: "omit",
      keepalive,
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    const timedOut = controller.signal.reason?.name === "TimeoutError";
    throw new ApiError({ status: 0, code: timedOut ? "timeout" : "network", message: String(error?.message || error) });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
  if (!response.ok) {
    const data = await response.json().catch(() => null);
    throw new ApiError({
      status: response.status,
      code: typeof data?.error === "string" ? data.error : `http_${response.status}`,
      message: typeof data?.message === "string" ? data.message : response.statusText,
      retryAfter: retryAfterSeconds(response, data),
      body: data,
    });
  }
  if (accept === "blob") return response.blob();
  if (accept === "text") return response.text();
  if (response.status === 204) return null;
  const raw = await response.text();
  return raw ? JSON.parse(raw) : null;
}

/** Join a base URL (with or without a trailing slash) and an absolute path. */
export function joinUrl(base, path) {
  return `${String(base).replace(/\/+$/, "")}${path}`;
}

/** The WebSocket URL for an http(s) base and a path with a query. */
export function wsUrl(base, path, params) {
  const url = new URL(joinUrl(base, path), location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  for (const [key, value] of Object.entries(params || {})) url.searchParams.set(key, String(value));
  return url.toString();
}
