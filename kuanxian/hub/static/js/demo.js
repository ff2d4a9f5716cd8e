// The demo lender page: pick a demo borrower and hand the widget a way to get their token,
// as a lender's app would (here from the hub's demo endpoint; a real lender signs it itself).
import { h, replace } from "./shared/dom.js";
import { friendlyError } from "./shared/errors.js";
import { request } from "./shared/http.js";

const FALLBACK = [{ borrower_id: "demo-001", display_name: "王女士" }];
const ID = /^[A-Za-z0-9_.:-]{1,64}$/;

const select = document.getElementById("borrower");
const statusLine = document.getElementById("demo-status");
const currentName = document.getElementById("current-name");

async function borrowers() {
  try {
    const info = await request("/api/demo/info");
    const list = (info?.borrowers || []).filter((b) => ID.test(b?.borrower_id || ""));
    return list.length ? list : FALLBACK;
  } catch (error) {
    statusLine.textContent = `演示信息加载失败：${friendlyError(error)}`;
    return FALLBACK;
  }
}

async function main() {
  const list = await borrowers();
  const wanted = new URLSearchParams(location.search).get("borrower");
  // Any account the lender has may be picked by ?borrower=, not only the listed demo ones.
  if (wanted && ID.test(wanted) && !list.some((b) => b.borrower_id === wanted)) list.push({ borrower_id: wanted, display_name: wanted });
  const chosen = list.find((b) => b.borrower_id === wanted) || list[0];
  replace(select, list.map((b) => h("option", {
    value: b.borrower_id, selected: b.borrower_id === chosen.borrower_id, text: `${b.display_name}（${b.borrower_id}）`,
  })));
  currentName.textContent = `${chosen.display_name}（${chosen.borrower_id}）`;

  document.getElementById("picker").addEventListener("submit", (event) => {
    event.preventDefault();
    const params = new URLSearchParams(location.search);
    params.set("borrower", select.value);
    location.search = params.toString();
  });

  await customElements.whenDefined("kuanxian-widget");
  const widget = document.getElementById("kuanxian");
  widget.getBorrowerToken = async () => {
    const body = await request("/api/demo/borrower-token", { method: "POST", body: { borrower_id: chosen.borrower_id } });
    return body.token;
  };
}

main();
