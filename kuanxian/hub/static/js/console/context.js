// Beside the transcript: who this is, what they owe, what was agreed, what the assistant learned.
import { h } from "../shared/dom.js";
import { formatDate, formatDateTime, formatMoney } from "../shared/format.js";
import * as L from "./labels.js";

const KEY_LABELS = {
  amount: "每期金额", count: "期数", day_of_month: "每月还款日", first_date: "首期日期", holiday_days: "宽限天数",
  frequency: "频率", total: "总额",
};
const MONEY_KEYS = new Set(["amount", "income", "essentials", "total"]);

function empty(value) {
  return value === null || value === undefined || value === "" ||
    (Array.isArray(value) && !value.length) || (typeof value === "object" && !Array.isArray(value) && !Object.keys(value).length);
}

/** Any JSON value as readable text/nodes (the assistant's details are loosely shaped). */
function present(value, key = "") {
  if (empty(value)) return "—";
  if (typeof value === "boolean") return value ? "是" : "否";
  if (Array.isArray(value)) return h("ul", { class: "plain" }, value.map((v) => h("li", {}, present(v))));
  if (typeof value === "object") {
    return h("dl", { class: "mini" }, Object.entries(value).filter(([, v]) => !empty(v)).map(([k, v]) =>
      h("div", {}, h("dt", { text: KEY_LABELS[k] || k }), h("dd", {}, present(v, k)))));
  }
  if (MONEY_KEYS.has(key) && /^\d+(\.\d+)?$/.test(String(value))) return formatMoney(value);
  if (key === "first_date") return formatDate(value);
  return String(value);
}

function section(title, testid, ...body) {
  return h("section", { class: "ctx-section", data: { testid } }, h("h3", { text: title }), ...body);
}

function facts(pairs) {
  return h("dl", { class: "facts" }, pairs.map(([label, value]) => h("div", {}, h("dt", { text: label }), h("dd", {}, value))));
}

function handoffSection(handoff) {
  if (!handoff) return section("助手转接摘要", "ctx-handoff", h("p", { class: "muted", text: "这段对话没有转接记录。" }));
  const details = handoff.details || {};
  const rows = [];
  for (const [key, label] of Object.entries(L.DETAIL_LABELS)) {
    if (!(key in details) || empty(details[key])) continue;
    if (key === "offers") {
      rows.push([label, h("ul", { class: "plain", data: { testid: "ctx-offers" } },
        Object.entries(details.offers).map(([offer, times]) => h("li", { text: `${offer}（提出 ${times} 次）` })))]);
    } else if (key === "refusals") {
      rows.push([label, `${details.refusals} 次`]);
    } else {
      rows.push([label, present(details[key], key)]);
    }
  }
  if (details.refusals && !("offers" in details)) rows.push(["借款人拒绝", `${details.refusals} 次`]);
  for (const [key, value] of Object.entries(details)) {
    if (!(key in L.DETAIL_LABELS) && !empty(value)) rows.push([KEY_LABELS[key] || key, present(value, key)]);
  }
  return section("助手转接摘要", "ctx-handoff",
    h("p", { class: "chips" },
      h("span", { class: ["chip", `prio-${handoff.priority}`], text: L.priority(handoff.priority) }),
      h("span", { class: "chip", text: L.reason(handoff.reason) }),
      handoff.requested_at ? h("span", { class: "muted small", text: formatDateTime(handoff.requested_at) }) : null),
    handoff.summary ? h("blockquote", { class: "summary", text: handoff.summary }) : null,
    rows.length ? facts(rows) : h("p", { class: "muted small", text: "助手没有记录方案或收入信息。" }));
}

function accountSection(b) {
  if (!b) return section("账户", "ctx-account", h("p", { class: "muted", text: "找不到这位借款人的账户。" }));
  const money = (v) => formatMoney(v, b.currency);
  const flags = Object.entries(b.flags || {}).filter(([, v]) => v);
  const p = b.policy || {};
  return [
    section("账户", "ctx-account", facts([
      ["借款人", `${b.display_name || "—"}（${b.borrower_id}）`],
      ["待还总额", money(b.balance)],
      ["本金", money(b.principal)],
      ["利息与费用", money(b.interest_and_fees)],
      ["逾期天数", `${b.days_overdue} 天`],
      ["每月还款日", `${b.due_day} 日`],
    ]),
    h("p", { class: "chips", data: { testid: "ctx-flags" } }, flags.length
      ? flags.map(([key, value]) => h("span", { class: "chip warn", text: value === true ? L.flag(key) : `${L.flag(key)} ${formatDateTime(value)}` }))
      : h("span", { class: "muted small", text: "没有特殊标记" }))),
    section("贷款方政策", "ctx-policy", facts([
      ["最低每期", money(p.min_installment)],
      ["最长期限", `${p.max_term_months} 个月`],
      ["允许频率", (p.allowed_frequencies || []).map(L.frequency).join("、") || "—"],
      ["最长宽限", `${p.payment_holiday_days} 天`],
      ["困难时冻结利息", p.interest_freeze_on_hardship ? "允许" : "不允许"],
    ])),
  ];
}

