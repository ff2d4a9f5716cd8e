// 队列: conversations waiting for or held by a person, live from the console stream,
// beside the workspace of the one that is open (#/queue/<conversation id>).
import { ConversationStatus, FrameType, Priority } from "../protocol.js";
import { h, replace } from "../shared/dom.js";
import { friendlyError } from "../shared/errors.js";
import { formatAgo } from "../shared/format.js";
import * as L from "./labels.js";
import { Workspace } from "./workspace.js";

const RANK = { [Priority.URGENT]: 0, [Priority.HIGH]: 1, [Priority.NORMAL]: 2 };
const IN_QUEUE = new Set([ConversationStatus.WAITING_FOR_COLLECTOR, ConversationStatus.WITH_COLLECTOR]);

function order(a, b) {
  const waitingA = a.status === ConversationStatus.WAITING_FOR_COLLECTOR ? 0 : 1;
  const waitingB = b.status === ConversationStatus.WAITING_FOR_COLLECTOR ? 0 : 1;
  return waitingA - waitingB || (RANK[a.priority] ?? 3) - (RANK[b.priority] ?? 3) ||
    String(a.waiting_since || a.created_at).localeCompare(String(b.waiting_since || b.created_at));
}

export class QueuePage {
  #ctx;
  #items = new Map();
  #fresh = new Set(); // conversations with messages the collector has not opened yet
  #list;
  #count;
  #workspace;
  #tick;
  #onFrame = (event) => this.#frame(event.detail);
  #onOpen = () => this.#workspace.refresh();

  constructor(container, ctx) {
    this.#ctx = ctx;
    this.#count = h("span", { class: "count", data: { testid: "queue-count" } });
    this.#list = h("ul", { class: "queue-list", data: { testid: "queue-list" }, attrs: { "aria-labelledby": "queue-title" } });
    this.#workspace = new Workspace({ api: ctx.api, user: ctx.user, announce: ctx.announce });
    replace(container, h("div", { class: "queue-layout" },
      h("aside", { class: "queue", attrs: { "aria-labelledby": "queue-title" } },
        h("h2", { id: "queue-title" }, "队列 ", this.#count),
        this.#list),
      this.#workspace.node));
    ctx.stream?.addEventListener("frame", this.#onFrame);
    ctx.stream?.addEventListener("open", this.#onOpen);
    this.#tick = setInterval(() => this.#render(), 30000);
    this.#load();
  }

  show(conversationId) {
    if (conversationId) this.#fresh.delete(conversationId);
    this.#workspace.open(conversationId);
    this.#render();
  }

  destroy() {
    clearInterval(this.#tick);
    this.#ctx.stream?.removeEventListener("frame", this.#onFrame);
    this.#ctx.stream?.removeEventListener("open", this.#onOpen);
    this.#workspace.destroy();
  }

  async #load() {
    try {
      const body = await this.#ctx.api.queue();
      this.#replaceAll(body.conversations || []);
    } catch (error) {
      if (error?.status !== 401) this.#ctx.announce(`队列加载失败：${friendlyError(error)}`, "error");
    }
  }

  #replaceAll(conversations) {
    this.#items.clear();
    for (const c of conversations) this.#items.set(c.conversation_id, c);
    this.#render();
  }

  #frame(frame) {
    if (frame.type === FrameType.QUEUE) {
      this.#replaceAll(frame.conversations || []);
    } else if (frame.type === FrameType.CONVERSATION && frame.conversation) {
      const c = frame.conversation;
      if (IN_QUEUE.has(c.status)) this.#items.set(c.conversation_id, c);
      else this.#items.delete(c.conversation_id);
      this.#render();
    } else if (frame.type === FrameType.MESSAGE) {
      const open = this.#workspace.conversationId;
      if (frame.conversation_id !== open && this.#items.has(frame.conversation_id) && frame.message?.sender_type === "borrower") {
        this.#fresh.add(frame.conversation_id);
        this.#render();
      }
    }
    this.#workspace.onFrame(frame);
  }

  #render() {
    const items = [...this.#items.values()].sort(order);
    const open = this.#workspace.conversationId;
    const waiting = items.filter((c) => c.status === ConversationStatus.WAITING_FOR_COLLECTOR).length;
    this.#count.textContent = `${waiting} 个等待`;
    if (!items.length) {
      replace(this.#list, h("li", { class: "empty", data: { testid: "queue-empty" }, text: "暂时没有需要人工处理的对话。" }));
      return;
    }
    replace(this.#list, items.map((c) => {
      const mine = c.collector_id === this.#ctx.user.id;
      return h("li", {},
        h("a", {
          class: ["queue-item", `prio-${c.priority || "normal"}`, c.conversation_id === open && "active"],
          href: `#/queue/${encodeURIComponent(c.conversation_id)}`,
          data: { testid: "queue-item", conversationId: c.conversation_id, status: c.status, borrower: c.borrower_id },
          attrs: { "aria-current": c.conversation_id === open ? "true" : false },
        },
        h("span", { class: "qi-top" },
          h("strong", { text: c.borrower_name || c.borrower_id }),
          c.priority ? h("span", { class: ["chip", `prio-${c.priority}`], text: L.priority(c.priority) }) : null,
          this.#fresh.has(c.conversation_id) ? h("span", { class: "chip new", text: "新消息" }) : null),
        h("span", { class: "qi-reason", text: L.reason(c.reason) }),
        h("span", { class: "qi-meta muted small" },
          c.status === ConversationStatus.WAITING_FOR_COLLECTOR
            ? `等待接入 · ${formatAgo(c.waiting_since || c.created_at)}`
            : `${mine ? "我" : c.collector_name || "同事"}处理中`),
        c.speaker === "third_party" ? h("span", { class: "chip danger", text: "疑似非本人" }) : null));
    }));
  }
}
