// The transcript: confirmed messages in seq order, then the borrower's pending ones. Text only.
import { SenderType } from "../protocol.js";
import { h, replace } from "../shared/dom.js";
import { formatTime } from "../shared/format.js";
import { T } from "./strings.js";

const NEAR_BOTTOM_PX = 80;

export class Transcript {
  #node;
  #onChoice;
  #onRetry;
  #rows = new Map();      // seq → row
  #pending = new Map();   // clientId → row
  #divider = null;
  #welcome;

  /** onChoice(button) when a quick-reply button is pressed; onRetry(clientId) for 重试. */
  constructor(node, { onChoice, onRetry }) {
    this.#node = node;
    this.#onChoice = onChoice;
    this.#onRetry = onRetry;
    this.#welcome = h("p", { class: "welcome", text: T.empty });
    node.append(this.#welcome);
  }

  get node() {
    return this.#node;
  }

  has(seq) {
    return this.#rows.has(seq);
  }

  /** Add a confirmed message (ignored when its seq is already shown). Returns true if added. */
  add(message) {
    const seq = Number(message.seq);
    if (!Number.isInteger(seq) || this.#rows.has(seq)) return false;
    const stick = this.#nearBottom();
    const row = this.#render(message);
    const after = [...this.#rows.keys()].filter((s) => s > seq).sort((a, b) => a - b)[0];
    const before = after !== undefined ? this.#rows.get(after) : this.#firstPending();
    this.#node.insertBefore(row, before || null);
    this.#rows.set(seq, row);
    this.#welcome.hidden = true;
    this.#refreshChoices();
    if (stick) this.scrollToEnd();
    return true;
  }

  /** Show the outbox's pending items (after every confirmed message). */
  setPending(items) {
    const stick = this.#nearBottom();
    const added = items.some((item) => !this.#pending.has(item.clientId));
    const keep = new Set(items.map((item) => item.clientId));
    for (const [clientId, row] of this.#pending) {
      if (!keep.has(clientId)) {
        row.remove();
        this.#pending.delete(clientId);
      }
    }
    for (const item of items) {
      const old = this.#pending.get(item.clientId);
      const row = this.#renderPending(item);
      if (old) old.replaceWith(row);
      else this.#node.append(row);
      this.#pending.set(item.clientId, row);
    }
    if (items.length) this.#welcome.hidden = true;
    if (stick || added) this.scrollToEnd();
  }

  /** A "new messages" divider before the first message from others after `lastRead`. */
  markUnread(lastRead) {
    this.clearDivider();
    const first = [...this.#rows.entries()]
      .filter(([seq, row]) => seq > lastRead && row.dataset.sender !== SenderType.BORROWER)
      .sort((a, b) => a[0] - b[0])[0];
    if (!first) return null;
    this.#divider = h("p", { class: "divider", attrs: { role: "separator" }, data: { testid: "kx-unread-divider" }, text: T.newMessages });
    this.#node.insertBefore(this.#divider, first[1]);
    return this.#divider;
  }

  clearDivider() {
    this.#divider?.remove();
    this.#divider = null;
  }

  scrollToEnd() {
    this.#node.scrollTop = this.#node.scrollHeight;
  }

  /** Scroll so the unread divider (or the end) is in view. */
  reveal() {
    if (this.#divider) this.#node.scrollTop = Math.max(0, this.#divider.offsetTop - this.#node.offsetTop - 8);
    else this.scrollToEnd();
  }

  // Rendering ----------------------------------------------------------------------------------
  #render(message) {
    const sender = message.sender_type;
    const row = h("div", {
      class: "msg",
      data: { testid: "kx-message", sender, seq: message.seq, clientId: message.client_id || undefined },
    });
    row.append(this.#who(sender, message.sender_name));
    row.append(h("p", { class: "bubble", data: { testid: "kx-message-text" }, text: message.text }));
    const buttons = Array.isArray(message.buttons) ? message.buttons.filter((b) => b && typeof b.title === "string") : [];
    if (buttons.length && sender !== SenderType.BORROWER) {
      row.append(h("div", { class: "buttons", attrs: { role: "group", "aria-label": "快捷回复" } },
        buttons.map((button) => h("button", {
          class: "choice", type: "button", text: button.title, data: { testid: "kx-choice" },
          on: { click: () => this.#onChoice({ title: button.title, payload: String(button.payload ?? button.title) }) },
        }))));
    }
    if (sender !== SenderType.SYSTEM) {
      row.append(h("p", { class: "meta" }, h("time", { attrs: { datetime: message.created_at }, text: formatTime(message.created_at) })));
    }
    return row;
  }

  #renderPending(item) {
    const failed = item.state === "failed";
    const label = failed ? T.failed : item.state === "sent" ? T.sent : T.sending;
    const meta = h("p", { class: "meta", attrs: { "aria-live": "polite" } }, h("span", { data: { testid: "kx-message-state" }, text: label }));
    if (failed) {
      meta.append(h("button", {
        class: "retry", type: "button", text: T.retry, data: { testid: "kx-retry" },
        attrs: { "aria-label": `${T.retry}：${item.display.slice(0, 20)}` },
        on: { click: () => this.#onRetry(item.clientId) },
      }));
    }
    return h("div", {
      class: "msg", data: { testid: "kx-message", sender: SenderType.BORROWER, pending: "", state: item.state, clientId: item.clientId },
    },
    h("span", { class: "sr-only", text: T.you }),
    h("p", { class: "bubble", data: { testid: "kx-message-text" }, text: item.display }),
    meta);
  }

  #who(sender, name) {
    if (sender === SenderType.BOT) return h("span", { class: "who", text: T.bot });
    if (sender === SenderType.COLLECTOR) return h("span", { class: "who", text: T.collector(name) });
    return h("span", { class: "sr-only", text: sender === SenderType.BORROWER ? T.you : T.system });
  }

  /** Quick replies work only on the newest message; older ones are kept but disabled. */
  #refreshChoices() {
    const newest = Math.max(...this.#rows.keys());
    for (const [seq, row] of this.#rows) {
      for (const button of row.querySelectorAll(".choice")) button.disabled = seq !== newest;
    }
  }

  #firstPending() {
    return this.#pending.values().next().value;
  }

  #nearBottom() {
    const n = this.#node;
    return n.scrollHeight - n.scrollTop - n.clientHeight < NEAR_BOTTOM_PX;
  }

  /** Forget everything (another borrower signed in on this page). */
  reset() {
    this.#rows.clear();
    this.#pending.clear();
    this.#divider = null;
    replace(this.#node, this.#welcome);
    this.#welcome.hidden = false;
  }
}
