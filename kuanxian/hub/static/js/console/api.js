// The console's calls to the hub, with the signed-in user's token. A 401 anywhere signs out.
import { ApiError, request } from "../shared/http.js";

const enc = encodeURIComponent;

export class ConsoleApi {
  #token = null;
  #onUnauthorized;

  constructor({ onUnauthorized } = {}) {
    this.#onUnauthorized = onUnauthorized || (() => {});
  }

  get token() {
    return this.#token;
  }

  setToken(token) {
    this.#token = token;
  }

  async #call(path, options = {}) {
    try {
      return await request(path, { ...options, token: this.#token });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401 && this.#token) this.#onUnauthorized(error);
      throw error;
    }
  }

  login(username, password) {
    return request("/api/console/login", { method: "POST", body: { username, password } });
  }

  queue() {
    return this.#call("/api/console/queue");
  }

  conversation(id) {
    return this.#call(`/api/console/conversations/${enc(id)}`);
  }

  claim(id) {
    return this.#call(`/api/console/conversations/${enc(id)}/claim`, { method: "POST" });
  }

  reply(id, text) {
    return this.#call(`/api/console/conversations/${enc(id)}/messages`, { method: "POST", body: { text } });
  }

  note(id, text) {
    return this.#call(`/api/console/conversations/${enc(id)}/notes`, { method: "POST", body: { text } });
  }

  planPreview(id, terms) {
    return this.#call(`/api/console/conversations/${enc(id)}/plan-preview`, { method: "POST", body: { terms } });
  }

  handBack(id, note, plan) {
    const body = { note };
    if (plan) body.plan = plan;
    return this.#call(`/api/console/conversations/${enc(id)}/handback`, { method: "POST", body });
  }

  resolve(id) {
    return this.#call(`/api/console/conversations/${enc(id)}/resolve`, { method: "POST" });
  }

  review(text, signal) {
    return this.#call("/api/console/review", { method: "POST", body: { text }, signal });
  }

  report(text, conversationId) {
    return this.#call("/api/console/reports", { method: "POST", body: { text, conversation_id: conversationId } });
  }

  reports(status = "open") {
    return this.#call(`/api/console/reports?status=${enc(status)}`);
  }

  label(id, label, category) {
    return this.#call(`/api/console/reports/${enc(id)}/label`, { method: "POST", body: { label, category } });
  }

  dismiss(id) {
    return this.#call(`/api/console/reports/${enc(id)}/dismiss`, { method: "POST" });
  }

  outcomes(from, to) {
    return this.#call(`/api/console/outcomes?from=${enc(from)}&to=${enc(to)}`);
  }

  outcomesCsv(from, to) {
    return this.#call(`/api/console/outcomes?from=${enc(from)}&to=${enc(to)}&format=csv`, { accept: "blob" });
  }
}
