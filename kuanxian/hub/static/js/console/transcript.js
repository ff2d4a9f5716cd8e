// The conversation as the collector sees it: every message in seq order, internal notes set apart.
import { SenderType } from "../protocol.js";
import { h, replace } from "../shared/dom.js";
import { formatDateTime, formatTime } from "../shared/format.js";
import { sender as senderName } from "./labels.js";

export class ConsoleTranscript {
  #rows = new Map();
  node;

  constructor() {
    this.node = h("ol", {
      class: "transcript", data: { testid: "console-transcript" },
      attrs: { "aria-label": "对话记录", "aria-live": "polite", "aria-relevant": "additions", tabindex: "0" },
    });
  }

  /** Replace everything with `messages`. */
  load(messages) {
    this.#rows.clear();
    replace(this.node);
    for (const message of [...messages].sort((a, b) => a.seq - b.seq)) this.add(message, { scroll: false });
    if (!messages.length) this.node.append(h("li", { class: "empty", text: "还没有消息。" }));
    this.scrollToEnd();
  }

  /** Add one message (ignored if its seq is shown already). */
  add(message, { scroll = true } = {}) {
    const seq = Number(message?.seq);
    if (!Number.isInteger(seq) || this.#rows.has(seq)) return false;
    this.node.querySelector(".empty")?.remove();
    const stick = this.node.scrollHeight - this.node.scrollTop - this.node.clientHeight < 120;
    const row = render(message);
    const later = [...this.#rows.keys()].filter((s) => s > seq).sort((a, b) => a - b)[0];
    this.node.insertBefore(row, later !== undefined ? this.#rows.get(later) : null);
    this.#rows.set(seq, row);
    if (scroll && stick) this.scrollToEnd();
    return true;
  }

  scrollToEnd() {
    this.node.scrollTop = this.node.scrollHeight;
  }
}

function render(message) {
  const internal = Boolean(message.internal);
  const type = message.sender_type;
  const who = internal
    ? `内部备注 · ${message.sender_name || "客服"}`
    : type === SenderType.COLLECTOR ? `客服 ${message.sender_name || ""}`.trim() : senderName(type);
  const row = h("li", {
    class: ["msg", `from-${type}`, internal && "internal"],
    data: { testid: internal ? "console-note" : "console-message", sender: type, seq: message.seq, internal: internal ? "true" : "false" },
  },
  h("p", { class: "msg-head" },
    h("span", { class: "msg-who", text: who }),
    internal ? h("span", { class: "tag note-tag", text: "借款人看不到" }) : null,
    h("time", { attrs: { datetime: message.created_at, title: formatDateTime(message.created_at) }, text: formatTime(message.created_at) })),
  h("p", { class: "msg-text", data: { testid: "console-message-text" }, text: message.text }));
  const buttons = Array.isArray(message.buttons) ? message.buttons : [];
  if (buttons.length) {
    row.append(h("p", { class: "msg-buttons" }, "按钮：", buttons.map((b) => h("span", { class: "tag", text: b.title }))));
  }
  return row;
}
