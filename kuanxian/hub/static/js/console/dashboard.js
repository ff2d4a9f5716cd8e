// 数据看板 (leads): outcomes for a date range — number tiles, daily recovered amounts, escalations
// and blocks as charts, and the same figures as a CSV download.
import { h, replace, uid } from "../shared/dom.js";
import { friendlyError } from "../shared/errors.js";
import { addDays, formatDate, formatDuration, formatMoney, todayIso } from "../shared/format.js";
import { chartFigure, COLORS } from "./charts.js";
import * as L from "./labels.js";

const ZONE = "Asia/Shanghai";
const DEFAULT_DAYS = 30;

function tile(label, value, testid, sub = "") {
  return h("div", { class: "tile", data: { testid } },
    h("p", { class: "tile-label", text: label }),
    h("p", { class: "tile-value", text: value }),
    sub ? h("p", { class: "tile-sub muted small", text: sub }) : null);
}

function entries(object, name) {
  const pairs = Object.entries(object || {}).sort((a, b) => b[1] - a[1]);
  return { labels: pairs.map(([k]) => name(k)), values: pairs.map(([, v]) => Number(v) || 0) };
}

export class DashboardPage {
  #ctx;
  #els = {};
  #charts = [];
  #csvUrl = null;
  #loadToken = 0;

