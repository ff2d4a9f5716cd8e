// The pressure guard's reasons, for people: each violation (rule or model), the model's view,
// the nearest lines of the labelled corpus, and fair alternatives.
import { h } from "../shared/dom.js";
import { category as categoryName } from "./labels.js";

export const MODEL_RULE_ID = "model.pressure";

/** The fair wording inside a suggestion's quotes (“…”), else the whole suggestion. */
export function alternativeText(suggestion) {
  const quoted = /“([^”]{4,})”/.exec(String(suggestion || ""));
  return quoted ? quoted[1] : String(suggestion || "");
}

function source(violation) {
  return violation.rule_id === MODEL_RULE_ID ? "模型判断" : `规则 ${violation.rule_id}`;
}

/** One list item per violation; onUse(text) puts a fair alternative in the draft. */
export function renderViolations(violations, { onUse, compact = false } = {}) {
  return h("ul", { class: "violations", data: { testid: "violations" } }, (violations || []).map((v) => h("li", {
    class: "violation", data: { testid: "violation", category: v.category, rule: v.rule_id },
  },
  h("p", { class: "violation-head" },
    h("span", { class: "chip danger", text: categoryName(v.category) }),
    h("span", { class: "muted small", text: source(v) }),
    v.matched ? h("span", {}, "：", h("mark", { text: v.matched })) : null),
  compact ? null : h("p", { class: "violation-why", text: v.explanation }),
  !compact && v.suggestion ? h("div", { class: "alternative" },
    h("p", {}, h("strong", { text: "可以这样说：" }), v.suggestion),
    onUse ? h("button", {
      class: "btn small", type: "button", text: "采用这个说法", data: { testid: "use-alternative" },
      on: { click: () => onUse(alternativeText(v.suggestion)) },
    }) : null) : null,
  !compact && v.source ? h("p", { class: "muted small", text: `依据：${v.source}` }) : null)));
}

/** The model's probability and the nearest corpus lines. */
export function renderExplanation(explanation) {
  if (!explanation) return null;
  const p = Number(explanation.model?.p_pressure);
  const nearest = explanation.nearest || [];
  return h("div", { class: "explanation", data: { testid: "explanation" } },
    Number.isFinite(p) ? h("p", {}, "模型判断为施压话术的可能性：", h("strong", { text: `${(p * 100).toFixed(1)}%` })) : null,
    nearest.length ? h("div", {},
      h("p", { class: "small", text: "训练语料中最相近的句子：" }),
      h("ul", { class: "plain nearest" }, nearest.map((n) => h("li", {},
        h("span", { class: ["chip", n.label === "pressure" ? "danger" : "ok"], text: n.label === "pressure" ? "施压" : "正当" }),
        h("span", { class: "muted small", text: ` ${categoryName(n.category)} · 相似度 ${Math.round(Number(n.similarity) * 100)}% ` }),
        h("q", { text: n.text }))))) : null);
}

/** The compact line under the draft while typing. */
export function renderLiveVerdict(verdict) {
  if (!verdict) return null;
  if (verdict.allowed) {
    return h("p", { class: "live ok", data: { testid: "review-ok" } }, "✓ 未发现施压话术");
  }
  return h("div", { class: "live warn", data: { testid: "review-warn" } },
    h("p", {}, "⚠ 这样写会被拦截：", (verdict.violations || []).map((v) => categoryName(v.category))
      .filter((x, i, all) => all.indexOf(x) === i).join("、")),
    renderViolations(verdict.violations, { compact: true }));
}
