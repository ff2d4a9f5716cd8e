/*
 * Kuanxian (宽限) collector console.
 *
 * Plain DOM code, no framework. Every piece of text from the server is
 * rendered with textContent; nothing is ever parsed as HTML.
 */
(function () {
  'use strict';

  // ---------------------------------------------------------------------------
  // Constants & labels
  // ---------------------------------------------------------------------------

  const TOKEN_KEY = 'kuanxian.console.token';
  const COLLECTOR_KEY = 'kuanxian.console.collector';
  const BACKOFF_MS = [1000, 2000, 5000, 10000];
  const STABLE_SOCKET_MS = 5000;
  const QUEUE_REFRESH_MS = 15000;
  const WAIT_REFRESH_MS = 30000;
  const REVIEW_DEBOUNCE_MS = 400;
  const TITLE_FLASH_MS = 10000;
  const TOAST_MS = 4000;
  const REQUEST_TIMEOUT_MS = 15000;
  const MAX_CHARS = 2000;
  const NEAR_BOTTOM_PX = 80;
  const QUOTE_CONTEXT = 16;
  const BASE_TITLE = '宽限 · 客服工作台';
  const URGENT_PREFIX = '【紧急】';
  const AUTH_CLOSE_CODES = [4001, 4401, 4403];

  const PRIORITY = {
    urgent: { label: '紧急', rank: 0 },
    high: { label: '优先', rank: 1 },
    normal: { label: '普通', rank: 2 },
  };

  const REASON = {
    crisis: '危机/自伤风险',
    distress: '情绪困扰',
    dispute: '争议',
    complaint: '投诉',
    request_human: '要求人工',
    deferral: '延期申请',
    fee_relief: '减免申请',
    hardship: '困难申请',
    other: '其他',
  };

  const SENDER = {
    borrower: '借款人',
    bot: '助手',
    collector: '客服',
    system: '系统',
  };

  const FREQUENCY = {
    monthly: '每月',
    biweekly: '每两周',
    fortnightly: '每两周',
    weekly: '每周',
  };

  const PLAN_STATUS = {
    proposed: '待确认',
    active: '执行中',
    completed: '已完成',
    broken: '已中断',
    cancelled: '已取消',
    superseded: '已被替换',
  };

  const INSTALLMENT_STATUS = {
    due: '待还',
    paid: '已还',
    partially_paid: '部分已还',
    missed: '未按时还款',
    late: '逾期',
    waived: '已减免',
    cancelled: '已取消',
  };

  const REMINDER_KIND = {
    upcoming_due: '到期提醒',
    overdue: '逾期提醒',
    installment_due: '分期到期提醒',
    follow_up: '跟进提醒',
  };

  const REMINDER_STATUS = {
    scheduled: '已安排',
    deferred: '已推迟',
    suppressed: '已停发',
    sent: '已发送',
    failed: '发送失败',
    cancelled: '已取消',
  };

  const HARDSHIP = {
    job_loss: '失业',
    illness: '疾病',
    family_care: '家庭照护',
    bereavement: '亲人离世',
    business_failure: '经营困难',
    income_drop: '收入下降',
    pregnancy_childcare: '孕期/育儿',
    disaster: '灾害',
    other: '其他',
  };

  const VIOLATION_CATEGORY = {
    threat: '威胁恐吓',
    threats: '威胁恐吓',
    harassment: '骚扰施压',
    pressure: '施压',
    deception: '误导欺骗',
    misleading: '误导表述',
    shaming: '羞辱贬低',
    humiliation: '羞辱贬低',
    abuse: '辱骂',
    profanity: '不文明用语',
    third_party: '第三方披露',
    disclosure: '隐私披露',
    false_legal: '虚假法律后果',
    legal_threat: '法律威胁',
    privacy: '隐私',
  };

  // ---------------------------------------------------------------------------
  // State
  // ---------------------------------------------------------------------------

  const state = {
    token: null,
    me: null,
    queue: [],
    selectedId: null,
    detail: null,
    seqs: new Map(), // seq -> element, for the selected conversation's transcript
    unreadIds: new Set(),
    drafts: new Map(),
    seenUrgent: new Set(),
    loadCounter: 0,
    reviewCounter: 0,
    reviewTimer: null,
    ws: null,
    wsAttempt: 0,
    wsOpenedAt: 0,
    wsHadOpened: false,
    reconnectTimer: null,
    queueTimer: null,
    waitTimer: null,
    flashTimer: null,
    flashUntil: 0,
    flashOn: false,
    toastTimer: null,
    busy: false,
  };

  const dom = {};

  class NetworkError extends Error {
    constructor() {
      super('network error');
      this.name = 'NetworkError';
    }
  }

  class AuthError extends Error {
    constructor() {
      super('unauthorized');
      this.name = 'AuthError';
    }
  }

  // ---------------------------------------------------------------------------
  // Utilities
  // ---------------------------------------------------------------------------

  function $(id) {
    return document.getElementById(id);
  }

  /** Create an element. props: className, text, hidden, or any attribute. */
  function h(tag, props, children) {
    const node = document.createElement(tag);
    if (props) {
      Object.keys(props).forEach((key) => {
        const value = props[key];
        if (value === undefined || value === null || value === false) return;
        if (key === 'className') node.className = value;
        else if (key === 'text') node.textContent = String(value);
        else if (key === 'hidden') node.hidden = true;
        else node.setAttribute(key, value === true ? '' : String(value));
      });
    }
    (children || []).forEach((child) => {
      if (child === null || child === undefined || child === false) return;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }

  function pad2(n) {
    return String(n).padStart(2, '0');
  }

  function parseDate(iso) {
    if (!iso) return null;
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? null : date;
  }

  function formatDateTime(iso) {
    const d = parseDate(iso);
    if (!d) return iso ? String(iso) : '—';
    return d.getFullYear() + '-' + pad2(d.getMonth() + 1) + '-' + pad2(d.getDate()) + ' ' +
      pad2(d.getHours()) + ':' + pad2(d.getMinutes());
  }

  function formatClock(iso) {
    const d = parseDate(iso);
    if (!d) return '';
    const now = new Date();
    const hm = pad2(d.getHours()) + ':' + pad2(d.getMinutes());
    const today = d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate();
    return today ? hm : (d.getMonth() + 1) + '月' + d.getDate() + '日 ' + hm;
  }

  /** "已等待 5 分钟" from an ISO timestamp. */
  function waitingText(iso) {
    const d = parseDate(iso);
    if (!d) return '';
    const minutes = Math.max(0, Math.floor((Date.now() - d.getTime()) / 60000));
    if (minutes < 1) return '已等待不到 1 分钟';
    if (minutes < 60) return '已等待 ' + minutes + ' 分钟';
    const hours = Math.floor(minutes / 60);
    const rest = minutes % 60;
    if (hours < 24) return '已等待 ' + hours + ' 小时' + (rest ? ' ' + rest + ' 分钟' : '');
    return '已等待 ' + Math.floor(hours / 24) + ' 天 ' + (hours % 24) + ' 小时';
  }

  /** Decimal strings are shown exactly as the server sent them. */
  function money(value) {
    if (value === null || value === undefined || value === '') return '—';
    return String(value) + ' 元';
  }

  function labelOf(map, code) {
    if (code === null || code === undefined || code === '') return '—';
    return Object.prototype.hasOwnProperty.call(map, code) ? map[code] : String(code);
  }

  function charLength(text) {
    return Array.from(text).length;
  }

  function containsChinese(text) {
    return typeof text === 'string' && /[\u3400-\u9fff]/.test(text);
  }

  function toSeq(value) {
    const n = Number(value);
    return Number.isInteger(n) && n > 0 ? n : 0;
  }

  function errorText(res, fallback) {
    if (res && res.data && containsChinese(res.data.message)) return res.data.message;
    if (res && res.status === 429) return '操作太频繁，请稍后再试';
    if (res && res.status === 403) return '没有权限执行此操作';
    if (res && res.status === 404) return '对话不存在或已被删除';
    return fallback;
  }

  function isImeEnter(event) {
    return event.isComposing || event.keyCode === 229;
  }

  function isNearBottom(el) {
    return el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
  }

  // ---------------------------------------------------------------------------
  // HTTP
  // ---------------------------------------------------------------------------

  async function request(method, path, body, token) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = 'Bearer ' + token;
    const controller = typeof AbortController === 'function' ? new AbortController() : null;
    const timer = controller ? setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS) : null;
    try {
      let response;
      try {
        response = await fetch(path, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          cache: 'no-store',
          credentials: 'same-origin',
          signal: controller ? controller.signal : undefined,
        });
      } catch (err) {
        throw new NetworkError();
      }
      let data = null;
      if (response.status !== 204) {
        const raw = await response.text().catch(() => '');
        if (raw) {
          try {
            data = JSON.parse(raw);
          } catch (err) {
            data = null;
          }
        }
      }
      return { ok: response.ok, status: response.status, data };
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  /** An authenticated console call; any 401 sends the collector back to the login page. */
  async function api(method, path, body) {
    const token = state.token;
    if (!token) throw new AuthError();
    const res = await request(method, path, body, token);
    if (res.status === 401) {
      if (state.token === token) logout('登录已过期，请重新登录');
      throw new AuthError();
    }
    return res;
  }

  function convPath(id, suffix) {
    return '/api/console/conversations/' + encodeURIComponent(id) + (suffix || '');
  }

  // ---------------------------------------------------------------------------
  // Feedback (toast, banners)
  // ---------------------------------------------------------------------------

  function toast(text) {
    clearTimeout(state.toastTimer);
    dom.toast.textContent = text;
    dom.toast.hidden = false;
    state.toastTimer = setTimeout(() => {
      dom.toast.hidden = true;
    }, TOAST_MS);
  }

  function showInline(el, text) {
    el.textContent = text || '';
    el.hidden = !text;
  }

  function reportFailure(err, el, fallback) {
    if (err instanceof AuthError) return;
    const text = err instanceof NetworkError ? '网络异常，请检查网络后重试' : fallback;
    if (el) showInline(el, text);
    else toast(text);
  }

  // ---------------------------------------------------------------------------
  // Login & session
  // ---------------------------------------------------------------------------

  function readSession() {
    try {
      const token = sessionStorage.getItem(TOKEN_KEY);
      const me = JSON.parse(sessionStorage.getItem(COLLECTOR_KEY) || 'null');
      return token ? { token, me } : null;
    } catch (err) {
      return null;
    }
  }

  function writeSession(token, me) {
    try {
      sessionStorage.setItem(TOKEN_KEY, token);
      sessionStorage.setItem(COLLECTOR_KEY, JSON.stringify(me || null));
    } catch (err) {
      // Storage unavailable: the session lasts as long as this page.
    }
  }

  function clearSession() {
    try {
      sessionStorage.removeItem(TOKEN_KEY);
      sessionStorage.removeItem(COLLECTOR_KEY);
    } catch (err) {
      // Nothing stored.
    }
  }

  function showLogin(message) {
    dom.appView.hidden = true;
    dom.loginView.hidden = false;
    showInline(dom.loginError, message || '');
    dom.loginSubmit.disabled = false;
    dom.loginSubmit.textContent = '登录';
    (dom.loginUser.value ? dom.loginPass : dom.loginUser).focus();
  }

  async function checkDemo() {
    try {
      const res = await request('GET', '/api/demo/info');
      if (res.status !== 200 || !res.data || res.data.demo !== true) return;
      const creds = res.data.collector && typeof res.data.collector === 'object' ? res.data.collector : res.data;
      const user = typeof creds.username === 'string' ? creds.username : 'demo';
      const pass = typeof creds.password === 'string' ? creds.password : 'kuanxian-demo';
      dom.demoHint.textContent = '';
      dom.demoHint.appendChild(document.createTextNode('演示账号：'));
      dom.demoHint.appendChild(h('code', { text: user }));
      dom.demoHint.appendChild(document.createTextNode(' / '));
      dom.demoHint.appendChild(h('code', { text: pass }));
      dom.demoHint.hidden = false;
    } catch (err) {
      // No hint outside demo mode.
    }
  }

  async function onLoginSubmit(event) {
    event.preventDefault();
    const username = dom.loginUser.value.trim();
    const password = dom.loginPass.value;
    if (!username || !password) {
      showInline(dom.loginError, '请输入用户名和密码');
      (username ? dom.loginPass : dom.loginUser).focus();
      return;
    }
    dom.loginSubmit.disabled = true;
    dom.loginSubmit.textContent = '登录中…';
    showInline(dom.loginError, '');
    let res;
    try {
      res = await request('POST', '/api/console/login', { username, password });
    } catch (err) {
      res = null;
    }
    dom.loginSubmit.disabled = false;
    dom.loginSubmit.textContent = '登录';
    if (res && res.ok && res.data && res.data.token) {
      dom.loginPass.value = '';
      writeSession(res.data.token, res.data.collector);
      startApp(res.data.token, res.data.collector);
      return;
    }
    let message = '登录失败，请稍后重试';
    if (!res) message = '网络异常，请检查网络后重试';
    else if (res.status === 401) message = '用户名或密码错误';
    else if (res.status === 429) message = '尝试次数过多，请稍后再试';
    else if (res.data && containsChinese(res.data.message)) message = res.data.message;
    showInline(dom.loginError, message);
    if (res && res.status === 401) {
      dom.loginPass.value = '';
      dom.loginPass.focus();
    }
  }

  function startApp(token, me) {
    state.token = token;
    state.me = me || null;
    dom.loginView.hidden = true;
    dom.appView.hidden = false;
    dom.me.textContent = me && me.display_name ? '客服 ' + me.display_name : '';
    setConn('connecting');
    loadQueue();
    connectStream();
    state.queueTimer = setInterval(loadQueue, QUEUE_REFRESH_MS);
    state.waitTimer = setInterval(refreshWaitTimes, WAIT_REFRESH_MS);
    const fromHash = idFromHash();
    if (fromHash) selectConversation(fromHash);
  }

  function stopApp() {
    clearInterval(state.queueTimer);
    clearInterval(state.waitTimer);
    clearInterval(state.flashTimer);
    clearTimeout(state.reconnectTimer);
    clearTimeout(state.reviewTimer);
    state.queueTimer = state.waitTimer = state.flashTimer = state.reconnectTimer = state.reviewTimer = null;
    closeStream();
    state.token = null;
    state.me = null;
    state.queue = [];
    state.selectedId = null;
    state.detail = null;
    state.seqs = new Map();
    state.unreadIds.clear();
    state.drafts.clear();
    state.seenUrgent.clear();
    state.loadCounter += 1;
    state.reviewCounter += 1;
    document.title = BASE_TITLE;
    dom.queue.textContent = '';
    dom.transcript.textContent = '';
    dom.reply.value = '';
    dom.note.value = '';
    clearViolations();
    renderContextPlaceholder();
    dom.conversation.hidden = true;
    dom.noSelection.hidden = false;
    if (dom.dialog.open) dom.dialog.close('cancel');
  }

  function logout(message) {
    clearSession();
    stopApp();
    if (location.hash) history.replaceState(null, '', location.pathname + location.search);
    showLogin(message);
  }

  // ---------------------------------------------------------------------------
  // Live stream
  // ---------------------------------------------------------------------------

  function setConn(kind) {
    const text = { live: '实时连接', connecting: '连接中…', offline: '连接中断，正在重连…' }[kind];
    dom.conn.setAttribute('data-state', kind);
    dom.conn.textContent = text;
  }

  function connectStream() {
    if (!state.token || typeof WebSocket !== 'function') return;
    const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
    const url = scheme + location.host + '/api/console/stream?token=' + encodeURIComponent(state.token);
    let ws;
    try {
      ws = new WebSocket(url);
    } catch (err) {
      scheduleReconnect();
      return;
    }
    state.ws = ws;
    ws.addEventListener('open', () => {
      if (state.ws !== ws) return;
      state.wsOpenedAt = Date.now();
      setConn('live');
      if (state.wsHadOpened) resync();
      state.wsHadOpened = true;
    });
    ws.addEventListener('message', (event) => {
      if (state.ws === ws) onFrame(event.data);
    });
    ws.addEventListener('close', (event) => {
      if (state.ws !== ws) return;
      state.ws = null;
      if (state.wsOpenedAt && Date.now() - state.wsOpenedAt >= STABLE_SOCKET_MS) state.wsAttempt = 0;
      state.wsOpenedAt = 0;
      if (!state.token) return;
      setConn('offline');
      if (AUTH_CLOSE_CODES.indexOf(event.code) !== -1) verifyAuth();
      scheduleReconnect();
    });
    ws.addEventListener('error', () => {});
  }

  function scheduleReconnect() {
    if (!state.token || state.reconnectTimer) return;
    const delay = BACKOFF_MS[Math.min(state.wsAttempt, BACKOFF_MS.length - 1)];
    state.wsAttempt += 1;
    state.reconnectTimer = setTimeout(() => {
      state.reconnectTimer = null;
      connectStream();
    }, delay);
  }

  function closeStream() {
    const ws = state.ws;
    state.ws = null;
    state.wsHadOpened = false;
    state.wsAttempt = 0;
    if (ws) {
      try {
        ws.close(1000, 'logout');
      } catch (err) {
        // Already closed.
      }
    }
  }

  /** After a reconnect, fetch what the stream may have missed. */
  function resync() {
    loadQueue();
    if (state.selectedId) loadDetail(state.selectedId, { keepScroll: true });
  }

  /** A closed stream might mean an expired token: one authenticated call tells. */
  function verifyAuth() {
    api('GET', '/api/console/queue').catch(() => {});
  }

  function onFrame(raw) {
    let frame;
    try {
      frame = JSON.parse(raw);
    } catch (err) {
      return;
    }
    if (!frame || typeof frame !== 'object') return;
    if (frame.type === 'queue' && Array.isArray(frame.conversations)) {
      setQueue(frame.conversations);
    } else if (frame.type === 'message' && frame.message) {
      onStreamMessage(frame.conversation_id, frame.message);
    } else if (frame.type === 'conversation' && frame.conversation) {
      onConversationUpdate(frame.conversation);
    } else if (frame.type === 'error') {
      if (['unauthorized', 'invalid_token', 'token_expired'].indexOf(frame.error) !== -1) verifyAuth();
    }
  }

  function onStreamMessage(conversationId, message) {
    if (conversationId === state.selectedId && state.detail) {
      appendMessage(message, { scroll: 'auto' });
      return;
    }
    if (state.queue.some((c) => c.conversation_id === conversationId)) {
      state.unreadIds.add(conversationId);
      renderQueue();
    }
  }

  function onConversationUpdate(conv) {
    const id = conv.conversation_id;
    if (!id) return;
    const index = state.queue.findIndex((c) => c.conversation_id === id);
    const inQueue = conv.status === 'waiting_for_collector' || conv.status === 'with_collector';
    if (!inQueue) {
      if (index !== -1) state.queue.splice(index, 1);
    } else if (index !== -1) {
      state.queue[index] = Object.assign({}, state.queue[index], conv);
    } else {
      state.queue.push(Object.assign({}, conv));
    }
    sortQueue(state.queue);
    renderQueue();
    checkUrgent();
    if (id === state.selectedId && state.detail) {
      state.detail.conversation = Object.assign({}, state.detail.conversation, conv);
      renderConversationHeader();
      updateControls();
    }
  }

  // ---------------------------------------------------------------------------
  // Queue
  // ---------------------------------------------------------------------------

  async function loadQueue() {
    let res;
    try {
      res = await api('GET', '/api/console/queue');
    } catch (err) {
      return;
    }
    if (res.ok && res.data && Array.isArray(res.data.conversations)) setQueue(res.data.conversations);
  }

  function sortQueue(list) {
    const rank = (c) => (PRIORITY[c.priority] ? PRIORITY[c.priority].rank : 3);
    const since = (c) => {
      const d = parseDate(c.waiting_since);
      return d ? d.getTime() : Infinity;
    };
    list.sort((a, b) => rank(a) - rank(b) || since(a) - since(b));
  }

  function setQueue(conversations) {
    state.queue = conversations.filter((c) => c && c.conversation_id);
    renderQueue();
    checkUrgent();
    const selected = state.queue.find((c) => c.conversation_id === state.selectedId);
    if (selected && state.detail) {
      state.detail.conversation = Object.assign({}, state.detail.conversation, selected);
      renderConversationHeader();
      updateControls();
    }
  }

  function statusText(conv) {
    if (conv.status === 'waiting_for_collector') return '等待接入';
    if (conv.status === 'with_collector') {
      const mine = state.me && String(conv.collector_id) === String(state.me.id);
      return '处理中 · ' + (mine ? '我' : (conv.collector_name || '其他客服'));
    }
    if (conv.status === 'bot') return '助手处理中';
    if (conv.status === 'resolved') return '已结束';
    return String(conv.status || '');
  }

  function priorityBadge(priority) {
    const key = PRIORITY[priority] ? priority : 'normal';
    return h('span', { className: 'kx-prio kx-prio-' + key, text: PRIORITY[key].label });
  }

  function waitElement(iso) {
    const el = h('span', { className: 'kx-wait' });
    if (iso) {
      el.setAttribute('data-since', iso);
      el.textContent = waitingText(iso);
    }
    return el;
  }

  function buildQueueItem(conv) {
    const id = conv.conversation_id;
    const priority = PRIORITY[conv.priority] ? conv.priority : 'normal';
    const selected = id === state.selectedId;
    const button = h('button', {
      type: 'button',
      className: 'kx-qitem kx-qitem-' + priority + (selected ? ' kx-selected' : ''),
      'data-testid': 'kx-queue-item',
      'data-conversation-id': id,
      'data-priority': priority,
      'data-status': conv.status || '',
      'aria-current': selected ? 'true' : null,
    }, [
      h('span', { className: 'kx-qrow' }, [
        priorityBadge(priority),
        h('span', { className: 'kx-qname', text: conv.borrower_name || conv.borrower_id || '借款人' }),
        state.unreadIds.has(id) ? h('span', { className: 'kx-qnew', text: '新消息' }) : null,
      ]),
      h('span', { className: 'kx-qreason', text: labelOf(REASON, conv.reason) }),
      h('span', { className: 'kx-qrow kx-qfoot' }, [
        h('span', { className: 'kx-qstatus kx-status-' + (conv.status || 'unknown'), text: statusText(conv) }),
        waitElement(conv.waiting_since),
      ]),
    ]);
    button.addEventListener('click', () => selectConversation(id));
    return h('li', { className: 'kx-qli' }, [button]);
  }

  function renderQueue() {
    const focusedId = document.activeElement && document.activeElement.getAttribute
      ? document.activeElement.getAttribute('data-conversation-id')
      : null;
    const fragment = document.createDocumentFragment();
    state.queue.forEach((conv) => fragment.appendChild(buildQueueItem(conv)));
    dom.queue.textContent = '';
    dom.queue.appendChild(fragment);
    dom.queueEmpty.hidden = state.queue.length > 0;
    const waiting = state.queue.filter((c) => c.status === 'waiting_for_collector').length;
    dom.queueCount.textContent = state.queue.length ? waiting + ' 个等待接入 / 共 ' + state.queue.length + ' 个' : '';
    if (focusedId) {
      const again = dom.queue.querySelector('[data-conversation-id="' + cssEscape(focusedId) + '"]');
      if (again) again.focus();
    }
  }

  function cssEscape(value) {
    return window.CSS && typeof CSS.escape === 'function' ? CSS.escape(value) : String(value).replace(/["\\]/g, '\\$&');
  }

  function refreshWaitTimes() {
    Array.from(document.querySelectorAll('.kx-wait[data-since]')).forEach((el) => {
      el.textContent = waitingText(el.getAttribute('data-since'));
    });
  }

  // Urgent conversations: a short, sound-free title flash, then a steady prefix.
  function urgentWaitingCount() {
    return state.queue.filter((c) => c.priority === 'urgent' && c.status === 'waiting_for_collector').length;
  }

  function checkUrgent() {
    let fresh = false;
    state.queue.forEach((c) => {
      if (c.priority === 'urgent' && c.status === 'waiting_for_collector' && !state.seenUrgent.has(c.conversation_id)) {
        state.seenUrgent.add(c.conversation_id);
        fresh = true;
      }
    });
    if (fresh) startTitleFlash();
    updateTitle();
  }

  function startTitleFlash() {
    state.flashUntil = Date.now() + TITLE_FLASH_MS;
    if (state.flashTimer) return;
    state.flashOn = true;
    state.flashTimer = setInterval(() => {
      if (Date.now() >= state.flashUntil) {
        clearInterval(state.flashTimer);
        state.flashTimer = null;
      } else {
        state.flashOn = !state.flashOn;
      }
      updateTitle();
    }, 1000);
  }

  function updateTitle() {
    let urgent = urgentWaitingCount() > 0;
    if (state.flashTimer) urgent = urgent && state.flashOn;
    const title = urgent ? URGENT_PREFIX + BASE_TITLE : BASE_TITLE;
    if (document.title !== title) document.title = title;
  }

  // ---------------------------------------------------------------------------
  // Conversation detail
  // ---------------------------------------------------------------------------

  function idFromHash() {
    const match = /^#\/conversations\/(.+)$/.exec(location.hash);
    if (!match) return null;
    try {
      return decodeURIComponent(match[1]);
    } catch (err) {
      return null;
    }
  }

  function selectConversation(id) {
    if (!id || !state.token) return;
    if (id !== state.selectedId) {
      if (state.selectedId) state.drafts.set(state.selectedId, dom.reply.value);
      state.selectedId = id;
      state.detail = null;
      state.seqs = new Map();
      dom.reply.value = state.drafts.get(id) || '';
      dom.note.value = '';
      clearViolations();
      showInline(dom.replyError, '');
      showInline(dom.noteError, '');
      showInline(dom.convNotice, '');
      dom.transcript.textContent = '';
      dom.transcript.appendChild(h('p', { className: 'kx-loading', text: '加载中…' }));
      renderContextPlaceholder('加载中…');
      dom.convTitle.textContent = '';
      dom.convMeta.textContent = '';
      updateControls();
    }
    state.unreadIds.delete(id);
    const hash = '#/conversations/' + encodeURIComponent(id);
    if (location.hash !== hash) history.replaceState(null, '', hash);
    dom.noSelection.hidden = true;
    dom.conversation.hidden = false;
    renderQueue();
    loadDetail(id);
  }

  async function loadDetail(id, opts) {
    const ticket = ++state.loadCounter;
    let res;
    try {
      res = await api('GET', convPath(id));
    } catch (err) {
      if (ticket === state.loadCounter) reportFailure(err, dom.convNotice, '加载对话失败，请重试');
      return;
    }
    if (ticket !== state.loadCounter || state.selectedId !== id) return;
    if (!res.ok || !res.data || !res.data.conversation) {
      showInline(dom.convNotice, errorText(res, '加载对话失败，请重试'));
      if (!state.detail) dom.transcript.textContent = '';
      return;
    }
    showInline(dom.convNotice, '');
    state.detail = res.data;
    renderConversationHeader();
    renderTranscript(opts && opts.keepScroll);
    renderContext();
    updateControls();
  }

  function renderConversationHeader() {
    const d = state.detail;
    if (!d) return;
    const c = d.conversation || {};
    const b = d.borrower || {};
    dom.convTitle.textContent = c.borrower_name || b.display_name || c.borrower_id || '借款人';
    const meta = dom.convMeta;
    meta.textContent = '';
    meta.appendChild(priorityBadge(c.priority));
    meta.appendChild(h('span', { className: 'kx-meta-item', text: '原因：' + labelOf(REASON, c.reason) }));
    meta.appendChild(h('span', { className: 'kx-meta-item kx-status-' + (c.status || 'unknown'), text: statusText(c) }));
    if (c.waiting_since && c.status === 'waiting_for_collector') meta.appendChild(waitElement(c.waiting_since));
    if (c.created_at) meta.appendChild(h('span', { className: 'kx-meta-item', text: '开始于 ' + formatDateTime(c.created_at) }));
  }

  function isMine(conv) {
    return Boolean(conv && state.me && conv.status === 'with_collector' && String(conv.collector_id) === String(state.me.id));
  }

  function updateControls() {
    const conv = state.detail ? state.detail.conversation : null;
    const mine = isMine(conv);
    const busy = state.busy;
    const claimable = Boolean(conv) && conv.status === 'waiting_for_collector';
    dom.claim.disabled = busy || !claimable;
    dom.handback.disabled = busy || !mine;
    dom.resolve.disabled = busy || !mine;
    dom.reply.disabled = !mine;
    dom.replySend.disabled = busy || !mine;
    dom.note.disabled = !conv;
    dom.noteSend.disabled = busy || !conv;

    let hint = '';
    let placeholder = '接入对话后即可回复';
    if (!conv) hint = '';
    else if (mine) {
      hint = 'Enter 发送，Shift+Enter 换行';
      placeholder = '输入回复…（发送前会自动检查措辞）';
    } else if (conv.status === 'with_collector') {
      hint = '该对话由 ' + (conv.collector_name || '其他客服') + ' 处理中';
    } else if (conv.status === 'resolved') hint = '对话已结束';
    else if (conv.status === 'waiting_for_collector') hint = '点击「接入」后即可回复借款人';
    else hint = '助手正在处理该对话';
    dom.replyHint.textContent = hint;
    dom.reply.placeholder = placeholder;
    if (!mine) clearViolations();
  }

  // ----- transcript ----------------------------------------------------------

  function senderLabel(msg) {
    const sender = SENDER[msg.sender_type] ? msg.sender_type : 'system';
    if (msg.internal === true) return '内部备注' + (msg.sender_name ? ' · ' + msg.sender_name : '');
    if (sender === 'collector') return '客服' + (msg.sender_name ? ' ' + msg.sender_name : '');
    return SENDER[sender];
  }

  function buildConsoleMessage(msg) {
    const sender = SENDER[msg.sender_type] ? msg.sender_type : 'system';
    const internal = msg.internal === true;
    const el = h('article', {
      className: 'kx-cmsg kx-cmsg-' + sender + (internal ? ' kx-cmsg-internal' : ''),
      'data-testid': 'kx-console-message',
      'data-sender': sender,
      'data-seq': String(toSeq(msg.seq)),
      'data-internal': internal ? 'true' : null,
    });
    const time = parseDate(msg.created_at);
    el.appendChild(h('header', { className: 'kx-cmsg-head' }, [
      h('span', { className: 'kx-cmsg-sender', text: senderLabel(msg) }),
      time ? h('time', { className: 'kx-cmsg-time', datetime: time.toISOString(), title: formatDateTime(msg.created_at), text: formatClock(msg.created_at) }) : null,
    ]));
    el.appendChild(h('div', { className: 'kx-cmsg-text', text: typeof msg.text === 'string' ? msg.text : '' }));
    if (Array.isArray(msg.buttons) && msg.buttons.length) {
      const list = h('ul', { className: 'kx-cmsg-buttons', 'aria-label': '提供给借款人的快捷选项' });
      msg.buttons.forEach((b) => {
        if (b && (b.title || b.payload)) list.appendChild(h('li', { className: 'kx-chip', text: String(b.title || b.payload) }));
      });
      el.appendChild(list);
    }
    return el;
  }

  function renderTranscript(keepScroll) {
    const box = dom.transcript;
    const previousTop = box.scrollTop;
    const wasNearBottom = isNearBottom(box);
    box.textContent = '';
    state.seqs = new Map();
    const messages = Array.isArray(state.detail.messages) ? state.detail.messages.slice() : [];
    messages.sort((a, b) => toSeq(a.seq) - toSeq(b.seq));
    messages.forEach((m) => appendMessage(m, { scroll: 'none' }));
    if (!messages.length) box.appendChild(h('p', { className: 'kx-empty', text: '暂无消息' }));
    if (keepScroll && !wasNearBottom) box.scrollTop = previousTop;
    else box.scrollTop = box.scrollHeight;
  }

  /** Insert one message in seq order; a seq already shown is skipped. */
  function appendMessage(msg, opts) {
    const seq = toSeq(msg && msg.seq);
    if (!seq || state.seqs.has(seq)) return;
    const box = dom.transcript;
    const wasNearBottom = isNearBottom(box);
    const empty = box.querySelector('.kx-empty, .kx-loading');
    if (empty) empty.remove();
    const el = buildConsoleMessage(msg);
    state.seqs.set(seq, el);
    let ref = null;
    for (let node = box.lastElementChild; node; node = node.previousElementSibling) {
      if (toSeq(node.getAttribute('data-seq')) > seq) ref = node;
      else break;
    }
    box.insertBefore(el, ref);
    if (state.detail && Array.isArray(state.detail.messages) && !state.detail.messages.some((m) => toSeq(m.seq) === seq)) {
      state.detail.messages.push(msg);
    }
    const scroll = opts && opts.scroll;
    if (scroll === 'force' || (scroll === 'auto' && wasNearBottom)) box.scrollTop = box.scrollHeight;
  }

  // ----- context panel ------------------------------------------------------

  function renderContextPlaceholder(text) {
    dom.context.textContent = '';
    dom.context.appendChild(h('p', { className: 'kx-placeholder', text: text || '选择对话后显示借款人信息' }));
  }

  function section(title, children) {
    return h('section', { className: 'kx-ctx-section' }, [h('h3', { className: 'kx-ctx-title', text: title })].concat(children));
  }

  /** rows: [label, value] pairs; value may be a string or a Node. */
  function definitionList(rows) {
    const dl = h('dl', { className: 'kx-dl' });
    rows.forEach((row) => {
      if (!row) return;
      const value = row[1];
      dl.appendChild(h('dt', { text: row[0] }));
      dl.appendChild(value instanceof Node ? h('dd', null, [value]) : h('dd', { text: value === null || value === undefined || value === '' ? '—' : String(value) }));
    });
    return dl;
  }

  function yesNo(value) {
    if (value === true) return '是';
    if (value === false) return '否';
    return '—';
  }

  function renderContext() {
    const d = state.detail;
    const ctx = dom.context;
    ctx.textContent = '';
    if (!d) {
      renderContextPlaceholder();
      return;
    }
    const b = d.borrower || {};
    ctx.appendChild(h('h2', { className: 'kx-col-title', text: '借款人信息' }));
    ctx.appendChild(section('基本信息', [definitionList([
      ['姓名', b.display_name],
      ['借款人编号', b.borrower_id],
      ['时区', b.timezone],
      ['币种', b.currency],
    ])]));
    ctx.appendChild(section('账户', [definitionList([
      ['本金', money(b.principal)],
      ['利息及费用', money(b.interest_and_fees)],
      ['待还余额', money(b.balance)],
      ['逾期天数', b.days_overdue === null || b.days_overdue === undefined ? '—' : b.days_overdue + ' 天'],
      ['每月还款日', b.due_day ? '每月 ' + b.due_day + ' 日' : '—'],
    ])]));
    ctx.appendChild(renderPolicy(b.policy || {}));
    ctx.appendChild(renderFlags(b.flags || {}));
    ctx.appendChild(renderHardship(Array.isArray(d.hardship) ? d.hardship : []));
    ctx.appendChild(renderPlans(Array.isArray(d.payment_plans) ? d.payment_plans : []));
    ctx.appendChild(renderReminders(Array.isArray(d.reminders) ? d.reminders : []));
  }

  function renderPolicy(p) {
    const freqs = Array.isArray(p.allowed_frequencies) ? p.allowed_frequencies.map((f) => labelOf(FREQUENCY, f)).join('、') : '—';
    return section('协商政策', [definitionList([
      ['每期最低金额', money(p.min_installment)],
      ['最长期限', p.max_term_months ? p.max_term_months + ' 个月' : '—'],
      ['可选还款频率', freqs || '—'],
      ['还款假期', p.payment_holiday_days !== undefined && p.payment_holiday_days !== null ? '最长 ' + p.payment_holiday_days + ' 天' : '—'],
      ['困难时冻结利息', yesNo(p.interest_freeze_on_hardship)],
    ])]);
  }

  function renderFlags(f) {
    const chips = [];
    const add = (text, tone) => chips.push(h('li', { className: 'kx-flag kx-flag-' + tone, text }));
    if (f.crisis_pause_until) add('危机暂停联系至 ' + formatDateTime(f.crisis_pause_until), 'alert');
    if (f.opted_out) add('已要求停止主动联系', 'warn');
    if (f.dispute_open) add('存在未结争议', 'warn');
    if (f.wrong_contact) add('联系人可能有误', 'warn');
    if (f.hardship_pause_until) add('困难暂停催收至 ' + formatDateTime(f.hardship_pause_until), 'info');
    if (f.breathing_space_until) add('喘息期至 ' + formatDateTime(f.breathing_space_until), 'info');
    const body = chips.length ? h('ul', { className: 'kx-flags' }, chips) : h('p', { className: 'kx-muted', text: '无' });
    return section('联系限制', [body]);
  }

  function renderHardship(list) {
    if (!list.length) return section('困难情况', [h('p', { className: 'kx-muted', text: '暂无记录' })]);
    const items = list.map((x) => h('li', { className: 'kx-ctx-item' }, [
      h('strong', { text: labelOf(HARDSHIP, x.category) }),
      h('span', { className: 'kx-muted', text: (x.consented === false ? ' · 未同意记录' : ' · 已同意记录') + ' · ' + formatDateTime(x.recorded_at) }),
    ]));
    return section('困难情况', [h('ul', { className: 'kx-ctx-list' }, items)]);
  }

  function renderPlans(plans) {
    if (!plans.length) return section('还款计划', [h('p', { className: 'kx-muted', text: '暂无还款计划' })]);
    return section('还款计划', plans.map(renderPlan));
  }

  function renderPlan(plan) {
    const card = h('div', { className: 'kx-card' });
    card.appendChild(h('p', { className: 'kx-card-title' }, [
      h('span', { text: '计划 #' + (plan.id !== undefined ? plan.id : '—') }),
      h('span', { className: 'kx-tag', text: labelOf(PLAN_STATUS, plan.status) }),
    ]));
    card.appendChild(definitionList([
      ['频率', labelOf(FREQUENCY, plan.frequency)],
      ['每期金额', money(plan.installment_amount)],
      ['期数', plan.count !== undefined && plan.count !== null ? plan.count + ' 期' : '—'],
      ['首期日期', plan.first_date],
      ['末期金额', money(plan.last_amount)],
      ['冻结利息', yesNo(plan.interest_frozen)],
    ]));
    const installments = Array.isArray(plan.installments) ? plan.installments : [];
    if (installments.length) {
      const rows = installments.map((i) => h('tr', null, [
        h('td', { text: i.seq !== undefined ? String(i.seq) : '—' }),
        h('td', { text: i.due_date || '—' }),
        h('td', { className: 'kx-num', text: money(i.amount) }),
        h('td', { text: labelOf(INSTALLMENT_STATUS, i.status) }),
      ]));
      const table = h('table', { className: 'kx-table' }, [
        h('thead', null, [h('tr', null, [
          h('th', { scope: 'col', text: '期' }),
          h('th', { scope: 'col', text: '到期日' }),
          h('th', { scope: 'col', text: '金额' }),
          h('th', { scope: 'col', text: '状态' }),
        ])]),
        h('tbody', null, rows),
      ]);
      card.appendChild(h('details', { className: 'kx-details' }, [
        h('summary', { text: '分期明细（' + installments.length + ' 期）' }),
        table,
      ]));
    }
    return card;
  }

  function renderReminders(reminders) {
    if (!reminders.length) return section('提醒', [h('p', { className: 'kx-muted', text: '暂无提醒' })]);
    return section('提醒', reminders.map(renderReminder));
  }

  function renderReminder(r) {
    const card = h('div', { className: 'kx-card' });
    card.appendChild(h('p', { className: 'kx-card-title' }, [
      h('span', { text: labelOf(REMINDER_KIND, r.kind) }),
      h('span', { className: 'kx-tag kx-tag-' + (r.status || ''), text: labelOf(REMINDER_STATUS, r.status) }),
    ]));
    card.appendChild(definitionList([
      ['计划发送', formatDateTime(r.send_at)],
      r.scheduled_for ? ['实际安排', formatDateTime(r.scheduled_for)] : null,
      r.reason ? ['原因', r.reason] : null,
    ]));
    const history = Array.isArray(r.history) ? r.history : [];
    if (history.length) {
      const items = history.map((e) => h('li', null, [
        h('span', { className: 'kx-muted', text: formatDateTime(e.at) + ' ' }),
        h('span', { text: labelOf(REMINDER_STATUS, e.decision) }),
        e.reason ? h('span', { className: 'kx-muted', text: '（' + e.reason + '）' }) : null,
      ]));
      card.appendChild(h('details', { className: 'kx-details' }, [
        h('summary', { text: '处理记录（' + history.length + '）' }),
        h('ul', { className: 'kx-ctx-list' }, items),
      ]));
    }
    return card;
  }

  // ---------------------------------------------------------------------------
  // Actions
  // ---------------------------------------------------------------------------

  function setBusy(busy) {
    state.busy = busy;
    updateControls();
  }

  /** Run a conversation action, then reload the detail and the queue. Returns the response (or null). */
  async function runAction(id, path, body, messages, opts) {
    const quiet = (opts && opts.quietStatuses) || [];
    setBusy(true);
    showInline(dom.convNotice, '');
    let res = null;
    let failure = null;
    try {
      res = await api('POST', convPath(id, path), body);
    } catch (err) {
      failure = err;
    }
    setBusy(false);
    if (failure) {
      reportFailure(failure, dom.convNotice, messages.failed);
      return null;
    }
    if (res.ok) {
      if (res.data && res.data.conversation) onConversationUpdate(res.data.conversation);
      toast(messages.ok);
    } else if (quiet.indexOf(res.status) !== -1) {
      return res;
    } else if (res.status === 409) {
      showInline(dom.convNotice, messages.conflict || errorText(res, '对话状态已变化，请刷新后重试'));
    } else {
      showInline(dom.convNotice, errorText(res, messages.failed));
    }
    if (state.selectedId === id) await loadDetail(id, { keepScroll: true });
    loadQueue();
    return res;
  }

  async function onClaim() {
    const id = state.selectedId;
    if (!id) return;
    const res = await runAction(id, '/claim', undefined, {
      ok: '已接入对话',
      conflict: '该对话已由其他客服接入',
      failed: '接入失败，请重试',
    });
    if (res && res.ok && !dom.reply.disabled) dom.reply.focus();
  }

  /** Hand back to the bot with an optional summary of what was agreed (shown to the borrower). */
  async function onHandback() {
    const id = state.selectedId;
    if (!id) return;
    let draft = '';
    let problem = '';
    for (;;) {
      const answer = await openDialog({
        title: '交回助手',
        message: '交回后，智能助手将继续与借款人沟通。',
        inputLabel: '已达成的约定（可选，借款人会看到这段摘要）',
        placeholder: '例如：借款人同意自下月15日起每月还款 500 元，共 12 期',
        confirmText: '交回助手',
        value: draft,
        error: problem,
      });
      if (!answer || state.selectedId !== id) return;
      draft = answer.value;
      const res = await runAction(id, '/handback', draft ? { note: draft } : {}, {
        ok: '已交回助手',
        failed: '交回失败，请重试',
      }, { quietStatuses: [422] });
      if (!res || res.status !== 422 || !res.data || !Array.isArray(res.data.violations)) return;
      // The summary itself was blocked by the fair-language guard: explain and let them edit it.
      problem = '约定摘要未通过措辞检查：' + res.data.violations
        .map((v) => '「' + (v.matched || '') + '」' + (v.explanation || '') + (v.suggestion ? '（建议：' + v.suggestion + '）' : ''))
        .join('；');
    }
  }

  async function onResolve() {
    const id = state.selectedId;
    if (!id) return;
    const answer = await openDialog({
      title: '结束对话',
      message: '确认结束该对话吗？借款人会看到“对话已结束”。',
      confirmText: '结束对话',
    });
    if (!answer) return;
    await runAction(id, '/resolve', undefined, {
      ok: '对话已结束',
      failed: '结束对话失败，请重试',
    });
  }

  // ----- reply & policy review ---------------------------------------------

  function updateReplyCounter() {
    const length = charLength(dom.reply.value);
    dom.replyCounter.hidden = length < 1800;
    dom.replyCounter.textContent = length + '/' + MAX_CHARS;
    dom.replyCounter.classList.toggle('kx-over', length > MAX_CHARS);
  }

  async function onReplySubmit(event) {
    if (event) event.preventDefault();
    const id = state.selectedId;
    const conv = state.detail && state.detail.conversation;
    if (!id || !isMine(conv) || state.busy) return;
    const text = dom.reply.value.trim();
    if (!text) {
      showInline(dom.replyError, '消息不能为空');
      return;
    }
    if (charLength(text) > MAX_CHARS) {
      showInline(dom.replyError, '消息最多2000字');
      return;
    }
    showInline(dom.replyError, '');
    clearTimeout(state.reviewTimer);
    state.reviewCounter += 1; // any review in flight is now stale
    setBusy(true);
    let res = null;
    let failure = null;
    try {
      res = await api('POST', convPath(id, '/messages'), { text });
    } catch (err) {
      failure = err;
    }
    setBusy(false);
    if (state.selectedId !== id) return;
    if (failure) {
      reportFailure(failure, dom.replyError, '发送失败，请重试');
      return;
    }
    if (res.ok) {
      if (dom.reply.value.trim() === text) dom.reply.value = '';
      state.drafts.delete(id);
      updateReplyCounter();
      clearViolations();
      if (res.data && res.data.message) appendMessage(res.data.message, { scroll: 'force' });
      dom.reply.focus();
      return;
    }
    if (res.status === 422 && res.data && Array.isArray(res.data.violations)) {
      renderViolations(res.data.violations, 'blocked');
      dom.reply.focus();
      return;
    }
    if (res.status === 409) {
      showInline(dom.replyError, errorText(res, '您当前未接入该对话，消息未发送'));
      loadDetail(id, { keepScroll: true });
      return;
    }
    if (res.status === 413) {
      showInline(dom.replyError, '消息最多2000字');
      return;
    }
    showInline(dom.replyError, errorText(res, '发送失败，请重试'));
  }

  function scheduleReview() {
    clearTimeout(state.reviewTimer);
    state.reviewTimer = null;
    const text = dom.reply.value;
    if (!text.trim() || dom.reply.disabled) {
      state.reviewCounter += 1;
      clearViolations();
      return;
    }
    state.reviewTimer = setTimeout(() => {
      state.reviewTimer = null;
      review(text);
    }, REVIEW_DEBOUNCE_MS);
  }

  async function review(text) {
    const ticket = ++state.reviewCounter;
    let res;
    try {
      res = await api('POST', '/api/console/review', { text });
    } catch (err) {
      return; // Advisory only: the send is checked again by the server.
    }
    if (ticket !== state.reviewCounter || dom.reply.value !== text || !res.ok || !res.data) return;
    const violations = Array.isArray(res.data.violations) ? res.data.violations : [];
    if (violations.length) renderViolations(violations, 'warning');
    else clearViolations();
  }

  function clearViolations() {
    dom.violations.textContent = '';
    dom.violations.hidden = true;
    dom.violations.removeAttribute('data-mode');
  }

  /** Where a violation sits in the current draft: its span if still valid, else first match. */
  function locate(text, v) {
    const matched = typeof v.matched === 'string' ? v.matched : '';
    if (!matched) return null;
    let start = null;
    let end = null;
    if (Array.isArray(v.span) && v.span.length >= 2) {
      start = Number(v.span[0]);
      end = Number(v.span[1]);
    } else if (v.span && typeof v.span === 'object') {
      start = Number(v.span.start);
      end = Number(v.span.end);
    }
    if (Number.isInteger(start) && Number.isInteger(end) && text.slice(start, end) === matched) return { start, end };
    const index = text.indexOf(matched);
    return index === -1 ? null : { start: index, end: index + matched.length };
  }

  function renderViolations(list, mode) {
    const box = dom.violations;
    box.textContent = '';
    if (!list.length) {
      clearViolations();
      return;
    }
    box.setAttribute('data-mode', mode);
    box.appendChild(h('p', {
      className: 'kx-violations-head',
      text: mode === 'blocked'
        ? '消息未发送：以下表述不符合公平沟通规范，请修改后再发送（草稿已保留）。'
        : '发送前提醒：以下表述可能不符合公平沟通规范。',
    }));
    const text = dom.reply.value;
    list.forEach((v) => {
      if (v && typeof v === 'object') box.appendChild(buildViolation(v, text));
    });
    box.hidden = false;
  }

  function buildViolation(v, text) {
    const item = h('div', { className: 'kx-violation', 'data-testid': 'kx-violation', 'data-rule-id': v.rule_id || null });
    const loc = locate(text, v);
    const quote = h('p', { className: 'kx-quote' });
    if (loc) {
      const from = Math.max(0, loc.start - QUOTE_CONTEXT);
      const to = Math.min(text.length, loc.end + QUOTE_CONTEXT);
      quote.appendChild(document.createTextNode((from > 0 ? '…' : '') + text.slice(from, loc.start)));
      quote.appendChild(h('mark', { className: 'kx-mark', text: text.slice(loc.start, loc.end) }));
      quote.appendChild(document.createTextNode(text.slice(loc.end, to) + (to < text.length ? '…' : '')));
    } else {
      quote.appendChild(h('mark', { className: 'kx-mark', text: v.matched || '' }));
    }
    item.appendChild(h('div', { className: 'kx-violation-head' }, [
      v.category ? h('span', { className: 'kx-tag kx-tag-alert', text: labelOf(VIOLATION_CATEGORY, v.category) }) : null,
      quote,
    ]));
    if (v.explanation) item.appendChild(h('p', { className: 'kx-violation-expl', text: v.explanation }));
    if (v.suggestion) {
      const use = h('button', { type: 'button', className: 'kx-btn kx-btn-small', 'data-testid': 'kx-use-suggestion', text: '使用建议' });
      use.addEventListener('click', () => applySuggestion(v));
      item.appendChild(h('div', { className: 'kx-suggestion' }, [
        h('span', { text: '建议改为：' }),
        h('strong', { className: 'kx-suggestion-text', text: v.suggestion }),
        use,
      ]));
    }
    return item;
  }

  function applySuggestion(v) {
    const text = dom.reply.value;
    const loc = locate(text, v);
    if (!loc || dom.reply.disabled) {
      showInline(dom.replyError, '草稿已修改，无法自动替换，请手动调整');
      return;
    }
    const suggestion = String(v.suggestion);
    dom.reply.value = text.slice(0, loc.start) + suggestion + text.slice(loc.end);
    const caret = loc.start + suggestion.length;
    dom.reply.focus();
    dom.reply.setSelectionRange(caret, caret);
    showInline(dom.replyError, '');
    updateReplyCounter();
    clearTimeout(state.reviewTimer);
    if (dom.reply.value.trim()) review(dom.reply.value);
    else clearViolations();
  }

  // ----- internal notes -------------------------------------------------------

  async function onNoteSubmit(event) {
    if (event) event.preventDefault();
    const id = state.selectedId;
    if (!id || state.busy) return;
    const text = dom.note.value.trim();
    if (!text) {
      showInline(dom.noteError, '备注不能为空');
      return;
    }
    if (charLength(text) > MAX_CHARS) {
      showInline(dom.noteError, '备注最多2000字');
      return;
    }
    showInline(dom.noteError, '');
    setBusy(true);
    let res = null;
    let failure = null;
    try {
      res = await api('POST', convPath(id, '/notes'), { text });
    } catch (err) {
      failure = err;
    }
    setBusy(false);
    if (state.selectedId !== id) return;
    if (failure) {
      reportFailure(failure, dom.noteError, '备注保存失败，请重试');
      return;
    }
    if (!res.ok) {
      showInline(dom.noteError, errorText(res, '备注保存失败，请重试'));
      return;
    }
    if (dom.note.value.trim() === text) dom.note.value = '';
    if (res.data && res.data.message) appendMessage(res.data.message, { scroll: 'force' });
    toast('备注已添加');
  }

  // ---------------------------------------------------------------------------
  // Dialog (handback summary, resolve confirmation)
  // ---------------------------------------------------------------------------

  function openDialog(opts) {
    const dialog = dom.dialog;
    if (typeof dialog.showModal !== 'function') {
      // Very old browsers: fall back to the native prompts.
      if (opts.inputLabel) {
        const value = window.prompt((opts.error ? opts.error + '\n' : '') + opts.message + '\n' + opts.inputLabel, opts.value || '');
        return Promise.resolve(value === null ? null : { value: value.trim() });
      }
      return Promise.resolve(window.confirm(opts.message) ? { value: '' } : null);
    }
    return new Promise((resolve) => {
      dom.dialogTitle.textContent = opts.title;
      dom.dialogMessage.textContent = opts.message || '';
      dom.dialogField.hidden = !opts.inputLabel;
      dom.dialogLabel.textContent = opts.inputLabel || '';
      dom.dialogInput.value = opts.value || '';
      dom.dialogInput.placeholder = opts.placeholder || '';
      dom.dialogError.textContent = opts.error || '';
      dom.dialogError.hidden = !opts.error;
      dom.dialogConfirm.textContent = opts.confirmText || '确认';
      dialog.returnValue = '';
      const onClose = () => {
        dialog.removeEventListener('close', onClose);
        resolve(dialog.returnValue === 'confirm' ? { value: dom.dialogInput.value.trim() } : null);
      };
      dialog.addEventListener('close', onClose);
      dialog.showModal();
      (opts.inputLabel ? dom.dialogInput : dom.dialogConfirm).focus();
    });
  }

  // ---------------------------------------------------------------------------
  // Wiring
  // ---------------------------------------------------------------------------

  function cacheDom() {
    Object.assign(dom, {
      loginView: $('kx-login-view'),
      loginForm: $('kx-login-form'),
      loginUser: $('kx-login-user'),
      loginPass: $('kx-login-pass'),
      loginSubmit: $('kx-login-submit'),
      loginError: $('kx-login-error'),
      demoHint: $('kx-demo-hint'),
      appView: $('kx-app-view'),
      conn: $('kx-conn'),
      me: $('kx-me'),
      logout: $('kx-logout'),
      queue: $('kx-queue'),
      queueCount: $('kx-queue-count'),
      queueEmpty: $('kx-queue-empty'),
      noSelection: $('kx-no-selection'),
      conversation: $('kx-conversation'),
      convTitle: $('kx-conv-title'),
      convMeta: $('kx-conv-meta'),
      convNotice: $('kx-conv-notice'),
      claim: $('kx-claim'),
      handback: $('kx-handback'),
      resolve: $('kx-resolve'),
      transcript: $('kx-transcript'),
      replyForm: $('kx-reply-form'),
      reply: $('kx-reply'),
      replySend: $('kx-reply-send'),
      replyError: $('kx-reply-error'),
      replyHint: $('kx-reply-hint'),
      replyCounter: $('kx-reply-counter'),
      violations: $('kx-violations'),
      noteForm: $('kx-note-form'),
      note: $('kx-note'),
      noteSend: $('kx-note-send'),
      noteError: $('kx-note-error'),
      context: $('kx-context'),
      dialog: $('kx-dialog'),
      dialogTitle: $('kx-dialog-title'),
      dialogMessage: $('kx-dialog-message'),
      dialogField: $('kx-dialog-field'),
      dialogLabel: $('kx-dialog-label'),
      dialogInput: $('kx-dialog-input'),
      dialogError: $('kx-dialog-error'),
      dialogConfirm: $('kx-dialog-confirm'),
      dialogCancel: $('kx-dialog-cancel'),
      toast: $('kx-toast'),
    });
  }

  /** Enter submits, Shift+Enter inserts a newline, IME composition is left alone. */
  function submitOnEnter(textarea, submit) {
    textarea.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter' || event.shiftKey || isImeEnter(event)) return;
      event.preventDefault();
      submit();
    });
  }

  function bindEvents() {
    dom.loginForm.addEventListener('submit', onLoginSubmit);
    dom.logout.addEventListener('click', () => logout(''));
    dom.claim.addEventListener('click', onClaim);
    dom.handback.addEventListener('click', onHandback);
    dom.resolve.addEventListener('click', onResolve);
    dom.replyForm.addEventListener('submit', onReplySubmit);
    dom.noteForm.addEventListener('submit', onNoteSubmit);
    submitOnEnter(dom.reply, () => onReplySubmit());
    submitOnEnter(dom.note, () => onNoteSubmit());
    dom.reply.addEventListener('input', () => {
      showInline(dom.replyError, '');
      updateReplyCounter();
      scheduleReview();
    });
    dom.note.addEventListener('input', () => showInline(dom.noteError, ''));
    dom.dialogCancel.addEventListener('click', () => dom.dialog.close('cancel'));
    window.addEventListener('hashchange', () => {
      const id = idFromHash();
      if (id && state.token && id !== state.selectedId) selectConversation(id);
    });
    window.addEventListener('online', () => {
      if (!state.token) return;
      loadQueue();
      if (!state.ws) {
        clearTimeout(state.reconnectTimer);
        state.reconnectTimer = null;
        connectStream();
      }
    });
  }

  function init() {
    cacheDom();
    bindEvents();
    checkDemo();
    const session = readSession();
    if (session) startApp(session.token, session.me);
    else showLogin('');
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init, { once: true });
  else init();
})();
