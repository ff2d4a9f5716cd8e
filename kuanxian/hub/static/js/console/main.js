// The console's shell: sign-in, navigation by role, the live feed, and a status toast.
import { Role } from "../protocol.js";
import { h, replace } from "../shared/dom.js";
import { ConsoleApi } from "./api.js";
import { clearSession, renderLogin, savedSession } from "./auth.js";
import { role as roleName } from "./labels.js";
import { ConsoleStream } from "./stream.js";

const ROUTES = [
  { id: "queue", label: "队列", roles: [Role.COLLECTOR, Role.LEAD, Role.TRAINER], load: () => import("./queue.js").then((m) => m.QueuePage) },
  { id: "review", label: "审核", roles: [Role.TRAINER, Role.LEAD], load: () => import("./review.js").then((m) => m.ReviewPage) },
  { id: "dashboard", label: "数据看板", roles: [Role.LEAD], load: () => import("./dashboard.js").then((m) => m.DashboardPage) },
];
const CONN_TEXT = { connecting: "正在连接…", online: "实时连接正常", offline: "连接中断，正在重连…" };

const main = document.getElementById("main");
const topbar = document.getElementById("topbar");
const nav = document.getElementById("nav");
const me = document.getElementById("me");
const conn = document.getElementById("conn");
const toast = document.getElementById("toast");

const api = new ConsoleApi({ onUnauthorized: () => signOut("登录已过期，请重新登录。") });
let session = null;
let stream = null;
let current = null; // {route, page}
let toastTimer = null;

/** A short status line for everyone (and screen readers). kind: "info" | "ok" | "error" */
function announce(text, kind = "info") {
  clearTimeout(toastTimer);
  toast.textContent = text;
  toast.dataset.kind = kind;
  toast.hidden = false;
  toastTimer = setTimeout(() => {
    toast.hidden = true;
  }, kind === "error" ? 9000 : 5000);
}

function allowed(route) {
  return session && route.roles.includes(session.collector.role);
}

function parseHash() {
  const [id = "queue", ...rest] = location.hash.replace(/^#\/?/, "").split("/");
  return { id: id || "queue", param: rest.map(decodeURIComponent).join("/") || null };
}

function renderNav(activeId) {
  replace(nav, h("ul", {}, ROUTES.filter(allowed).map((route) => h("li", {},
    h("a", {
      href: `#/${route.id}`, text: route.label, data: { testid: `nav-${route.id}` },
      attrs: { "aria-current": route.id === activeId ? "page" : false },
    })))));
}

async function route() {
  if (!session) return;
  const { id, param } = parseHash();
  const target = ROUTES.find((r) => r.id === id);
  if (!target || !allowed(target)) {
    if (id !== "queue") announce("您的账号没有这个页面的权限，已为您打开队列。", "error");
    history.replaceState(null, "", "#/queue");
    route();
    return;
  }
  renderNav(target.id);
  if (current?.route === target) {
    current.page.show?.(param);
    return;
  }
  current?.page.destroy?.();
  current = null;
  const Page = await target.load();
  if (!session || parseHash().id !== target.id) return;
  const container = h("div", { class: `page page-${target.id}` });
  replace(main, container);
  const page = new Page(container, { api, stream, user: session.collector, announce, navigate: (hash) => (location.hash = hash) });
  current = { route: target, page };
  page.show?.(param);
  document.title = `${target.label} · 宽限客服工作台`;
  main.focus({ preventScroll: true }); // screen readers start at the new page, not at the old link
}

function start(saved) {
  session = saved;
  api.setToken(saved.token);
  topbar.hidden = false;
  me.textContent = `${saved.collector.display_name}（${roleName(saved.collector.role)}）`;
  stream = new ConsoleStream(saved.token);
  stream.addEventListener("state", (event) => {
    conn.textContent = CONN_TEXT[event.detail.state] || "";
    conn.dataset.state = event.detail.state;
  });
  stream.addEventListener("unauthorized", () => signOut("登录已过期，请重新登录。"));
  conn.textContent = CONN_TEXT.connecting;
  stream.start();
  if (!location.hash) history.replaceState(null, "", "#/queue");
  route();
}

function signOut(message = "") {
  clearSession();
  stream?.stop();
  stream = null;
  current?.page.destroy?.();
  current = null;
  session = null;
  api.setToken(null);
  topbar.hidden = true;
  replace(nav);
  document.title = "登录 · 宽限客服工作台";
  renderLogin(main, { api, message, onLogin: start });
}

document.getElementById("logout").addEventListener("click", () => signOut());
window.addEventListener("hashchange", route);

const saved = savedSession();
if (saved) start(saved);
else signOut();
