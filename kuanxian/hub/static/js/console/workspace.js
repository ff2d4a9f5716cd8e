// One conversation: header with claim/resolve, the transcript and reply box, the context panel
// and the plan calculator. Live frames keep it current; a reconnect re-fetches it.
import { ConversationStatus, FrameType } from "../protocol.js";
import { debounce, h, replace } from "../shared/dom.js";
import { friendlyError } from "../shared/errors.js";
import { renderContext } from "./context.js";
import * as L from "./labels.js";
import { PlanCalculator } from "./plan.js";
import { ReplyBox } from "./reply.js";
import { ConsoleTranscript } from "./transcript.js";

const CONTEXT_REFRESH_MS = 700;

export class Workspace {
  #api;
  #user;
  #announce;
  #cid = null;
  #data = null;
  #loadToken = 0;
  #els = {};
  #reply = null;
  #plan = null;
  #transcript = null;
  #confirmTimer = null;
  #refreshSoon = debounce(() => this.refresh(), CONTEXT_REFRESH_MS);
  node;

  constructor({ api, user, announce }) {
    this.#api = api;
    this.#user = user;
    this.#announce = announce;
    this.node = h("section", { class: "workspace", data: { testid: "workspace" }, attrs: { "aria-label": "对话工作区" } });
    this.#placeholder();
  }

  get conversationId() {
    return this.#cid;
  }

