// <kuanxian-widget hub="https://hub.example" borrower-token="..."> : the borrower's chat, in Shadow DOM.
//
// Attributes: hub (default: the origin this module came from), borrower-token, open (start open),
// transport ("auto" | "http": never a WebSocket). Property: getBorrowerToken = async () => token,
// used instead of the attribute and again whenever the session must be renewed.
import { FrameType, SenderType } from "../protocol.js";
import { Backoff, sleep } from "../shared/backoff.js";
import { friendlyError } from "../shared/errors.js";
import { ApiError, joinUrl, request } from "../shared/http.js";
import { Outbox } from "./outbox.js";
import { T } from "./strings.js";
import { Transport } from "./transport.js";
import { WidgetView } from "./view.js";

const DEFAULT_HUB = new URL("../../../", import.meta.url).href; // .../static/js/widget/ → the hub's root
const READ_DELAY_MS = 250;

export class KuanxianWidget extends HTMLElement {
  static observedAttributes = ["hub", "borrower-token", "open", "transport"];

  #view = null;
  #transport = null;
  #outbox = null;
  #early = []; // [text, display] typed while the session was still opening: sent as soon as it is open
  #session = null;
  #tokenGetter = null;
  #generation = 0;
  #starting = -1; // the generation whose start is under way
  #renewing = false;
  #refreshing = false;
  #synced = false;
  #lastRead = 0;
  #maxSeq = 0;
  #unreadSeqs = new Set();
  #readTimer = null;
  #onVisibility = () => this.#maybeMarkRead();
  #onPageHide = () => this.#flushRead();

  get getBorrowerToken() {
    return this.#tokenGetter;
  }

  set getBorrowerToken(fn) {
    this.#tokenGetter = typeof fn === "function" ? fn : null;
    if (this.isConnected) this.#restart();
  }

  get hub() {
    return this.getAttribute("hub") || DEFAULT_HUB;
  }

