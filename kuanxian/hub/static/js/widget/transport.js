// The widget's connection to the hub: a WebSocket that replays from the last seq it saw,
// reconnects with backoff, and falls back to plain HTTP (POST + polling) when sockets fail.
import { ClientFrameType, FrameType } from "../protocol.js";
import { Backoff } from "../shared/backoff.js";
import { ApiError, joinUrl, request, wsUrl } from "../shared/http.js";

const PING_MS = 25000;        // keep proxies from closing an idle socket
const SILENCE_MS = 65000;     // no frame at all for this long: the socket is dead
const POLL_MS = 3000;         // polling interval in fallback mode
const POLL_FAST_MS = 1000;    // ... just after a send, while a reply is likely
const FAST_WINDOW_MS = 20000;
const WS_FAILURES_BEFORE_POLLING = 2;

/**
 * Events (CustomEvent detail):
 *   frame         a frame object, as the socket would send it (polled messages are wrapped as message frames)
 *   state         {state: "connecting" | "online" | "polling" | "offline"}
 *   synced        the replay since the last seq is complete (after each (re)connect or first poll)
 *   unauthorized  the session token was refused: renew it and call setToken()
 */
export class Transport extends EventTarget {
  #hub;
  #token;
  #mode;
  #ws = null;
  #wsBackoff = new Backoff({ base: 800, max: 30000 });
  #pollBackoff = new Backoff({ base: 1000, max: 20000 });
  #wsFailures = 0;
  #stopped = true;
  #reconnectTimer = null;
  #pollTimer = null;
  #pingTimer = null;
  #silenceTimer = null;
  #polling = false;
  #pollSynced = false;
  #fastUntil = 0;
  #state = "";
  #waitingForReplayEnd = false;
  lastSeq = 0;

  /** mode: "auto" (WebSocket, HTTP when it fails) or "http" (never a socket). */
  constructor({ hub, token, after = 0, mode = "auto" }) {
    super();
    this.#hub = hub;
    this.#token = token;
    this.lastSeq = after;
    this.#mode = mode === "http" || typeof WebSocket === "undefined" ? "http" : "auto";
    this.onOnline = () => this.kick();
    this.onVisible = () => {
      if (document.visibilityState === "visible") this.kick();
    };
  }

  get state() {
    return this.#state;
  }

  /** True when a message sent now goes over the live socket. */
  get socketOpen() {
    return this.#ws !== null && this.#ws.readyState === WebSocket.OPEN;
  }