  #placeholder(text = "从左侧队列选择一段对话。") {
    replace(this.node, h("p", { class: "placeholder", text }));
  }

  /** Show conversation `cid` (null: nothing). */
  async open(cid) {
    if (cid === this.#cid && this.#data) return;
    this.destroy();
    this.#cid = cid;
    if (!cid) {
      this.#placeholder();
      return;
    }
    replace(this.node, h("p", { class: "placeholder", text: "正在加载对话…" }));
    const token = ++this.#loadToken;
    try {
      const data = await this.#api.conversation(cid);
      if (token !== this.#loadToken) return;
      this.#data = data;
      this.#build();
    } catch (error) {
      if (token !== this.#loadToken) return;
      this.#placeholder(error?.status === 404 ? "找不到这段对话。" : `对话加载失败：${friendlyError(error)}`);
    }
  }

  /** Re-fetch the open conversation (after a reconnect, a hand-back or a status change). */
  async refresh() {
    if (!this.#cid || !this.#data) return;
    const token = this.#loadToken;
    try {
      const data = await this.#api.conversation(this.#cid);
      if (token !== this.#loadToken) return;
      this.#data = data;
      for (const message of data.messages || []) this.#transcript.add(message);
      this.#renderHead();
      replace(this.#els.context, renderContext(data));
      this.#syncPermissions();
    } catch (error) {
      if (token === this.#loadToken && error?.status !== 401) this.#announce(`刷新失败：${friendlyError(error)}`, "error");
    }
  }

  /** Live frames from the console stream. */
  onFrame(frame) {
    if (!this.#data) return;
    if (frame.type === FrameType.MESSAGE && frame.conversation_id === this.#cid) {
      // A new message can change the context too (a plan agreed, hardship told, someone else speaking).
      if (this.#transcript.add(frame.message)) this.#refreshSoon();
    } else if (frame.type === FrameType.CONVERSATION && frame.conversation?.conversation_id === this.#cid) {
      const before = this.#data.conversation.status;
      this.#data.conversation = frame.conversation;
      this.#renderHead();
      this.#syncPermissions();
      if (before !== frame.conversation.status) this.refresh(); // plans or the handoff may have changed too
    }
  }

  destroy() {
    this.#loadToken += 1;
    this.#refreshSoon.cancel();
    clearTimeout(this.#confirmTimer);
    this.#reply?.destroy();
    this.#reply = null;
    this.#plan = null;
    this.#data = null;
    this.#cid = null;
  }

  // Building -------------------------------------------------------------------------------------
  #build() {
    const data = this.#data;
    const e = this.#els;
    this.#transcript = new ConsoleTranscript();
    this.#transcript.load(data.messages || []);
    this.#reply = new ReplyBox({ api: this.#api, conversationId: this.#cid, announce: this.#announce });
    this.#plan = new PlanCalculator({
      api: this.#api, conversationId: this.#cid, user: this.#user, borrower: data.borrower, announce: this.#announce,
      onHandedBack: (conversation) => this.#updated(conversation),
    });
    e.head = h("header", { class: "ws-head" });
    e.context = h("div", { class: "ws-context" }, renderContext(data));
    replace(this.node, e.head,
      h("div", { class: "ws-body" },
        h("div", { class: "ws-main" }, this.#transcript.node, this.#reply.node),
        h("aside", { class: "ws-side", attrs: { "aria-label": "借款人情况与还款计划" } }, e.context, this.#plan.node)));
    this.#renderHead();
    this.#syncPermissions();
    this.#transcript.scrollToEnd();
  }

  #renderHead() {
    const c = this.#data.conversation;
    const held = this.#held();
    const claim = c.status === ConversationStatus.WAITING_FOR_COLLECTOR
      ? h("button", { class: "btn primary", type: "button", text: "接入对话", data: { testid: "claim" }, on: { click: (ev) => this.#claim(ev.currentTarget) } })
      : null;
    const resolvable = c.status === ConversationStatus.WAITING_FOR_COLLECTOR || held;
    const resolve = resolvable
      ? h("button", { class: "btn", type: "button", text: "结束对话", data: { testid: "resolve" }, on: { click: (ev) => this.#resolve(ev.currentTarget) } })
      : null;
    replace(this.#els.head,
      h("div", {},
        h("h2", { data: { testid: "ws-title" } }, c.borrower_name || "借款人", " ", h("span", { class: "muted small", text: c.borrower_id })),
        h("p", { class: "chips" },
          h("span", { class: ["chip", `status-${c.status}`], data: { testid: "ws-status", status: c.status }, text: L.status(c.status) }),
          c.priority ? h("span", { class: ["chip", `prio-${c.priority}`], text: L.priority(c.priority) }) : null,
          c.reason ? h("span", { class: "chip", text: L.reason(c.reason) }) : null,
          c.collector_name ? h("span", { class: "muted small", text: held ? "由您处理" : `由 ${c.collector_name} 处理` }) : null,
          c.speaker === "third_party" ? h("span", { class: "chip danger", text: "疑似非本人" }) : null)),
      h("div", { class: "ws-actions" }, claim, resolve));
  }

  #held() {
    const c = this.#data?.conversation;
    return Boolean(c && c.status === ConversationStatus.WITH_COLLECTOR && c.collector_id === this.#user.id);
  }

  #syncPermissions() {
    const c = this.#data.conversation;
    const held = this.#held();
    const reasons = {
      [ConversationStatus.WAITING_FOR_COLLECTOR]: "请先点击“接入对话”，再回复借款人。",
      [ConversationStatus.BOT]: "这段对话由助手处理中；借款人转人工后才能回复。",
      [ConversationStatus.RESOLVED]: "对话已结束。",
      [ConversationStatus.WITH_COLLECTOR]: `这段对话由 ${c.collector_name || "其他同事"} 处理中。`,
    };
    this.#reply.setEnabled(held, held ? "" : reasons[c.status] || "");
    this.#plan.setEnabled(held);
  }

  #updated(conversation) {
    if (conversation && this.#data) {
      this.#data.conversation = conversation;
      this.#renderHead();
      this.#syncPermissions();
    }
    this.refresh();
  }

  async #claim(button) {
    button.disabled = true;
    try {
      const body = await this.#api.claim(this.#cid);
      this.#announce("已接入，借款人会看到您已加入。", "ok");
      this.#updated(body.conversation);
    } catch (error) {
      this.#announce(error?.status === 409 ? "这段对话已被其他同事接入。" : friendlyError(error), "error");
      button.disabled = false;
      this.refresh();
    }
  }

  async #resolve(button) {
    // Two steps instead of a modal: the first press asks, the second (within 5 s) resolves.
    if (button.dataset.confirm !== "1") {
      button.dataset.confirm = "1";
      button.textContent = "确认结束？";
      this.#confirmTimer = setTimeout(() => {
        button.dataset.confirm = "";
        button.textContent = "结束对话";
      }, 5000);
      return;
    }
    clearTimeout(this.#confirmTimer);
    button.disabled = true;
    try {
      const body = await this.#api.resolve(this.#cid);
      this.#announce("对话已结束。", "ok");
      this.#updated(body.conversation);
    } catch (error) {
      this.#announce(friendlyError(error), "error");
      button.disabled = false;
    }
  }
}
