// Signing in and out. The token lives in sessionStorage: closing the tab signs out.
import { h, replace, uid } from "../shared/dom.js";
import { friendlyError } from "../shared/errors.js";
import { request } from "../shared/http.js";
import { role as roleName } from "./labels.js";

const KEY = "kuanxian.console.session";

/** {token, collector: {id, username, display_name, role}} or null. */
export function savedSession() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(KEY) || "null");
    return saved && typeof saved.token === "string" && saved.collector ? saved : null;
  } catch {
    return null;
  }
}

export function saveSession(session) {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(session));
  } catch {
    // Without storage the user signs in again after a reload; nothing else breaks.
  }
}

export function clearSession() {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // nothing to clear
  }
}

function loginError(error) {
  if (error.status === 401) return "用户名或密码错误，请重新输入。";
  if (error.status === 429) return `登录失败次数过多，请 ${Math.max(1, Math.ceil(error.retryAfter || 60))} 秒后再试。`;
  return friendlyError(error);
}

/** Render the sign-in form into `main`; onLogin(session) once the hub accepts the password. */
export function renderLogin(main, { api, onLogin, message = "" }) {
  const userId = uid("login-user");
  const passId = uid("login-pass");
  const errorNode = h("p", { class: "form-error", hidden: !message, data: { testid: "login-error" }, attrs: { role: "alert" }, text: message });
  const user = h("input", { id: userId, name: "username", autocomplete: "username", required: true, data: { testid: "login-user" }, attrs: { autocapitalize: "off", spellcheck: "false" } });
  const pass = h("input", { id: passId, name: "password", type: "password", autocomplete: "current-password", required: true, data: { testid: "login-pass" } });
  const submit = h("button", { class: "btn primary block", type: "submit", text: "登录", data: { testid: "login-submit" } });
  const hint = h("p", { class: "hint", hidden: true, data: { testid: "demo-hint" } });
  let lockedUntil = 0;

  const form = h("form", {
    class: "login-card", attrs: { "aria-labelledby": "login-title", novalidate: true },
    on: {
      submit: async (event) => {
        event.preventDefault();
        if (Date.now() < lockedUntil) return;
        if (!user.value.trim() || !pass.value) {
          errorNode.textContent = "请输入用户名和密码。";
          errorNode.hidden = false;
          (user.value.trim() ? pass : user).focus();
          return;
        }
        submit.disabled = true;
        submit.textContent = "正在登录…";
        try {
          const session = await api.login(user.value.trim(), pass.value);
          saveSession(session);
          onLogin(session);
        } catch (error) {
          errorNode.textContent = loginError(error);
          errorNode.hidden = false;
          pass.value = "";
          pass.focus();
          if (error.status === 429) lockedUntil = Date.now() + (error.retryAfter || 60) * 1000;
        } finally {
          submit.disabled = false;
          submit.textContent = "登录";
        }
      },
    },
  },
  h("h1", { id: "login-title", text: "宽限 · 客服工作台" }),
  h("p", { class: "muted", text: "请使用工作账号登录。每一条发给借款人的回复都会先经过施压话术检查。" }),
  h("label", { attrs: { for: userId }, text: "用户名" }), user,
  h("label", { attrs: { for: passId }, text: "密码" }), pass,
  errorNode, submit, hint);

  replace(main, h("div", { class: "login-view" }, form));
  user.focus();
  showDemoHint(hint);
}

async function showDemoHint(node) {
  try {
    const info = await request("/api/demo/info");
    const users = (info?.users || []).map((u) => `${u.username}（${roleName(u.role)}）`);
    if (!users.length) return;
    node.textContent = `演示账号：${users.join("、")}，密码均为 ${info.users[0].password}`;
    node.hidden = false;
  } catch {
    // Not in demo mode: no hint.
  }
}