  connectedCallback() {
    // A lender may set the property before this element was defined: take it over.
    if (Object.prototype.hasOwnProperty.call(this, "getBorrowerToken")) {
      const fn = this.getBorrowerToken;
      delete this.getBorrowerToken;
      this.#tokenGetter = typeof fn === "function" ? fn : null;
    }
    if (!this.#view) {
      const root = this.attachShadow({ mode: "open" });
      this.#view = new WidgetView(root, {
        onSend: (text) => this.#send(text, text),
        onChoice: (button) => this.#send(button.payload, button.title),
        onRetry: (clientId) => this.#outbox?.retry(clientId),
        onOpen: () => this.#open(),
        onClose: () => this.#close(),
      });
    }
    document.addEventListener("visibilitychange", this.#onVisibility);
    window.addEventListener("pagehide", this.#onPageHide);
    if (this.hasAttribute("open")) this.#open();
    this.#start();
  }

  disconnectedCallback() {
    document.removeEventListener("visibilitychange", this.#onVisibility);
    window.removeEventListener("pagehide", this.#onPageHide);
    this.#stop();
  }

  attributeChangedCallback(name, oldValue, value) {
    if (oldValue === value || !this.#view) return;
    if (name === "open") {
      if (value === null) this.#close({ returnFocus: false });
      else this.#open();
    } else if (this.isConnected) {
      this.#restart();
    }
  }

  // Session ---------------------------------------------------------------------------------------
  async #borrowerToken() {
    if (this.#tokenGetter) return this.#tokenGetter();
    return this.getAttribute("borrower-token");
  }

  async #start() {
    const generation = this.#generation;
    if (this.#transport || this.#starting === generation) return;
    if (!this.#tokenGetter && !this.hasAttribute("borrower-token")) return; // waiting for the lender
    this.#starting = generation; // a restart (new generation) may start while an older start is still waiting
    try {
      const session = await this.#openSession(generation);
      if (session && generation === this.#generation) this.#begin(session);
    } finally {
      if (this.#starting === generation) this.#starting = -1;
    }
  }

  /** POST /sessions with the borrower token, retrying while the hub is unreachable. */
  async #openSession(generation) {
    const backoff = new Backoff({ base: 1000, max: 30000 });
    const view = this.#view;
    for (;;) {
      try {
        const token = await this.#borrowerToken();
        if (generation !== this.#generation) return null;
        if (!token) {
          view.notice(T.noToken, { sticky: true, key: "session" });
          return null;
        }
        const session = await request(joinUrl(this.hub, "/api/widget/sessions"), { method: "POST", body: { borrower_token: token } });
        if (generation !== this.#generation) return null;
        view.clearNotice("session");
        return session;
      } catch (error) {
        if (generation !== this.#generation) return null;
        if (error instanceof ApiError && !error.retriable) {
          view.notice(T.noToken, { sticky: true, key: "session" });
          return null;
        }
        view.setConnection("offline");
        view.notice(T.sessionFailed, { sticky: true, key: "session", kind: "info" });
        await sleep(error?.retryAfter ? error.retryAfter * 1000 : backoff.next());
      }
    }
  }

  #begin(session) {
    const view = this.#view;
    this.#session = session;
    this.#lastRead = Number(session.last_read_seq) || 0;
    view.setStatus(session.status, session.collector_name);
    this.#outbox = new Outbox({
      storageKey: `kuanxian:outbox:${session.conversation_id}`,
      send: (item, options) => this.#transport.send({ text: item.text, clientId: item.clientId }, options),
    });
    this.#outbox.addEventListener("change", () => view.transcript.setPending(this.#outbox.items));
    this.#outbox.addEventListener("notice", (event) => view.notice(event.detail.text, { key: "outbox" }));
    view.transcript.setPending(this.#outbox.items);
    for (const [text, display] of this.#early.splice(0)) this.#outbox.add(text, display);
    view.clearNotice("early");

    const transport = new Transport({ hub: this.hub, token: session.session_token, after: 0, mode: this.getAttribute("transport") || "auto" });
    this.#transport = transport;
    transport.addEventListener("frame", (event) => this.#onFrame(event.detail));
    transport.addEventListener("state", (event) => this.#onState(event.detail.state));
    transport.addEventListener("synced", () => this.#onSynced());
    transport.addEventListener("unauthorized", () => this.#renew());
    this.#updateBadge();
    transport.start();
  }

  async #renew() {
    if (this.#renewing || !this.#session) return;
    this.#renewing = true;
    try {
      const session = await this.#openSession(this.#generation);
      if (!session) return;
      if (session.conversation_id !== this.#session.conversation_id) {
        this.#restart(); // the old conversation is gone: start over with the new one
        return;
      }
      this.#session = session;
      this.#transport?.setToken(session.session_token);
    } finally {
      this.#renewing = false;
    }
  }

  /** Over HTTP there are no status frames: ask the hub again (POST /sessions resumes, it never duplicates). */
  async #refreshStatus() {
    if (this.#refreshing) return;
    this.#refreshing = true;
    try {
      const session = await this.#openSession(this.#generation);
      if (session && session.conversation_id === this.#session?.conversation_id) {
        this.#view.setStatus(session.status, session.collector_name);
      }
    } finally {
      this.#refreshing = false;
    }
  }

  #stop() {
    this.#generation += 1;
    clearTimeout(this.#readTimer);
    this.#transport?.stop();
    this.#transport = null;
    this.#outbox = null;
    this.#early = []; // a restart may be another borrower: nothing typed for the last one goes to them
    this.#session = null;
    this.#synced = false;
  }

  #restart() {
    this.#stop();
    this.#maxSeq = 0;
    this.#lastRead = 0;
    this.#unreadSeqs.clear();
    this.#view?.transcript.reset();
    this.#view?.setStatus(null);
    this.#updateBadge();
    this.#start();
  }

  // Frames ------------------------------------------------------------------------------------------
  #onFrame(frame) {
    const view = this.#view;
    switch (frame.type) {
      case FrameType.MESSAGE:
        this.#onMessage(frame.message);
        break;
      case FrameType.STATUS:
        view.setStatus(frame.status, frame.collector_name);
        break;
      case FrameType.TYPING:
        view.setTyping(frame.on);
        break;
      case FrameType.ERROR:
        if (frame.client_id && this.#outbox?.has(frame.client_id)) {
          this.#outbox.refused(frame.client_id, frame);
        } else {
          view.notice(friendlyError(frame), { key: "frame" });
        }
        if (frame.error === "unauthorized") this.#renew();
        break;
      default:
        break;
    }
  }

  #onMessage(message) {
    if (!message || !Number.isInteger(message.seq)) return;
    if (!this.#view.transcript.add(message)) return; // seen already (a replay overlap)
    this.#maxSeq = Math.max(this.#maxSeq, message.seq);
    if (message.sender_type === SenderType.BORROWER) {
      if (message.client_id) this.#outbox?.settle(message.client_id);
    } else {
      this.#view.setTyping(false);
      if (message.seq > this.#lastRead) this.#unreadSeqs.add(message.seq);
      if (message.sender_type === SenderType.SYSTEM && this.#transport?.state === "polling") this.#refreshStatus();
    }
    this.#maybeMarkRead();
    this.#updateBadge();
  }

  #onSynced() {
    this.#synced = true;
    this.#outbox?.resendPending();
    if (this.#view.isOpen && this.#unreadSeqs.size) {
      this.#view.transcript.markUnread(this.#lastRead);
      this.#view.transcript.reveal();
    }
    this.#updateBadge();
    this.#maybeMarkRead();
  }

  #onState(state) {
    const view = this.#view;
    view.setConnection(state);
    if (state === "offline") view.notice(T.offlineNotice, { sticky: true, key: "conn", kind: "info" });
    else view.clearNotice("conn");
  }

  // Sending -----------------------------------------------------------------------------------------
  /** Returns false when the text could not be taken (the view then gives it back to the input). */
  #send(text, display) {
    if (this.#outbox) {
      this.#outbox.add(text, display);
      return true;
    }
    if (this.#starting === this.#generation) {
      // Typed while the session is still opening (a slow first load): kept, and sent the moment it opens.
      this.#early.push([text, display]);
      this.#view.notice(T.sendWhenConnected, { key: "early", kind: "info" });
      return true;
    }
    this.#view.notice(this.#session ? T.sessionFailed : T.noToken, { key: "session" });
    return false;
  }

  // Open, close, read marks ----------------------------------------------------------------------------
  #open() {
    const view = this.#view;
    if (view.isOpen) return;
    view.open();
    if (this.#unreadSeqs.size) view.transcript.markUnread(this.#lastRead);
    else view.transcript.clearDivider();
    view.transcript.reveal();
    this.#maybeMarkRead();
    this.#updateBadge();
  }

  #close(options) {
    this.#view.close(options);
    this.#view.transcript.clearDivider();
    this.#updateBadge();
  }

  #reading() {
    return this.#view.isOpen && document.visibilityState === "visible";
  }

  #maybeMarkRead() {
    if (!this.#reading() || !this.#transport || this.#maxSeq <= this.#lastRead) return;
    clearTimeout(this.#readTimer);
    this.#readTimer = setTimeout(async () => {
      this.#readTimer = null;
      const seq = this.#maxSeq;
      if (!this.#reading() || seq <= this.#lastRead) return;
      try {
        await this.#transport?.markRead(seq);
        this.#lastRead = Math.max(this.#lastRead, seq);
        for (const s of [...this.#unreadSeqs]) if (s <= this.#lastRead) this.#unreadSeqs.delete(s);
        this.#updateBadge();
      } catch {
        // Read marks are best effort; the next message tries again.
      }
    }, READ_DELAY_MS);
  }

  /** The tab is going away with a read mark still waiting: send it now, in a request that outlives the page. */
  #flushRead() {
    if (!this.#readTimer || !this.#transport || !this.#view.isOpen || this.#maxSeq <= this.#lastRead) return;
    clearTimeout(this.#readTimer);
    this.#readTimer = null;
    this.#transport.markRead(this.#maxSeq, { keepalive: true }).catch(() => {});
  }

  #updateBadge() {
    const unread = this.#synced || this.#unreadSeqs.size ? this.#unreadSeqs.size : Number(this.#session?.unread) || 0;
    this.#view?.setUnread(this.#view.isOpen ? 0 : unread);
  }
}