  constructor(container, ctx) {
    this.#ctx = ctx;
    const e = this.#els;
    const to = todayIso(ZONE);
    const fromId = uid("from");
    const toId = uid("to");
    e.from = h("input", { id: fromId, type: "date", value: addDays(to, -(DEFAULT_DAYS - 1)), max: to, required: true, data: { testid: "dash-from" } });
    e.to = h("input", { id: toId, type: "date", value: to, required: true, data: { testid: "dash-to" } });
    e.error = h("p", { class: "form-error", hidden: true, attrs: { role: "alert" }, data: { testid: "dash-error" } });
    e.csv = h("a", { class: "btn", hidden: true, text: "下载 CSV", data: { testid: "csv-link" } });
    e.period = h("p", { class: "muted", data: { testid: "dash-period" } });
    e.tiles = h("div", { class: "tiles", data: { testid: "tiles" } });
    e.charts = h("div", { class: "charts", data: { testid: "charts" } });
    replace(container, h("section", { class: "dashboard", attrs: { "aria-labelledby": "dash-title" } },
      h("header", { class: "page-head" },
        h("h2", { id: "dash-title", text: "数据看板" }),
        h("form", { class: "range", on: { submit: (event) => { event.preventDefault(); this.#load(); } } },
          h("label", { attrs: { for: fromId }, text: "从" }), e.from,
          h("label", { attrs: { for: toId }, text: "到" }), e.to,
          h("button", { class: "btn primary", type: "submit", text: "查询", data: { testid: "dash-submit" } }),
          e.csv)),
      e.error, e.period, e.tiles, e.charts));
    this.#load();
  }

  destroy() {
    this.#loadToken += 1;
    this.#clearCharts();
    if (this.#csvUrl) URL.revokeObjectURL(this.#csvUrl);
  }

  #clearCharts() {
    for (const chart of this.#charts) chart.destroy();
    this.#charts = [];
  }

  async #load() {
    const e = this.#els;
    const from = e.from.value;
    const to = e.to.value;
    e.error.hidden = true;
    if (!from || !to || from > to) {
      e.error.textContent = "请选择有效的日期范围（开始日期不能晚于结束日期）。";
      e.error.hidden = false;
      return;
    }
    const token = ++this.#loadToken;
    e.period.textContent = "正在加载…";
    try {
      const [report, csv] = await Promise.all([this.#ctx.api.outcomes(from, to), this.#ctx.api.outcomesCsv(from, to)]);
      if (token !== this.#loadToken) return;
      this.#render(report, from, to);
      this.#setCsv(csv, from, to);
    } catch (error) {
      if (token !== this.#loadToken) return;
      e.period.textContent = "";
      e.error.textContent = `数据加载失败：${error?.status === 422 ? "日期范围无效或太长。" : friendlyError(error)}`;
      e.error.hidden = false;
    }
  }

  #setCsv(blob, from, to) {
    if (this.#csvUrl) URL.revokeObjectURL(this.#csvUrl);
    this.#csvUrl = URL.createObjectURL(blob);
    const link = this.#els.csv;
    link.href = this.#csvUrl;
    link.download = `outcomes-${from}-${to}.csv`;
    link.hidden = false;
  }

  #render(r, from, to) {
    const e = this.#els;
    e.period.textContent = `${formatDate(from)} 至 ${formatDate(to)}（${r.period?.zone || ZONE}）`;
    const inst = r.installments || {};
    const promises = r.promises || {};
    const esc = r.escalations || {};
    const blocked = r.blocked || {};
    replace(e.tiles,
      tile("对话", String(r.conversations ?? 0), "tile-conversations"),
      tile("达成还款计划", String(r.plans_agreed ?? 0), "tile-plans", `计划金额 ${formatMoney(r.plans_agreed_amount)}`),
      tile("已回收金额", formatMoney(r.recovered_amount), "tile-recovered"),
      tile("分期", `${inst.paid ?? 0} / ${inst.due ?? 0}`, "tile-installments", `已还 / 到期；部分 ${inst.partly_paid ?? 0}，逾期 ${inst.missed ?? 0}`),
      tile("还款承诺", `${promises.kept ?? 0} / ${promises.made ?? 0}`, "tile-promises", `兑现 / 承诺；未兑现 ${promises.missed ?? 0}`),
      tile("转人工", String(esc.total ?? 0), "tile-escalations",
        esc.median_seconds_to_claim !== null && esc.median_seconds_to_claim !== undefined ? `接入用时中位数 ${formatDuration(esc.median_seconds_to_claim)}` : "暂无接入记录"),
      tile("危机转接", String(r.crisis_handoffs ?? 0), "tile-crisis"),
      tile("被拦截的消息", String(blocked.total ?? 0), "tile-blocked"),
      tile("助手没听懂", String(r.nlu_fallbacks ?? 0), "tile-fallbacks"));

    this.#clearCharts();
    const daily = r.recovered_daily || [];
    const reasons = entries(esc.by_reason, L.reason);
    const categories = entries(blocked.by_category, L.category);
    const authors = entries(blocked.by_author, L.author);
    const specs = [
      { kind: "line", title: "每日回收金额（元）", labels: daily.map((d) => d.date.slice(5)), values: daily.map((d) => Number(d.amount) || 0), valueLabel: "回收金额", testid: "chart-recovered", color: COLORS.line, format: (v) => formatMoney(v) },
      { kind: "bar", title: "转人工原因", ...reasons, valueLabel: "次数", testid: "chart-escalations", color: COLORS.bar },
      { kind: "bar", title: "被拦截的类别", ...categories, valueLabel: "条数", testid: "chart-blocked-category", color: COLORS.barAlt },
      { kind: "bar", title: "被拦截的作者", ...authors, valueLabel: "条数", testid: "chart-blocked-author", color: COLORS.bar },
    ];
    const figures = specs.map((spec) => (spec.labels.length
      ? chartFigure(spec)
      : { node: h("figure", { class: "chart empty", data: { testid: spec.testid } }, h("figcaption", { text: spec.title }), h("p", { class: "muted", text: "这段时间没有数据。" })), mount() {}, destroy() {} }));
    replace(e.charts, figures.map((f) => f.node));
    for (const figure of figures) figure.mount();
    this.#charts = figures;
    if (r.reminder_decisions && Object.keys(r.reminder_decisions).length) {
      e.charts.append(h("section", { class: "chart wide" }, h("h3", { text: "提醒决策" }),
        h("ul", { class: "plain" }, Object.entries(r.reminder_decisions).map(([key, v]) => {
          const [decision, why] = key.split(":");
          return h("li", { text: `${L.reminderDecision(decision)}${why && why !== "-" ? `（${why}）` : ""}：${v}` });
        }))));
    }
  }
}
