// The reply box: a draft reviewed live by the guard, a blocked reply explained (with 这条不该拦),
// and internal notes, which never reach the borrower.
import { debounce, h, replace, show, uid } from "../shared/dom.js";
import { friendlyError } from "../shared/errors.js";
import { renderExplanation, renderLiveVerdict, renderViolations } from "./verdict.js";

const REVIEW_DELAY_MS = 450;
const MAX_CHARS = 2000;

export class ReplyBox {
  #api;
  #conversationId;
  #announce;
  #mode = "reply";
  #reviewAbort = null;
  #els = {};
  #enabled = false;
  node;

  constructor({ api, conversationId, announce }) {
    this.#api = api;
    this.#conversationId = conversationId;
    this.#announce = announce;
    const e = this.#els;
    const inputId = uid("draft");
    const name = uid("mode");
    const radio = (value, label, checked) => h("label", { class: "tab" },
      h("input", { type: "radio", name, value, checked, data: { testid: `mode-${value}` }, on: { change: () => this.#setMode(value) } }),
      h("span", { text: label }));
    e.label = h("label", { attrs: { for: inputId }, class: "sr-only", text: "回复内容" });
    e.input = h("textarea", {
      id: inputId, class: "draft", rows: 3, maxLength: MAX_CHARS, placeholder: "写给借款人的回复…",
      data: { testid: "reply-input" },
      on: { input: () => this.#onInput(), keydown: (event) => this.#onKey(event) },
    });
    e.live = h("div", { class: "live-review", data: { testid: "live-review" }, attrs: { "aria-live": "polite" } });
    e.blocked = h("div", { class: "blocked", hidden: true, data: { testid: "blocked" }, attrs: { role: "alert" } });
    e.disabledNote = h("p", { class: "muted small", hidden: true, data: { testid: "reply-disabled" } });
    e.send = h("button", { class: "btn primary", type: "submit", text: "发送回复", data: { testid: "reply-send" } });
    e.form = h("form", { class: "reply", on: { submit: (event) => this.#submit(event) } },
      h("fieldset", { class: "tabs" }, h("legend", { class: "sr-only", text: "写什么" }),
        radio("reply", "回复借款人", true), radio("note", "内部备注（借款人看不到）", false)),
      e.label, e.input, e.live, e.disabledNote, h("p", { class: "actions" }, h("span", { class: "muted small", text: "Ctrl+Enter 发送" }), e.send));
    this.node = h("div", { class: "reply-box", data: { testid: "reply-box" } }, e.form, e.blocked);
    this.review = debounce(() => this.#review(), REVIEW_DELAY_MS);
  }

  /** Replies need the conversation held by this collector; notes do not. */
  setEnabled(enabled, reason = "") {
    this.#enabled = enabled;
    this.#els.disabledNote.textContent = reason;
    this.#sync();
  }

  destroy() {
    this.review.cancel();
    this.#reviewAbort?.abort();
  }

  #setMode(mode) {
    const e = this.#els;
    this.#mode = mode;
    e.form.classList.toggle("note-mode", mode === "note");
    e.input.placeholder = mode === "note" ? "只给同事看的备注…" : "写给借款人的回复…";
    e.label.textContent = mode === "note" ? "内部备注内容" : "回复内容";
    e.send.textContent = mode === "note" ? "添加内部备注" : "发送回复";
    replace(e.live);
    if (mode === "reply") this.review();
    this.#sync();
  }

  #sync() {
    const e = this.#els;
    const replyBlocked = this.#mode === "reply" && !this.#enabled;
    e.send.disabled = replyBlocked;
    show(e.disabledNote, replyBlocked && Boolean(e.disabledNote.textContent));
  }

  #onInput() {
    show(this.#els.blocked, false);
    if (this.#mode === "reply") this.review();
  }

  #onKey(event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && !event.isComposing) {
      event.preventDefault();
      this.#els.form.requestSubmit();
    }
  }

  async #review() {
    const text = this.#els.input.value.trim();
    this.#reviewAbort?.abort();
    if (!text || this.#mode !== "reply") {
      replace(this.#els.live);
      return;
    }
    const controller = new AbortController();
    this.#reviewAbort = controller;
    replace(this.#els.live, h("p", { class: "live muted small", data: { testid: "review-pending" }, text: "正在检查措辞…" }));
    try {
      const verdict = await this.#api.review(text, controller.signal);
      if (controller.signal.aborted || this.#els.input.value.trim() !== text) return;
      replace(this.#els.live, renderLiveVerdict(verdict));
    } catch (error) {
      if (!controller.signal.aborted) replace(this.#els.live, h("p", { class: "muted small", text: "暂时无法预检这条回复，发送时仍会检查。" }));
      if (error?.name !== "AbortError" && !controller.signal.aborted) console.warn("review failed", error);
    }
  }

  async #submit(event) {
    event.preventDefault();
    const e = this.#els;
    const text = e.input.value.trim();
    if (!text) {
      e.input.focus();
      return;
    }
    if (this.#mode === "reply" && !this.#enabled) return;
    e.send.disabled = true;
    try {
      if (this.#mode === "note") {
        await this.#api.note(this.#conversationId, text);
        this.#announce("内部备注已添加（借款人看不到）。", "ok");
      } else {
        await this.#api.reply(this.#conversationId, text);
        this.#announce("回复已发送。", "ok");
      }
      e.input.value = "";
      replace(e.live);
      show(e.blocked, false);
    } catch (error) {
      if (error?.code === "blocked_by_policy") this.#showBlocked(text, error.body);
      else this.#announce(friendlyError(error), "error");
    } finally {
      this.#sync();
      e.input.focus();
    }
  }

  #showBlocked(text, body) {
    const e = this.#els;
    this.review.cancel();
    replace(e.live);
    const reportButton = h("button", { class: "btn", type: "button", text: "这条不该拦", data: { testid: "report-block" } });
    const reportStatus = h("p", { class: "small", data: { testid: "report-status" }, attrs: { role: "status" } });
    reportButton.addEventListener("click", async () => {
      reportButton.disabled = true;
      try {
        const report = await this.#api.report(text, this.#conversationId);
        reportStatus.textContent = `已提交给训练师复核（编号 ${report.id}）。这条回复没有发送。`;
        reportButton.textContent = "已提交复核";
      } catch (error) {
        reportStatus.textContent = `提交失败：${friendlyError(error)}`;
        reportButton.disabled = false;
      }
    });
    replace(e.blocked,
      h("h4", { text: "这条回复没有发送：检查发现它可能给借款人施压" }),
      h("blockquote", { class: "draft-quote", text: text }),
      h("p", { class: "small", text: "原因：" }),
      renderViolations(body?.violations, {
        onUse: (alternative) => {
          e.input.value = alternative;
          show(e.blocked, false);
          e.input.focus();
          this.review();
        },
      }),
      h("details", {}, h("summary", { text: "模型和语料怎么看" }), renderExplanation(body?.explanation)),
      h("p", { class: "actions" }, reportButton,
        h("span", { class: "muted small", text: "认为是误拦？提交后由训练师复核，这条消息不会发出。" })),
      reportStatus);
    show(e.blocked, true);
  }
}
