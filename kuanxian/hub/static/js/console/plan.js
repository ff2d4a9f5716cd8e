// The plan calculator (collector assist): preview a plan against the lender's policy, see the
// schedule and any exceptions (which a lead must approve), then hand the conversation back with it.
import { Role } from "../protocol.js";
import { h, replace, show, uid } from "../shared/dom.js";
import { friendlyError } from "../shared/errors.js";
import { addDays, formatDate, formatMoney, todayIso } from "../shared/format.js";
import { scheduleTable } from "./context.js";
import * as L from "./labels.js";

const AMOUNT = /^\d{1,10}(\.\d{1,2})?$/;

function field(label, input, hint = "") {
  const id = uid("plan");
  input.id = id;
  return h("div", { class: "field" }, h("label", { attrs: { for: id }, text: label }), input,
    hint ? h("span", { class: "muted small", text: hint }) : null);
}

export class PlanCalculator {
  #api;
  #cid;
  #user;
  #borrower;
  #announce;
  #onHandedBack;
  #preview = null;   // {terms, result}
  #enabled = false;
  #els = {};
  node;

  constructor({ api, conversationId, user, borrower, announce, onHandedBack }) {
    this.#api = api;
    this.#cid = conversationId;
    this.#user = user;
    this.#borrower = borrower;
    this.#announce = announce;
    this.#onHandedBack = onHandedBack;
    const e = this.#els;
    const policy = borrower?.policy || {};
    const balance = Number(borrower?.balance) || 0;
    const suggested = Math.max(Number(policy.min_installment) || 0, Math.ceil((balance / 12) * 100) / 100);
    const invalidate = () => this.#invalidate();

    e.amount = h("input", { value: suggested ? suggested.toFixed(2) : "", inputMode: "decimal", required: true, data: { testid: "plan-amount" }, on: { input: invalidate } });
    e.count = h("input", { type: "number", min: 1, max: 120, value: 12, required: true, data: { testid: "plan-count" }, on: { input: invalidate } });
    e.frequency = h("select", { data: { testid: "plan-frequency" }, on: { change: invalidate } },
      ["monthly", "biweekly", "weekly"].map((f) => h("option", {
        value: f, text: `${L.frequency(f)}${(policy.allowed_frequencies || []).includes(f) ? "" : "（超出政策）"}`,
      })));
    const today = todayIso(borrower?.timezone);
    e.first = h("input", { type: "date", min: today, value: addDays(today, 30), required: true, data: { testid: "plan-first-date" }, on: { input: invalidate } });
    e.holiday = h("input", { type: "number", min: 0, max: 366, value: 0, data: { testid: "plan-holiday" }, on: { input: invalidate } });
    e.frozen = h("input", { type: "checkbox", data: { testid: "plan-frozen" }, on: { change: invalidate } });
    e.error = h("p", { class: "form-error", hidden: true, attrs: { role: "alert" }, data: { testid: "plan-error" } });
    e.result = h("div", { class: "plan-result", data: { testid: "plan-preview" }, attrs: { "aria-live": "polite" } });
    e.note = h("textarea", { rows: 2, maxLength: 2000, placeholder: "交接给助手的内部备注（可选）", data: { testid: "handback-note" } });
    e.withPlan = h("button", { class: "btn primary", type: "button", text: "按此计划交回助手", disabled: true, data: { testid: "handback-plan" }, on: { click: () => this.#handBack(true) } });
    e.withoutPlan = h("button", { class: "btn", type: "button", text: "不带计划交回助手", data: { testid: "handback-plain" }, on: { click: () => this.#handBack(false) } });
    e.handbackHint = h("p", { class: "muted small", data: { testid: "handback-hint" }, text: "先计算并核对还款明细，再交回。" });

    this.node = h("section", { class: "plan-calc", data: { testid: "plan-calculator" }, attrs: { "aria-labelledby": "plan-title" } },
      h("h3", { id: "plan-title", text: "还款计划计算器" }),
      h("form", { class: "plan-form", on: { submit: (event) => { event.preventDefault(); this.#calculate(); } } },
        h("div", { class: "grid" },
          field("每期金额（元）", e.amount, policy.min_installment ? `政策最低 ${formatMoney(policy.min_installment)}` : ""),
          field("期数", e.count, policy.max_term_months ? `政策最长 ${policy.max_term_months} 个月` : ""),
          field("频率", e.frequency),
          field("首期日期", e.first),
          field("宽限天数", e.holiday, policy.payment_holiday_days !== undefined ? `政策最长 ${policy.payment_holiday_days} 天` : ""),
          h("div", { class: "field check" }, h("label", {}, e.frozen, " 冻结利息"))),
        e.error,
        h("p", { class: "actions" }, h("button", { class: "btn", type: "submit", text: "计算还款明细", data: { testid: "plan-calculate" } }))),
      e.result,
      h("div", { class: "handback", data: { testid: "handback" } },
        h("h4", { text: "交回助手" }), e.note, e.handbackHint, h("p", { class: "actions" }, e.withPlan, e.withoutPlan)));
  }

  /** Hand-back needs the conversation held by this user. */
  setEnabled(enabled) {
    this.#enabled = enabled;
    this.#syncButtons();
  }

  #terms() {
    const e = this.#els;
    const amount = e.amount.value.trim();
    const count = Number(e.count.value);
    const holiday = Number(e.holiday.value || 0);
    if (!AMOUNT.test(amount) || Number(amount) <= 0) throw new Error("每期金额请填写正数，最多两位小数，例如 500.00。");
    if (!Number.isInteger(count) || count < 1 || count > 120) throw new Error("期数请填写 1 到 120 之间的整数。");
    if (!/^\d{4}-\d{2}-\d{2}$/.test(e.first.value)) throw new Error("请选择首期日期。");
    if (!Number.isInteger(holiday) || holiday < 0 || holiday > 366) throw new Error("宽限天数请填写 0 到 366 之间的整数。");
    return { amount: Number(amount).toFixed(2), count, frequency: e.frequency.value, first_date: e.first.value, holiday_days: holiday, interest_frozen: e.frozen.checked };
  }

  #invalidate() {
    this.#preview = null;
    this.#els.result.classList.add("stale");
    this.#syncButtons();
  }

  async #calculate() {
    const e = this.#els;
    show(e.error, false);
    let terms;
    try {
      terms = this.#terms();
    } catch (error) {
      e.error.textContent = error.message;
      show(e.error, true);
      return;
    }
    try {
      const result = await this.#api.planPreview(this.#cid, terms);
      this.#preview = { terms, result };
      e.result.classList.remove("stale");
      this.#renderPreview(result);
    } catch (error) {
      e.error.textContent = error?.status === 422 ? `这个方案算不出来：${error.message}` : friendlyError(error);
      show(e.error, true);
      this.#preview = null;
    }
    this.#syncButtons();
  }

  #renderPreview(result) {
    const plan = result.plan;
    const currency = this.#borrower?.currency || "CNY";
    const isLead = this.#user.role === Role.LEAD;
    const exceptions = result.exceptions || [];
    const nearest = result.nearest_within_policy;
    replace(this.#els.result,
      h("p", { class: "plan-summary", data: { testid: "plan-summary" } },
        `${L.frequency(plan.frequency)} ${formatMoney(plan.installment_amount, currency)} × ${plan.count} 期，合计 ${formatMoney(plan.total, currency)}`,
        plan.last_amount !== plan.installment_amount ? `（末期 ${formatMoney(plan.last_amount, currency)}）` : "",
        `，首期 ${formatDate(plan.first_date)}。`),
      result.within_policy
        ? h("p", { class: "chip ok", data: { testid: "plan-within-policy" }, text: "符合贷款方政策" })
        : h("div", { class: "alert warn", data: { testid: "plan-exceptions" } },
          h("p", {}, h("strong", { text: "超出政策，需组长批准：" })),
          h("ul", {}, exceptions.map((x) => h("li", { data: { testid: "plan-exception", code: x } }, L.planException(x), " ",
            h("span", { class: "chip lead", text: "需组长" })))),
          h("p", { class: "small", text: isLead ? "您是组长，可以批准这个例外并交回。" : "您无法直接提交这个方案：请改成政策内的方案，或请组长处理。" })),
      !result.within_policy && nearest ? h("p", { class: "small" },
        `政策内最接近的方案：${formatMoney(nearest.installment_amount, currency)} × ${nearest.count} 期`,
        nearest.interest_frozen ? "（冻结利息）" : "", " ",
        h("button", { class: "btn small", type: "button", text: "采用这个方案", data: { testid: "plan-use-nearest" }, on: { click: () => this.#useNearest(nearest) } })) : null,
      h("details", { open: true }, h("summary", { text: `还款明细（${plan.installments?.length || 0} 期）` }), scheduleTable(plan.installments, currency, "计划的分期明细")));
  }

  #useNearest(plan) {
    const e = this.#els;
    e.amount.value = plan.installment_amount;
    e.count.value = plan.count;
    e.frequency.value = plan.frequency;
    e.first.value = plan.first_date;
    e.holiday.value = plan.holiday_days || 0;
    e.frozen.checked = Boolean(plan.interest_frozen);
    this.#calculate();
  }

  #syncButtons() {
    const e = this.#els;
    const preview = this.#preview;
    const blockedByPolicy = preview && !preview.result.within_policy && this.#user.role !== Role.LEAD;
    e.withPlan.disabled = !this.#enabled || !preview || blockedByPolicy;
    e.withoutPlan.disabled = !this.#enabled;
    e.handbackHint.textContent = !this.#enabled ? "接入这段对话后才能交回。"
      : !preview ? "先计算并核对还款明细，再交回。"
        : blockedByPolicy ? "这个方案超出政策，需组长批准后才能交回。" : "助手会用自己的话向借款人确认这个计划。";
  }

  async #handBack(withPlan) {
    const e = this.#els;
    if (!this.#enabled || (withPlan && !this.#preview)) return;
    e.withPlan.disabled = true;
    e.withoutPlan.disabled = true;
    try {
      const body = await this.#api.handBack(this.#cid, e.note.value.trim(), withPlan ? this.#preview.terms : null);
      this.#announce(withPlan ? "已交回助手，还款计划已保存。" : "已交回助手。", "ok");
      this.#onHandedBack?.(body?.conversation);
    } catch (error) {
      if (error?.code === "plan_exception") {
        const list = (error.body?.exceptions || []).map(L.planException).join("；");
        this.#announce(`方案超出政策，需组长批准：${list}`, "error");
      } else {
        this.#announce(friendlyError(error), "error");
      }
      this.#syncButtons();
    }
  }
}
