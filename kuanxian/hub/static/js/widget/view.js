// The widget's shadow DOM: launcher with unread badge, and the panel (header, status banner,
// transcript, typing row, notices, composer). It shows state; the element decides it.
import { h, show, uid } from "../shared/dom.js";
import { statusBanner, T } from "./strings.js";
import { adoptStyles } from "./styles.js";
import { Transcript } from "./transcript.js";

export const MAX_CHARS = 2000;
const SVG = "http://www.w3.org/2000/svg";

function chatIcon() {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("class", "launcher-icon");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z");
  svg.append(path);
  return svg;
}

export class WidgetView {
  #els = {};
  #noticeTimer = null;
  #typingTimer = null;
  #handlers;
  transcript;

  /** handlers: onSend(text) (false: not taken), onChoice(button), onRetry(clientId), onOpen(), onClose() */
  constructor(shadowRoot, handlers) {
    this.#handlers = handlers;
    adoptStyles(shadowRoot);
    const titleId = uid("kx-title");
    const inputId = uid("kx-input");
    const panelId = uid("kx-panel");
    const e = this.#els;

    e.badge = h("span", { class: "badge", hidden: true, data: { testid: "kx-badge" } });
    e.launcherLabel = h("span", { text: T.launcher });
    e.launcher = h("button", {
      class: "launcher", type: "button", data: { testid: "kx-launcher" },
      attrs: { "aria-expanded": "false", "aria-controls": panelId },
      on: { click: () => (this.isOpen ? handlers.onClose() : handlers.onOpen()) },
    }, chatIcon(), e.launcherLabel, e.badge);

    e.conn = h("p", { class: "conn", data: { testid: "kx-conn" }, text: T.conn.connecting });
    e.status = h("p", { class: "status", hidden: true, data: { testid: "kx-status" }, attrs: { role: "status" } });
    e.transcriptNode = h("div", {
      class: "transcript", data: { testid: "kx-transcript" },
      attrs: { role: "log", "aria-live": "polite", "aria-relevant": "additions", tabindex: "0", "aria-label": "对话记录" },
    });
    e.typing = h("p", { class: "typing", hidden: true, data: { testid: "kx-typing" } },
      T.typing, h("span", { class: "dots", attrs: { "aria-hidden": "true" } }, h("span"), h("span"), h("span")));
    e.notice = h("p", { class: "notice", hidden: true, data: { testid: "kx-notice" }, attrs: { role: "alert" } });
    e.input = h("textarea", {
      class: "input", id: inputId, rows: 1, maxLength: MAX_CHARS, placeholder: T.placeholder,
      data: { testid: "kx-input" }, attrs: { "aria-label": T.inputLabel, enterkeyhint: "send" },
      on: { input: () => this.#syncComposer(), keydown: (event) => this.#onKey(event) },
    });
    e.send = h("button", { class: "send", type: "submit", text: T.send, disabled: true, data: { testid: "kx-send" } });
    e.form = h("form", { class: "composer", attrs: { "aria-label": "发送消息" }, on: { submit: (event) => this.#submit(event) } },
      h("label", { class: "sr-only", attrs: { for: inputId }, text: T.inputLabel }), e.input, e.send);

    e.panel = h("section", {
      class: "panel", id: panelId, hidden: true, data: { testid: "kx-panel" },
      attrs: { role: "dialog", "aria-modal": "false", "aria-labelledby": titleId },
      on: { keydown: (event) => this.#onPanelKey(event) },
    },
    h("header", { class: "header" },
      h("div", { class: "header-text" }, h("h2", { class: "title", id: titleId, text: T.title }), e.conn),
      h("button", {
        class: "close", type: "button", text: "×", data: { testid: "kx-close" },
        attrs: { "aria-label": T.close }, on: { click: () => handlers.onClose() },
      })),
    e.status, e.transcriptNode, e.typing, e.notice, e.form);

    shadowRoot.append(h("div", { class: "root", attrs: { lang: "zh-CN" } }, e.launcher, e.panel));
    this.transcript = new Transcript(e.transcriptNode, { onChoice: handlers.onChoice, onRetry: handlers.onRetry });
  }

  get isOpen() {
    return !this.#els.panel.hidden;
  }

  open() {
    const e = this.#els;
    show(e.panel, true);
    e.launcher.setAttribute("aria-expanded", "true");
    e.launcherLabel.textContent = T.launcher;
    e.launcher.setAttribute("aria-label", T.launcherOpen);
    e.input.focus({ preventScroll: true });
  }

  close({ returnFocus = true } = {}) {
    const e = this.#els;
    show(e.panel, false);
    e.launcher.setAttribute("aria-expanded", "false");
    e.launcher.removeAttribute("aria-label");
    if (returnFocus) e.launcher.focus({ preventScroll: true });
  }

  setUnread(count) {
    const e = this.#els;
    const n = Math.max(0, Number(count) || 0);
    e.badge.textContent = n > 99 ? "99+" : String(n);
    show(e.badge, n > 0);
    e.badge.setAttribute("aria-label", T.unread(n));
  }

  setStatus(status, collectorName) {
    const banner = statusBanner(status, collectorName);
    const node = this.#els.status;
    show(node, Boolean(banner));
    if (banner) {
      node.textContent = banner.text;
      node.dataset.kind = banner.kind;
    }
  }

  setConnection(state) {
    this.#els.conn.textContent = T.conn[state] || T.conn.connecting;
    this.#els.conn.dataset.state = state;
  }

  setTyping(on) {
    clearTimeout(this.#typingTimer);
    show(this.#els.typing, Boolean(on));
    // A lost "typing off" frame must not leave the dots running forever.
    if (on) this.#typingTimer = setTimeout(() => show(this.#els.typing, false), 30000);
  }

  /** A short notice under the transcript. kind: "error" | "info"; sticky ones stay until cleared. */
  notice(text, { kind = "error", sticky = false, timeout = 8000, key = "" } = {}) {
    const node = this.#els.notice;
    clearTimeout(this.#noticeTimer);
    node.textContent = text;
    node.dataset.kind = kind;
    node.dataset.key = key;
    show(node, true);
    if (!sticky) this.#noticeTimer = setTimeout(() => this.clearNotice(), timeout);
  }

  /** Clear the notice (only the one with `key`, when given). */
  clearNotice(key) {
    const node = this.#els.notice;
    if (key !== undefined && node.dataset.key !== key) return;
    clearTimeout(this.#noticeTimer);
    show(node, false);
  }

  // Composer -------------------------------------------------------------------------------------
  #syncComposer() {
    const input = this.#els.input;
    this.#els.send.disabled = !input.value.trim();
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight + 2, 120)}px`;
  }

  #onKey(event) {
    // Enter sends; Shift+Enter is a new line; never while an IME is composing Chinese.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      this.#els.form.requestSubmit();
    }
  }

  #onPanelKey(event) {
    if (event.key === "Escape") {
      event.stopPropagation();
      this.#handlers.onClose();
    }
  }

  #submit(event) {
    event.preventDefault();
    const input = this.#els.input;
    const text = input.value.trim();
    if (!text) return;
    if (text.length > MAX_CHARS) {
      this.notice(T.tooLong(MAX_CHARS));
      return;
    }
    input.value = "";
    this.#syncComposer();
    if (this.#handlers.onSend(text) === false) {
      input.value = text; // not taken (no session): the words stay in the box, not lost
      this.#syncComposer();
    }
    input.focus({ preventScroll: true });
  }
}
