// Entry point for lenders: <script type="module" src="{hub}/static/js/widget/index.js"></script>
// then <kuanxian-widget hub="{hub}" borrower-token="..."></kuanxian-widget> anywhere in the page.
import { KuanxianWidget } from "./element.js";

if (!customElements.get("kuanxian-widget")) {
  customElements.define("kuanxian-widget", KuanxianWidget);
}

export { KuanxianWidget };