  start() {
    if (!this.#stopped) return;
    this.#stopped = false;
    window.addEventListener("online", this.onOnline);
    document.addEventListener("visibilitychange", this.onVisible);
    if (this.#mode === "http") this.#startPolling();
    else this.#connect();
  }

  stop() {
    this.#stopped = true;
    window.removeEventListener("online", this.onOnline);
    document.removeEventListener("visibilitychange", this.onVisible);
    clearTimeout(this.#reconnectTimer);
    clearTimeout(this.#pollTimer);
    this.#clearSocketTimers();
    this.#polling = false;
    if (this.#ws) {
      const ws = this.#ws;
      this.#ws = null;
      ws.close(1000, "bye");
    }
  }

  /** A renewed session token: reconnect with it. */
  setToken(token) {
    this.#token = token;
    if (this.#stopped) return;
    if (this.#ws) this.#ws.close(1000, "token renewed");
    else this.kick();
  }

  /** Try again now (the network came back, the page became visible). */
  kick() {
    if (this.#stopped) return;
    if (this.#polling) this.#schedulePoll(0);
    if (this.#mode !== "http" && !this.#ws) {
      clearTimeout(this.#reconnectTimer);
      this.#connect();
    }
  }

  /**
   * Send a borrower message. Over an open socket the acknowledgement is the message frame that
   * echoes the client_id; over HTTP it is the 202 with the seq. `preferHttp` forces HTTP (retries).
   */
  async send({ text, clientId }, { preferHttp = false } = {}) {
    if (!preferHttp && this.socketOpen) {
      this.#ws.send(JSON.stringify({ type: ClientFrameType.MESSAGE, text, client_id: clientId }));
      return { via: "ws" };
    }
    const body = await request(joinUrl(this.#hub, "/api/widget/messages"), {
      method: "POST", token: this.#token, body: { text, client_id: clientId },
    }).catch((error) => this.#refused(error));
    this.#fastUntil = Date.now() + FAST_WINDOW_MS;
    if (this.#polling) this.#schedulePoll(POLL_FAST_MS);
    return { via: "http", seq: body?.seq };
  }

  /** Mark messages read up to `seq`. */
  async markRead(seq, { keepalive = false } = {}) {
    await request(joinUrl(this.#hub, "/api/widget/read"), { method: "POST", token: this.#token, body: { seq }, keepalive })
      .catch((error) => this.#refused(error));
  }

  // WebSocket ------------------------------------------------------------------------------
  #connect() {
    if (this.#stopped || this.#ws) return;
    this.#setState(this.#polling ? "polling" : "connecting");
    let ws;
    try {
      ws = new WebSocket(wsUrl(this.#hub, "/api/widget/stream", { token: this.#token, after: this.lastSeq }));
    } catch {
      this.#socketFailed(false);
      return;
    }
    this.#ws = ws;
    let opened = false;
    ws.addEventListener("open", () => {
      opened = true;
      this.#wsFailures = 0;
      this.#wsBackoff.reset();
      this.#waitingForReplayEnd = true;
      this.#stopPolling();
      this.#setState("online");
      this.#armSocketTimers();
    });
    ws.addEventListener("message", (event) => this.#onSocketFrame(event.data));
    ws.addEventListener("close", (event) => {
      if (this.#ws !== ws) return;
      this.#ws = null;
      this.#clearSocketTimers();
      if (this.#stopped) return;
      if (event.code === 4401) {
        this.dispatchEvent(new CustomEvent("unauthorized"));
        this.#scheduleReconnect();
        return;
      }
      this.#socketFailed(opened);
    });
  }

  #onSocketFrame(data) {
    let frame;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    this.#armSilenceTimer();
    if (!frame || typeof frame.type !== "string" || frame.type === "pong") return;
    if (frame.type === FrameType.MESSAGE) this.#noteSeq(frame.message?.seq);
    this.dispatchEvent(new CustomEvent("frame", { detail: frame }));
    // The hub sends the conversation's status right after the replay.
    if (frame.type === FrameType.STATUS && this.#waitingForReplayEnd) {
      this.#waitingForReplayEnd = false;
      this.dispatchEvent(new CustomEvent("synced"));
    }
  }

  #socketFailed(hadOpened) {
    // A socket that worked and dropped is simply reopened (replaying from the last seq); one that
    // keeps failing to open means sockets are blocked here: keep the conversation going over HTTP.
    this.#wsFailures = hadOpened ? 1 : this.#wsFailures + 1;
    if (this.#wsFailures >= WS_FAILURES_BEFORE_POLLING) this.#startPolling();
    this.#scheduleReconnect();
  }

  #scheduleReconnect() {
    clearTimeout(this.#reconnectTimer);
    if (this.#stopped || this.#mode === "http") return;
    if (!this.#polling) this.#setState(navigator.onLine === false ? "offline" : "connecting");
    this.#reconnectTimer = setTimeout(() => this.#connect(), this.#wsBackoff.next());
  }

  #armSocketTimers() {
    this.#clearSocketTimers();
    this.#pingTimer = setInterval(() => {
      if (this.socketOpen) this.#ws.send(JSON.stringify({ type: ClientFrameType.PING }));
    }, PING_MS);
    this.#armSilenceTimer();
  }

  #armSilenceTimer() {
    clearTimeout(this.#silenceTimer);
    this.#silenceTimer = setTimeout(() => this.#ws?.close(4000, "silent"), SILENCE_MS);
  }

  #clearSocketTimers() {
    clearInterval(this.#pingTimer);
    clearTimeout(this.#silenceTimer);
  }

  // HTTP polling -----------------------------------------------------------------------------
  #startPolling() {
    if (this.#polling || this.#stopped) return;
    this.#polling = true;
    this.#pollSynced = false;
    this.#pollBackoff.reset();
    this.#setState("polling");
    this.#schedulePoll(0);
  }

  #stopPolling() {
    this.#polling = false;
    clearTimeout(this.#pollTimer);
  }

  #schedulePoll(ms) {
    clearTimeout(this.#pollTimer);
    this.#pollTimer = setTimeout(() => this.#poll(), ms);
  }

  async #poll() {
    if (!this.#polling || this.#stopped) return;
    try {
      const body = await request(joinUrl(this.#hub, `/api/widget/messages?after=${this.lastSeq}`), { token: this.#token });
      if (!this.#polling) return;
      for (const message of body?.messages || []) {
        this.#noteSeq(message.seq);
        this.dispatchEvent(new CustomEvent("frame", { detail: { type: FrameType.MESSAGE, message } }));
      }
      this.#pollBackoff.reset();
      this.#setState("polling");
      if (!this.#pollSynced) {
        this.#pollSynced = true;
        this.dispatchEvent(new CustomEvent("synced"));
      }
      this.#schedulePoll(Date.now() < this.#fastUntil ? POLL_FAST_MS : POLL_MS);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        this.dispatchEvent(new CustomEvent("unauthorized"));
      } else if (error instanceof ApiError && error.isNetwork) {
        this.#setState("offline");
      }
      this.#schedulePoll(error?.retryAfter ? error.retryAfter * 1000 : this.#pollBackoff.next());
    }
  }

  // Helpers ------------------------------------------------------------------------------
  #noteSeq(seq) {
    const n = Number(seq);
    if (Number.isInteger(n) && n > this.lastSeq) this.lastSeq = n;
  }

  #refused(error) {
    if (error instanceof ApiError && error.status === 401) this.dispatchEvent(new CustomEvent("unauthorized"));
    throw error;
  }

  #setState(state) {
    if (state === this.#state) return;
    this.#state = state;
    this.dispatchEvent(new CustomEvent("state", { detail: { state } }));
  }
}
