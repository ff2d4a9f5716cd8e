// The widget's styles, adopted by its shadow root (no global styles; the host page cannot reach inside).
// Every text/background pair meets WCAG AA (4.5:1); the ratios are noted beside the colours.

const CSS = `
:host { all: initial; }
.root {
  all: initial;
  --green: #1a6640;      /* white on it 6.9:1 */
  --green-dark: #124a2e;
  --ink: #1c2421;        /* on white 15.6:1, on --bot 14.3:1 */
  --muted: #4f5a55;      /* on white 7.1:1, on --bot 6.5:1 */
  --bot: #eef2ef;
  --human: #e6eefa;
  --line: #c9d2cd;
  --focus: #1a4f8a;
  font-family: "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", system-ui, sans-serif;
  font-size: 15px;
  line-height: 1.5;
  color: var(--ink);
  -webkit-font-smoothing: antialiased;
}
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
button, textarea { font: inherit; color: inherit; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.sr-only {
  position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}

.launcher {
  position: fixed; right: 20px; bottom: 20px; z-index: 2147483000;
  display: inline-flex; align-items: center; gap: 8px;
  min-height: 48px; padding: 0 20px; border: 2px solid #ffffff; border-radius: 24px;
  background: var(--green); color: #ffffff; font-size: 16px; font-weight: 600;
  box-shadow: 0 4px 16px rgba(0, 0, 0, 0.25); cursor: pointer;
}
.launcher:hover { background: var(--green-dark); }
.launcher-icon { width: 20px; height: 20px; flex: none; fill: currentColor; }
.badge {
  min-width: 22px; height: 22px; padding: 0 6px; border-radius: 11px;
  background: #b42318; color: #ffffff; font-size: 13px; font-weight: 700; line-height: 22px; text-align: center;
}

.panel {
  position: fixed; right: 20px; bottom: 84px; z-index: 2147483001;
  width: min(380px, calc(100vw - 24px));
  display: flex; flex-direction: column;
  background: #ffffff; color: var(--ink);
  border: 1px solid var(--line); border-radius: 14px; overflow: hidden;
  box-shadow: 0 12px 40px rgba(0, 0, 0, 0.22);
}
.header { display: flex; align-items: center; gap: 10px; padding: 12px 14px; background: var(--green); color: #ffffff; flex: none; }
.header-text { flex: 1; min-width: 0; }
.title { margin: 0; font-size: 16px; font-weight: 700; color: #ffffff; }
.conn { margin: 0; font-size: 12.5px; color: #ffffff; }
.close {
  flex: none; width: 36px; height: 36px; border: 0; border-radius: 8px;
  background: transparent; color: #ffffff; font-size: 22px; line-height: 1; cursor: pointer;
}
.close:hover { background: var(--green-dark); }

/* Extra rows (status, typing, notices) add to the panel's height; the transcript keeps its own. */
.status { flex: none; margin: 0; padding: 8px 14px; font-size: 14px; border-bottom: 1px solid var(--line); }
.status[data-kind="waiting"] { background: #fff4d6; color: #5b4300; }   /* 8.9:1 */
.status[data-kind="human"] { background: #e3f1e8; color: #124a2e; }     /* 9.4:1 */
.status[data-kind="closed"] { background: #eef0f2; color: #333d38; }    /* 10.2:1 */

.transcript {
  flex: none; height: min(380px, calc(100vh - 330px)); min-height: 180px;
  overflow-y: auto; overscroll-behavior: contain; padding: 14px 12px;
  display: flex; flex-direction: column; gap: 10px; background: #ffffff;
}
.welcome { margin: auto 0 0; padding: 10px 12px; border-radius: 10px; background: var(--bot); color: var(--ink); font-size: 14px; }
.msg { display: flex; flex-direction: column; max-width: 86%; }
.msg[data-sender="borrower"] { align-self: flex-end; align-items: flex-end; }
.msg[data-sender="bot"], .msg[data-sender="collector"] { align-self: flex-start; align-items: flex-start; }
.msg[data-sender="system"] { align-self: center; max-width: 94%; }
.who { font-size: 12.5px; color: var(--muted); margin: 0 4px 2px; }
.bubble { padding: 8px 12px; border-radius: 14px; white-space: pre-wrap; overflow-wrap: anywhere; word-break: break-word; margin: 0; }
.msg[data-sender="borrower"] .bubble { background: var(--green); color: #ffffff; border-bottom-right-radius: 4px; }
.msg[data-sender="bot"] .bubble { background: var(--bot); color: var(--ink); border-bottom-left-radius: 4px; }
.msg[data-sender="collector"] .bubble { background: var(--human); color: var(--ink); border-bottom-left-radius: 4px; }
.msg[data-sender="system"] .bubble { background: #f4f5f6; color: #333d38; font-size: 13.5px; text-align: center; border-radius: 8px; }
.meta { display: flex; align-items: center; gap: 8px; margin: 2px 4px 0; font-size: 12px; color: var(--muted); }
.msg[data-state="failed"] .meta { color: #a3160b; }                        /* 6.4:1 */
.retry {
  border: 1px solid #a3160b; border-radius: 6px; background: #ffffff; color: #a3160b;
  padding: 1px 8px; font-size: 12.5px; cursor: pointer;
}
.buttons { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 6px; }
.choice {
  border: 1.5px solid var(--green); border-radius: 16px; background: #ffffff; color: var(--green);
  padding: 5px 12px; font-size: 14px; cursor: pointer;
}
.choice:hover:not(:disabled) { background: #e3f1e8; }
.choice:disabled { border-color: #8a948f; color: #4f5a55; cursor: default; }
.divider { display: flex; align-items: center; gap: 8px; color: #8c2a1f; font-size: 12.5px; }   /* 7.6:1 */
.divider::before, .divider::after { content: ""; flex: 1; border-top: 1px solid #e0b4ad; }

.typing { flex: none; margin: 0; padding: 6px 14px; font-size: 13px; color: var(--muted); border-top: 1px solid #eef0f2; }
.dots { display: inline-flex; gap: 3px; margin-left: 4px; vertical-align: middle; }
.dots span { width: 5px; height: 5px; border-radius: 50%; background: var(--muted); animation: blink 1.2s infinite ease-in-out; }
.dots span:nth-child(2) { animation-delay: 0.2s; }
.dots span:nth-child(3) { animation-delay: 0.4s; }
@keyframes blink { 0%, 80%, 100% { opacity: 0.25; } 40% { opacity: 1; } }
@media (prefers-reduced-motion: reduce) { .dots span { animation: none; } }

.notice {
  flex: none; margin: 0; padding: 8px 14px; font-size: 13.5px;
  background: #fdecea; color: #8a1c12; border-top: 1px solid #f3c2bc;  /* 7.9:1 */
}
.notice[data-kind="info"] { background: #eaf2fb; color: #173f6b; border-top-color: #bcd3ec; }  /* 9.6:1 */

.composer { flex: none; display: flex; align-items: flex-end; gap: 8px; padding: 10px 12px; border-top: 1px solid var(--line); background: #ffffff; }
.input {
  flex: 1; min-height: 42px; max-height: 120px; resize: none; padding: 9px 10px;
  border: 1.5px solid #6b7570; border-radius: 10px; background: #ffffff; color: var(--ink); font-size: 15px;
}
.input::placeholder { color: #5d6762; }    /* 6.1:1 */
.send {
  flex: none; min-width: 64px; height: 42px; padding: 0 16px; border: 0; border-radius: 10px;
  background: var(--green); color: #ffffff; font-size: 15px; font-weight: 600; cursor: pointer;
}
.send:hover:not(:disabled) { background: var(--green-dark); }
.send:disabled { background: #5d6b64; color: #ffffff; cursor: not-allowed; }   /* 5.6:1 */

@media (max-width: 480px) {
  .panel { right: 6px; left: 6px; width: auto; bottom: 76px; }
  .launcher { right: 12px; bottom: 12px; }
}
`;

/** Attach the styles to a shadow root: a constructed sheet (CSP-safe CSSOM), else a <style> node. */
export function adoptStyles(root) {
  if ("adoptedStyleSheets" in root && typeof CSSStyleSheet === "function" && "replaceSync" in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
    return;
  }
  const style = document.createElement("style");
  style.textContent = CSS;
  root.append(style);
}
