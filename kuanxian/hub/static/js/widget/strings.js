// Everything the widget says to a borrower, in one place.
import { ConversationStatus } from "../protocol.js";

export const T = Object.freeze({
  launcher: "还款协商",
  launcherOpen: "收起还款协商",
  title: "宽限 · 还款协商",
  subtitle: "有困难可以慢慢说，我们一起想办法",
  close: "收起对话窗口",
  inputLabel: "输入消息",
  placeholder: "请输入您想说的话…",
  send: "发送",
  retry: "重试",
  sending: "发送中…",
  sent: "已发送",
  failed: "发送失败",
  typing: "对方正在输入",
  newMessages: "以下为新消息",
  you: "我",
  bot: "助手",
  system: "系统消息",
  collector: (name) => `客服 ${name || ""}`.trim(),
  unread: (n) => `${n} 条未读消息`,
  empty: "您好，我是还款协商助手。遇到困难可以直接告诉我，我们一起看看有什么办法。",
  conn: {
    connecting: "正在连接…",
    online: "在线",
    polling: "在线（兼容模式）",
    offline: "网络中断，正在重新连接…",
  },
  noToken: "暂时无法确认您的身份，请刷新页面或重新登录后再试。",
  sessionFailed: "暂时连不上服务，我们会自动重试。",
  sendWhenConnected: "正在连接，连上后马上为您发送。",
  offlineNotice: "网络好像断开了，恢复后会自动发送您的消息。",
  tooLong: (max) => `消息太长了（最多 ${max} 字），请分几次发送。`,
});

/** The banner for a conversation status; null when nothing should show. */
export function statusBanner(status, collectorName) {
  switch (status) {
    case ConversationStatus.WAITING_FOR_COLLECTOR:
      return { kind: "waiting", text: "正在为您转接人工…" };
    case ConversationStatus.WITH_COLLECTOR:
      return { kind: "human", text: `${T.collector(collectorName)} 已加入` };
    case ConversationStatus.RESOLVED:
      return { kind: "closed", text: "本次对话已结束，您随时可以再发消息。" };
    default:
      return null;
  }
}