/** A plan's installment schedule as a table. */
export function scheduleTable(installments, currency = "CNY", caption = "分期明细") {
  return h("table", { class: "schedule", data: { testid: "schedule" } },
    h("caption", { class: "sr-only", text: caption }),
    h("thead", {}, h("tr", {}, ["期", "到期日", "金额", "已还", "状态"].map((t) => h("th", { attrs: { scope: "col" }, text: t })))),
    h("tbody", {}, (installments || []).map((i) => h("tr", { class: `inst-${i.status}` },
      h("td", { text: i.seq }), h("td", { text: formatDate(i.due_date) }), h("td", { text: formatMoney(i.amount, currency) }),
      h("td", { text: formatMoney(i.paid, currency) }), h("td", { text: L.installmentStatus(i.status) })))));
}

function plansSection(plans, currency) {
  if (!plans?.length) return section("还款计划", "ctx-plans", h("p", { class: "muted", text: "还没有还款计划。" }));
  return section("还款计划", "ctx-plans", plans.map((plan) => h("article", { class: "plan-card" },
    h("p", { class: "chips" },
      h("span", { class: ["chip", `plan-${plan.status}`], text: L.planStatus(plan.status) }),
      plan.agreed_by?.includes(":exception") ? h("span", { class: "chip warn", text: "组长批准的例外" }) : null),
    facts([
      ["每期", `${formatMoney(plan.installment_amount, currency)} × ${plan.count} 期（${L.frequency(plan.frequency)}）`],
      ["总额", formatMoney(plan.total, currency)],
      ["首期", formatDate(plan.first_date)],
      ["达成方", plan.agreed_by === "assistant" ? "助手" : plan.agreed_by?.startsWith("collector") ? "客服" : plan.agreed_by || "—"],
    ]),
    h("details", {}, h("summary", { text: `分期明细（${plan.installments?.length || 0} 期）` }),
      scheduleTable(plan.installments, currency)))));
}

function remindersSection(reminders) {
  if (!reminders?.length) return section("提醒", "ctx-reminders", h("p", { class: "muted", text: "没有安排提醒。" }));
  return section("提醒", "ctx-reminders", h("ul", { class: "plain" }, reminders.map((r) => h("li", { class: "reminder" },
    h("p", {}, h("strong", { text: L.reminderKind(r.kind) }), ` · ${L.reminderStatus(r.status)}`,
      r.scheduled_for || r.send_at ? ` · ${formatDateTime(r.scheduled_for || r.send_at)}` : "",
      r.reason ? h("span", { class: "muted small", text: `（${r.reason}）` }) : null),
    r.history?.length ? h("details", {}, h("summary", { text: `决策记录（${r.history.length}）` }),
      h("ol", { class: "plain history" }, r.history.map((d) => h("li", {
        text: `${formatDateTime(d.at)} ${L.reminderDecision(d.decision)}${d.reason ? `：${d.reason}` : ""}${d.scheduled_for ? ` → ${formatDateTime(d.scheduled_for)}` : ""}`,
      })))) : null))));
}

function listSection(title, testid, items, line, none) {
  return section(title, testid, items?.length
    ? h("ul", { class: "plain" }, items.map((item) => h("li", { text: line(item) })))
    : h("p", { class: "muted", text: none }));
}

/** The whole panel for GET /conversations/{id}. */
export function renderContext(data) {
  const currency = data.borrower?.currency || "CNY";
  const thirdParty = data.speaker === "third_party" || data.conversation?.speaker === "third_party";
  return h("div", { class: "context", data: { testid: "context" } },
    thirdParty ? h("div", { class: "alert danger", data: { testid: "third-party-warning" }, attrs: { role: "alert" } },
      h("strong", { text: "注意：对方可能不是借款人本人。" }),
      " 不得透露任何欠款或账户信息，不要请对方转告，也不要打听借款人的情况。") : null,
    handoffSection(data.handoff),
    accountSection(data.borrower),
    plansSection(data.payment_plans, currency),
    listSection("困难情况", "ctx-hardship", data.hardship, (x) => `${L.hardship(x.category)} · ${formatDateTime(x.recorded_at)}`, "没有记录困难情况。"),
    listSection("还款承诺", "ctx-promises", data.promises, (x) => `${formatDate(x.promised_for)} · ${L.promiseStatus(x.status)}`, "没有还款承诺。"),
    remindersSection(data.reminders),
    listSection("账户变更", "ctx-changes", data.account_changes,
      (x) => `${formatDateTime(x.at)} ${x.command}（${x.field}）${x.reverted ? " · 已撤销" : ""}`, "本次对话没有变更账户。"));
}
