// Formatting for people: times, dates, durations and money, in Chinese.

const LOCALE = "zh-CN";

function zoneOrDefault(timeZone) {
  try {
    if (timeZone) new Intl.DateTimeFormat(LOCALE, { timeZone });
    return timeZone || undefined;
  } catch {
    return undefined;
  }
}

function parse(iso) {
  const date = iso instanceof Date ? iso : new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "14:05" */
export function formatTime(iso, timeZone) {
  const date = parse(iso);
  if (!date) return "";
  return new Intl.DateTimeFormat(LOCALE, { hour: "2-digit", minute: "2-digit", hour12: false, timeZone: zoneOrDefault(timeZone) })
    .format(date);
}

/** "12月6日 14:05" (with the year when it is not this year). */
export function formatDateTime(iso, timeZone) {
  const date = parse(iso);
  if (!date) return "";
  const sameYear = date.getFullYear() === new Date().getFullYear();
  return new Intl.DateTimeFormat(LOCALE, {
    year: sameYear ? undefined : "numeric", month: "numeric", day: "numeric",
    hour: "2-digit", minute: "2-digit", hour12: false, timeZone: zoneOrDefault(timeZone),
  }).format(date);
}

/** A calendar date "2027-01-20" → "2027年1月20日", without any time-zone shift. */
export function formatDate(isoDate) {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(isoDate || ""));
  if (!match) return isoDate ? String(isoDate) : "";
  return `${Number(match[1])}年${Number(match[2])}月${Number(match[3])}日`;
}

/** "3分12秒", "2小时5分", "45秒" */
export function formatDuration(seconds) {
  const raw = Math.max(0, Number(seconds) || 0);
  if (raw > 0 && raw < 1) return "不到1秒";
  const total = Math.round(raw);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const secs = total % 60;
  if (hours) return `${hours}小时${minutes ? `${minutes}分` : ""}`;
  if (minutes) return `${minutes}分${secs ? `${secs}秒` : ""}`;
  return `${secs}秒`;
}

/** "刚刚", "5分钟前", "2小时前", or a date for older times. */
export function formatAgo(iso, now = Date.now()) {
  const date = parse(iso);
  if (!date) return "";
  const seconds = Math.max(0, (now - date.getTime()) / 1000);
  if (seconds < 60) return "刚刚";
  if (seconds < 3600) return `${Math.floor(seconds / 60)}分钟前`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}小时前`;
  return formatDateTime(date);
}

/** A decimal string "12000.5" → "¥12,000.50"; anything else is shown as it is. */
export function formatMoney(amount, currency = "CNY") {
  const value = Number(amount);
  if (amount === null || amount === undefined || amount === "" || !Number.isFinite(value)) return "—";
  const symbol = currency === "CNY" ? "¥" : `${currency} `;
  return symbol + value.toLocaleString(LOCALE, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** Today's calendar date in a time zone, as "YYYY-MM-DD". */
export function todayIso(timeZone, now = new Date()) {
  const parts = new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", day: "2-digit", timeZone: zoneOrDefault(timeZone) })
    .formatToParts(now);
  const get = (type) => parts.find((p) => p.type === type)?.value;
  return `${get("year")}-${get("month")}-${get("day")}`;
}

/** Add days to a "YYYY-MM-DD" date (calendar arithmetic in UTC, no zone shift). */
export function addDays(isoDate, days) {
  const [y, m, d] = isoDate.split("-").map(Number);
  const date = new Date(Date.UTC(y, m - 1, d + days));
  return date.toISOString().slice(0, 10);
}

/** A count with a unit: "3 条" */
export function count(n, unit = "") {
  const value = Number(n) || 0;
  return unit ? `${value.toLocaleString(LOCALE)} ${unit}` : value.toLocaleString(LOCALE);
}
