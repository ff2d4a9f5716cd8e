// Friendly Chinese wording for the hub's error codes (HTTP bodies and WebSocket error frames).

const MESSAGES = {
  network: "网络连接不稳定，我们会自动重试。",
  timeout: "服务器响应有点慢，我们会自动重试。",
  unauthorized: "登录状态已过期，请重新进入。",
  forbidden: "您的账号没有这项操作的权限。",
  not_found: "没有找到相关内容，可能已经结束或被移除。",
  conflict: "这项操作与当前状态冲突（可能已被他人处理），请刷新后再试。",
  invalid: "内容格式不正确，请检查后再试。",
  bad_request: "请求格式不正确，请检查后再试。",
  too_large: "内容太长了，请分几次发送。",
  internal: "服务暂时出了点问题，什么都没有改变，请稍后再试。",
  unavailable: "服务暂时不可用，请稍后再试。",
};

/** "请 N 秒后再试" for a rate limit, with a sensible default. */
export function rateLimitText(seconds) {
  const wait = Math.max(1, Math.ceil(Number(seconds) || 0));
  return `操作有点频繁，请 ${wait} 秒后再试。`;
}

/**
 * A sentence for a person from an error code (or an ApiError / error frame).
 * The hub's own message is technical English; it is never shown to a borrower.
 */
export function friendlyError(error) {
  if (!error) return MESSAGES.internal;
  const code = typeof error === "string" ? error : error.code || error.error;
  if (code === "rate_limited" || error.status === 429) {
    return rateLimitText(error.retryAfter ?? error.retry_after);
  }
  if (MESSAGES[code]) return MESSAGES[code];
  if (typeof error.status === "number" && error.status >= 500) return MESSAGES.internal;
  return "出了点问题，请稍后再试。";
}
