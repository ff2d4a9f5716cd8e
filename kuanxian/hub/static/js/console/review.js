// 审核 (trainers and leads): replies a collector reported as wrongly blocked ("这条不该拦").
// Label each as pressure or fair with a category for the corpus, or dismiss it.
import { h, replace, uid } from "../shared/dom.js";
import { friendlyError } from "../shared/errors.js";
import { formatDateTime } from "../shared/format.js";
import { category as categoryName, FAIR_CATEGORIES, PRESSURE_CATEGORIES, reportStatus } from "./labels.js";

const CATEGORIES = { pressure: PRESSURE_CATEGORIES, fair: FAIR_CATEGORIES };

export class ReviewPage {
  #ctx;
  #list;
  #status = "open";
  #loadToken = 0;

  constructor(container, ctx) {
    this.#ctx = ctx;
    const statusId = uid("report-status");
    this.#list = h("div", { class: "reports", data: { testid: "reports" }, attrs: { "aria-live": "polite" } });
    const select = h("select", {
      id: statusId, data: { testid: "report-filter" },
      on: { change: (event) => { this.#status = event.target.value; this.#load(); } },
    }, ["open", "labelled", "dismissed"].map((s) => h("option", { value: s, text: reportStatus(s) })));
    replace(container, h("section", { class: "review-page", attrs: { "aria-labelledby": "review-title" } },
      h("header", { class: "page-head" },
        h("div", {},
          h("h2", { id: "review-title", text: "审核：被报告的拦截" }),
          h("p", { class: "muted", text: "客服认为这些回复不该被拦。请判断它是施压还是正当表达，并选择类别；标注会进入训练语料。" })),
        h("p", { class: "filter" }, h("label", { attrs: { for: statusId }, text: "显示：" }), select)),
      this.#list));
    this.#load();
  }

  destroy() {
    this.#loadToken += 1;
  }

  async #load() {
    const token = ++this.#loadToken;
    replace(this.#list, h("p", { class: "muted", text: "正在加载…" }));
    try {
      const body = await this.#ctx.api.reports(this.#status);
      if (token !== this.#loadToken) return;
      const reports = body.reports || [];
      replace(this.#list, reports.length ? reports.map((r) => this.#card(r))
        : h("p", { class: "empty", data: { testid: "reports-empty" }, text: this.#status === "open" ? "没有待审核的报告。" : "没有记录。" }));
    } catch (error) {
      if (token === this.#loadToken) replace(this.#list, h("p", { class: "form-error", text: `加载失败：${friendlyError(error)}` }));
    }
  }

  #card(report) {
    const violations = Array.isArray(report.violations) ? report.violations : [];
    const card = h("article", { class: "report-card", data: { testid: "report", reportId: report.id } },
      h("blockquote", { class: "draft-quote", data: { testid: "report-text" }, text: report.text }),
      h("p", { class: "muted small" },
        `编号 ${report.id} · ${report.reported_by || "客服"} 报告于 ${formatDateTime(report.created_at)}`,
        report.conversation_id ? " · " : "",
        report.conversation_id ? h("a", { href: `#/queue/${encodeURIComponent(report.conversation_id)}`, text: "查看对话" }) : null),
      h("p", { class: "chips" }, h("span", { class: "small", text: "当时拦截的原因：" }),
        violations.length ? violations.map((v) => h("span", {
          class: "chip danger", text: `${categoryName(v.category)}${v.rule_id === "model.pressure" ? "（模型）" : ""}`,
          attrs: { title: v.explanation || "" },
        })) : h("span", { class: "muted small", text: "（现在的检查已不再拦截这句话）" })));
    if (report.status === "open") card.append(this.#form(report, card));
    else card.append(h("p", { class: "chip", text: `${reportStatus(report.status)}${report.label ? `：${report.label === "pressure" ? "施压" : "正当"} · ${categoryName(report.category)}` : ""}` }));
    return card;
  }

  #form(report, card) {
    const name = uid("label");
    const selectId = uid("category");
    const error = h("p", { class: "form-error", hidden: true, attrs: { role: "alert" } });
    const select = h("select", { id: selectId, required: true, data: { testid: "report-category" } });
    const fillCategories = (label) => {
      replace(select, h("option", { value: "", text: "请选择类别" }),
        Object.entries(CATEGORIES[label] || {}).map(([code, text]) => h("option", { value: code, text: `${text}（${code}）` })));
    };
    fillCategories("fair");
    const radio = (value, text, checked) => h("label", { class: "tab" },
      h("input", { type: "radio", name, value, checked, data: { testid: `report-label-${value}` }, on: { change: () => fillCategories(value) } }),
      h("span", { text }));
    const submit = h("button", { class: "btn primary", type: "submit", text: "提交标注", data: { testid: "report-submit" } });
    const dismiss = h("button", { class: "btn", type: "button", text: "驳回", data: { testid: "report-dismiss" } });
    const act = async (call, done) => {
      submit.disabled = true;
      dismiss.disabled = true;
      try {
        await call();
        card.remove();
        this.#ctx.announce(done, "ok");
        if (!this.#list.querySelector("[data-testid=report]")) this.#load();
      } catch (error2) {
        error.textContent = friendlyError(error2);
        error.hidden = false;
        submit.disabled = false;
        dismiss.disabled = false;
      }
    };
    dismiss.addEventListener("click", () => act(() => this.#ctx.api.dismiss(report.id), `报告 ${report.id} 已驳回。`));
    return h("form", {
      class: "label-form",
      on: {
        submit: (event) => {
          event.preventDefault();
          const label = card.querySelector(`input[name="${name}"]:checked`)?.value;
          if (!label || !select.value) {
            error.textContent = "请选择“施压”或“正当”，并选择类别。";
            error.hidden = false;
            select.focus();
            return;
          }
          act(() => this.#ctx.api.label(report.id, label, select.value),
            `报告 ${report.id} 已标注为${label === "pressure" ? "施压" : "正当"}（${categoryName(select.value)}）。`);
        },
      },
    },
    h("fieldset", { class: "tabs" }, h("legend", { text: "这句话是：" }),
      radio("fair", "正当表达（误拦）", true), radio("pressure", "施压话术（拦得对）", false)),
    h("p", { class: "field" }, h("label", { attrs: { for: selectId }, text: "类别" }), select),
    error, h("p", { class: "actions" }, submit, dismiss));
  }
}
