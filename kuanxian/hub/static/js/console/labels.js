// Chinese names for the hub's codes. An unknown code is shown as it is, never dropped.
import { ConversationStatus, HandoffReason, Priority, Role } from "../protocol.js";

function lookup(table) {
  return (code) => (code === null || code === undefined || code === "" ? "—" : table[code] || String(code));
}

export const PRESSURE_CATEGORIES = Object.freeze({
  third_party: "牵扯第三方",
  surveillance: "暗示监视",
  publication: "曝光公开",
  legal_authority: "夸大法律后果或冒充权威",
  character: "贬低人格",
  deadline_harm: "限期加威胁",
  borrow_sell: "逼借钱或变卖",
  contact_frequency: "以频繁联系相威胁",
  intimidation: "恐吓",
});

export const FAIR_CATEGORIES = Object.freeze({
  account_facts: "如实说明账户",
  options: "提供还款选择",
  care: "关心与体谅",
  rights_help: "告知权利与求助渠道",
  promise_not: "承诺不做某事",
  warning_illegal: "提醒违法行为",
  apology: "道歉",
  borrower_choice: "尊重借款人的选择",
  truthful_answer: "如实回答",
});

export const category = lookup({ ...PRESSURE_CATEGORIES, ...FAIR_CATEGORIES });

export const reason = lookup({
  [HandoffReason.CRISIS]: "危机（人身安全）",
  [HandoffReason.DISTRESS]: "情绪困扰",
  [HandoffReason.DISPUTE]: "账务异议",
  [HandoffReason.COMPLAINT]: "投诉",
  [HandoffReason.REQUEST_HUMAN]: "要求人工",
  [HandoffReason.DEFERRAL]: "申请延期",
  [HandoffReason.FEE_RELIEF]: "申请减免费用",
  [HandoffReason.HARDSHIP]: "经济困难",
  [HandoffReason.PLAN_BROKEN]: "计划中断",
  [HandoffReason.THIRD_PARTY]: "非本人",
  [HandoffReason.ASSISTANT_UNAVAILABLE]: "助手暂不可用",
  [HandoffReason.OTHER]: "其他",
});

export const priority = lookup({ [Priority.URGENT]: "紧急", [Priority.HIGH]: "优先", [Priority.NORMAL]: "普通" });

export const status = lookup({
  [ConversationStatus.BOT]: "助手处理中",
  [ConversationStatus.WAITING_FOR_COLLECTOR]: "等待接入",
  [ConversationStatus.WITH_COLLECTOR]: "人工处理中",
  [ConversationStatus.RESOLVED]: "已结束",
});

export const role = lookup({ [Role.COLLECTOR]: "客服", [Role.LEAD]: "组长", [Role.TRAINER]: "训练师" });

export const sender = lookup({ borrower: "借款人", bot: "助手", collector: "客服", system: "系统" });

export const planException = lookup({
  frequency_not_allowed: "还款频率不在政策允许范围内",
  below_minimum: "每期金额低于政策最低额",
  term_too_long: "期限超过政策上限",
  holiday_too_long: "宽限期超过政策上限",
  interest_freeze_not_in_policy: "政策不允许冻结利息",
});

export const frequency = lookup({ monthly: "每月", biweekly: "每两周", weekly: "每周" });

export const installmentStatus = lookup({
  due: "待还", paid: "已还", partly_paid: "部分已还", missed: "逾期未还", waived: "已减免", cancelled: "已取消",
});

export const planStatus = lookup({ active: "执行中", completed: "已完成", broken: "已中断", superseded: "已被替代" });

export const flag = lookup({
  opted_out: "已关闭主动提醒",
  dispute_open: "有未解决的异议",
  wrong_contact: "联系方式有误",
  crisis_pause_until: "危机暂停至",
  hardship_pause_until: "困难暂停至",
  breathing_space_until: "喘息期至",
});

export const hardship = lookup({
  job_loss: "失业", income_drop: "收入下降", illness: "疾病", family_care: "照顾家人", bereavement: "亲人离世",
  business_failure: "经营失败", pregnancy_childcare: "孕育与育儿", disaster: "灾害", other: "其他",
});

export const reminderKind = lookup({
  upcoming_due: "到期前提醒", overdue: "逾期提醒", installment_due: "分期到期提醒", follow_up: "跟进",
  payment_thanks: "还款致谢", check_in: "关怀问候",
});

export const reminderStatus = lookup({
  scheduled: "已排期", deferred: "已推迟", suppressed: "已暂停", sent: "已发送", cancelled: "已取消",
});

export const reminderDecision = lookup({
  scheduled: "排期", send: "发送", sent: "已发送", defer: "推迟", deferred: "推迟", suppress: "暂停", suppressed: "暂停",
  cancel: "取消", cancelled: "取消", failed: "发送失败",
});

export const promiseStatus = lookup({ open: "待兑现", kept: "已兑现", missed: "未兑现", cancelled: "已取消" });

export const author = lookup({ bot: "助手", template: "话术模板", collector: "客服", system: "系统" });

export const reportStatus = lookup({ open: "待审核", labelled: "已标注", dismissed: "已驳回" });

/** Handoff details keys, in the order a collector wants them. */
export const DETAIL_LABELS = Object.freeze({
  requested: "借款人的诉求",
  offers: "助手给出的方案",
  refusals: "借款人拒绝的方案",
  income: "收入情况",
  essentials: "必要开支",
});
