// Charts for the dashboard, drawn by the vendored Chart.js (tools/vendor.sh; never a CDN).
// Each chart also gets a text alternative (aria-label and a data table) for people who cannot see it.
import {
  BarController, BarElement, CategoryScale, Chart, Filler, LinearScale, LineController, LineElement, PointElement, Tooltip,
} from "../../vendor/chart.js/chart.js";
import { h } from "../shared/dom.js";

Chart.register(BarController, BarElement, CategoryScale, Filler, LinearScale, LineController, LineElement, PointElement, Tooltip);
Chart.defaults.font.family = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", system-ui, sans-serif';
Chart.defaults.color = "#2f3a35";
Chart.defaults.borderColor = "#d5dbd8";

export const COLORS = Object.freeze({ line: "#1a6640", fill: "rgba(26, 102, 64, 0.12)", bar: "#1a4f8a", barAlt: "#8c2a1f" });

function baseOptions(valueLabel) {
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false, // no motion to wait for, and nothing moves for people who prefer it still
    plugins: {
      legend: { display: false },
      tooltip: { callbacks: { label: (item) => `${valueLabel}：${item.formattedValue}` } },
    },
    scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
  };
}

/**
 * A chart in a figure: title, canvas (role img + summary) and a collapsible data table.
 * kind: "line" | "bar". Returns {node, chart, destroy()}.
 */
export function chartFigure({ kind, title, labels, values, valueLabel, color, testid, format = (v) => String(v) }) {
  const canvas = h("canvas", {
    data: { testid: `${testid}-canvas`, points: values.length, color: color || (kind === "line" ? COLORS.line : COLORS.bar) },
    attrs: { role: "img", "aria-label": `${title}：${labels.map((l, i) => `${l} ${format(values[i])}`).join("，") || "无数据"}` },
  });
  const figure = h("figure", { class: "chart", data: { testid } },
    h("figcaption", { text: title }),
    h("div", { class: "chart-box" }, canvas),
    h("details", {}, h("summary", { text: "查看数据表" }),
      h("table", { class: "data-table" },
        h("thead", {}, h("tr", {}, h("th", { attrs: { scope: "col" }, text: "项目" }), h("th", { attrs: { scope: "col" }, text: valueLabel }))),
        h("tbody", {}, labels.map((label, i) => h("tr", {}, h("td", { text: label }), h("td", { text: format(values[i]) })))))));
  const paint = color || (kind === "line" ? COLORS.line : COLORS.bar);
  const dataset = kind === "line"
    ? { label: valueLabel, data: values, borderColor: paint, backgroundColor: COLORS.fill, fill: true, tension: 0.2, pointRadius: values.length > 40 ? 0 : 3, borderWidth: 2 }
    : { label: valueLabel, data: values, backgroundColor: paint, borderRadius: 4, maxBarThickness: 48 };
  let chart = null;
  // Chart.js measures its container: create the chart once the figure is in the document.
  const mount = () => {
    chart = new Chart(canvas, { type: kind, data: { labels, datasets: [dataset] }, options: baseOptions(valueLabel) });
  };
  return {
    node: figure,
    mount,
    destroy: () => chart?.destroy(),
  };
}
