// The console's live feed: queue snapshots, new messages and conversation changes.
// Reconnects with backoff; pages re-fetch what they show on every (re)open.
import { Backoff } from "../shared/backoff.js";
import { wsUrl } from "../shared/http.js";

/** Events: "frame" (detail: frame), "open" (connected or reconnected), "state" ({state}), "unauthorized". */
export class ConsoleStream extends EventTarget {
  #token;
  #ws = null;
  #backoff = new Backoff({ base: 1000, max: 20000 });
  #timer = null;
  #stopped = true;
  state = "connecting";

  constructor(token) {
    super();
    this.#token = token;
    this.onOnline = () => this.#reconnectNow();
  }

  start() {
    if (!this.#stopped) return;
    this.#stopped = false;
    window.addEventListener("online", this.onOnline);
    this.#connect();
  }

  stop() {
    this.#stopped = true;
    window.removeEventListener("online", this.onOnline);
    clearTimeout(this.#timer);
    const ws = this.#ws;
    this.#ws = null;
    ws?.close(1000, "bye");
  }

  #reconnectNow() {
    if (this.#stopped || this.#ws) return;
    clearTimeout(this.#timer);
    this.#connect();
  }

  #connect() {
    this.#setState("connecting");
    const ws = new WebSocket(wsUrl(location.origin, "/api/console/stream", { token: this.#token }));
    this.#ws = ws;
    ws.addEventListener("open", () => {
      this.#backoff.reset();
      this.#setState("online");
      this.dispatchEvent(new CustomEvent("open"));
    });
    ws.addEventListener("message", (event) => {
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      if (frame && typeof frame.type === "string") this.dispatchEvent(new CustomEvent("frame", { detail: frame }));
    });
    ws.addEventListener("close", (event) => {
      if (this.#ws !== ws) return;
      this.#ws = null;
      if (this.#stopped) return;
      if (event.code === 4401) {
        this.dispatchEvent(new CustomEvent("unauthorized"));
        return;
      }
      this.#setState("offline");
      this.#timer = setTimeout(() => this.#connect(), this.#backoff.next());
    });
  }

  #setState(state) {
    if (state === this.state) return;
    this.state = state;
    this.dispatchEvent(new CustomEvent("state", { detail: { state } }));
  }
}
