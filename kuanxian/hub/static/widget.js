/*
 * Kuanxian (宽限) borrower chat widget.
 *
 * Embeddable and dependency-free. A host page either includes
 *   <script src="https://HUB/static/widget.js" data-hub="https://HUB"
 *           data-borrower-token="JWT"></script>
 * (auto-mount) or calls
 *   window.KuanxianWidget.mount({hub, borrowerToken, open})
 *
 * All message text is rendered with textContent only; nothing received from
 * the network is ever interpreted as HTML.
 */
(function () {
  'use strict';

  // document.currentScript is only available while this file first executes.
  const SCRIPT = document.currentScript;

  if (window.KuanxianWidget && window.KuanxianWidget.__kuanxian) {
    // Loaded twice: let the first copy handle this tag's auto-mount.
    window.KuanxianWidget.__autoMount(SCRIPT);
    return;
  }

  // ---------------------------------------------------------------------------
  // Constants
  // ---------------------------------------------------------------------------

  const MAX_CHARS = 2000;
  const COUNTER_FROM = 1800;
  const BACKOFF_MS = [1000, 2000, 5000, 10000];
  const ACK_TIMEOUT_MS = 8000;
  const POLL_INTERVAL_MS = 5000;
  const TYPING_TIMEOUT_MS = 30000;
  const NOTICE_MS = 6000;
  const REQUEST_TIMEOUT_MS = 15000;
  const STABLE_SOCKET_MS = 5000;
  const CONN_WARNING_DELAY_MS = 3000;
  const RENEW_MIN_INTERVAL_MS = 5000;
  const STYLE_TIMEOUT_MS = 4000;
  const READ_DEBOUNCE_MS = 300;
  const NEAR_BOTTOM_PX = 80;
  const HISTORY_MAX_PAGES = 50;
  // The hub returns at most this many messages per GET; a full page means "ask again".
  const HISTORY_PAGE_SIZE = 500;
  // Queued messages older than this are not resent automatically after a
  // reload (the borrower has to tap to retry); older than the max they are dropped.
  const OUTBOX_AUTO_RESEND_MS = 10 * 60 * 1000;
  const OUTBOX_MAX_AGE_MS = 24 * 60 * 60 * 1000;
  const STORAGE_PREFIX = 'kuanxian.widget.v1|';
  const SENDERS = ['borrower', 'bot', 'collector', 'system'];
  const AUTH_ERROR_CODES = ['unauthorized', 'invalid_token', 'token_expired', 'session_expired', 'forbidden'];
  const CLOSED_ERROR_CODES = ['conversation_resolved', 'conversation_closed', 'resolved', 'conversation_not_found', 'not_found'];
  const CLOSE_CODES_AUTH = [4001, 4401, 4403];

  const TEXT = {
    title: '宽限 · 还款协商助手',
    launcher: '打开还款协商助手',
    launcherOpen: '收起还款协商助手',
    launcherUnread: (n) => '打开还款协商助手（' + n + ' 条未读消息）',
    launcherCaption: '还款协商',
    minimise: '最小化对话窗口',
    placeholder: '输入消息…',
    inputLabel: '输入消息',
    send: '发送',
    sendLabel: '发送消息',
    sending: '发送中…',
    failed: '发送失败，点击重试',
    typing: '助手正在输入',
    empty: '消息不能为空',
    tooLong: '消息最多2000字',
    connecting: '正在连接…',
    reconnecting: '网络不稳定，正在重新连接…',
    offlineQueued: '网络连接中断，消息将在恢复后自动重发',
    serverBusy: '服务暂时繁忙，消息将稍后自动重发',
    rateLimited: '发送太频繁，请稍等片刻',
    authFailed: '身份验证已失效，请刷新页面后重试',
    unavailable: '暂时无法连接，请稍后再试',
    genericError: '发送失败，请稍后再试',
    newConversation: '上一段对话已结束，已为您开启新的对话',
    welcome: '您好，我是宽限还款协商助手。还款遇到困难不用担心，我们一起慢慢想办法。',
    quickReplies: '快捷回复',
    messages: '对话消息',
    you: '我：',
    bot: '助手：',
    system: '系统消息：',
    collector: (name) => (name ? '客服 ' + name : '客服'),
  };

  const STATUS_TEXT = {
    bot: '智能助手',
    waiting_for_collector: '正在为您转接人工…',
    resolved: '对话已结束',
  };

  const ERROR_TEXT = {
    rate_limited: TEXT.rateLimited,
    too_many_requests: TEXT.rateLimited,
    message_too_long: TEXT.tooLong,
    too_long: TEXT.tooLong,
    payload_too_large: TEXT.tooLong,
    empty_message: TEXT.empty,
    empty: TEXT.empty,
  };

  const STATUS_CODE_TEXT = {
    400: '消息格式有误，请修改后重试',
    401: TEXT.authFailed,
    403: TEXT.authFailed,
    404: '对话已结束，请刷新页面后重试',
    409: '对话状态已变化，请稍后重试',
    413: TEXT.tooLong,
    422: '这条消息暂时无法发送，请修改后重试',
    429: TEXT.rateLimited,
  };

  const ICON_CHAT = 'M5 3h14a3 3 0 0 1 3 3v9a3 3 0 0 1-3 3h-7.6L6 21.6V18H5a3 3 0 0 1-3-3V6a3 3 0 0 1 3-3zm2 6.5a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z';
  const ICON_MINIMISE = 'M5 11h14v2H5z';

  let idCounter = 0;

  // ---------------------------------------------------------------------------
  // Small utilities
  // ---------------------------------------------------------------------------

  class NetworkError extends Error {
    constructor(cause) {
      super('network error');
      this.name = 'NetworkError';
      this.cause = cause;
    }
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
    if (children) {
      children.forEach((child) => {
        if (child === null || child === undefined) return;
        node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
      });
    }
    return node;
  }

  function svgIcon(pathData) {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('width', '24');
    svg.setAttribute('height', '24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    svg.setAttribute('class', 'kx-icon');
    const path = document.createElementNS(ns, 'path');
    path.setAttribute('d', pathData);
    path.setAttribute('fill', 'currentColor');
    svg.appendChild(path);
    return svg;
  }

  function randomId() {
    const c = window.crypto;
    if (c && typeof c.randomUUID === 'function') return c.randomUUID();
    if (c && typeof c.getRandomValues === 'function') {
      const bytes = c.getRandomValues(new Uint8Array(16));
      return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    }
    return Date.now().toString(36) + '-' + Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
  }

  function toSeq(value) {
    const n = Number(value);
    return Number.isInteger(n) && n > 0 ? n : 0;
  }

  /** Length in Unicode code points (what the server counts). */
  function charLength(text) {
    return Array.from(text).length;
  }

  function containsChinese(text) {
    return typeof text === 'string' && /[\u3400-\u9fff]/.test(text);
  }

  /** Two 32-bit FNV-1a passes with different seeds, as 16 hex chars. */
  function hashString(text) {
    let a = 0x811c9dc5;
    let b = 0x01000193 ^ 0x5bd1e995;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      a = Math.imul(a ^ code, 0x01000193) >>> 0;
      b = Math.imul(b ^ code, 0x01000193 + 0x2a) >>> 0;
    }
    return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
  }

  /** The `sub` claim of a JWT, without verifying it (only used as a storage key). */
  function jwtSubject(token) {
    const parts = String(token).split('.');
    if (parts.length !== 3) return null;
    try {
      let b64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
      while (b64.length % 4) b64 += '=';
      const binary = atob(b64);
      const bytes = Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
      const payload = JSON.parse(new TextDecoder().decode(bytes));
      const sub = payload && payload.sub;
      return typeof sub === 'string' || typeof sub === 'number' ? String(sub) : null;
    } catch (err) {
      return null;
    }
  }

  function storageKey(hub, borrowerToken) {
    const subject = jwtSubject(borrowerToken);
    const who = subject ? 'sub:' + subject : 'tok:' + hashString(String(borrowerToken));
    return STORAGE_PREFIX + hub + '|' + who;
  }

  function scriptOrigin(script) {
    try {
      return script && script.src ? new URL(script.src, location.href).origin : null;
    } catch (err) {
      return null;
    }
  }

  /** Origin plus optional path prefix, without a trailing slash. */
  function normaliseHub(hub) {
    const base = hub || scriptOrigin(SCRIPT) || location.origin;
    const url = new URL(String(base), location.href);
    return (url.origin + url.pathname).replace(/\/+$/, '');
  }

  function pad2(n) {
    return String(n).padStart(2, '0');
  }

  function sameDay(a, b) {
    return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
  }

  /** "HH:mm" today, otherwise with the date (and the year if not this year). */
  function formatStamp(date, now) {
    const hm = pad2(date.getHours()) + ':' + pad2(date.getMinutes());
    if (sameDay(date, now)) return hm;
    const md = date.getMonth() + 1 + '月' + date.getDate() + '日 ' + hm;
    return date.getFullYear() === now.getFullYear() ? md : date.getFullYear() + '年' + md;
  }

  function formatFull(date) {
    return date.getFullYear() + '年' + (date.getMonth() + 1) + '月' + date.getDate() + '日 ' +
      pad2(date.getHours()) + ':' + pad2(date.getMinutes()) + ':' + pad2(date.getSeconds());
  }

  function timeElement(iso) {
    const date = new Date(iso || Date.now());
    const valid = !Number.isNaN(date.getTime());
    const el = h('time', { className: 'kx-time' });
    if (valid) {
      el.setAttribute('datetime', date.toISOString());
      el.setAttribute('title', formatFull(date));
      el.textContent = formatStamp(date, new Date());
    }
    return el;
  }

  /** A Chinese sentence for a failed request or an error frame. */
  function describeError(status, data) {
    const code = data && typeof data.error === 'string' ? data.error : '';
    if (code && ERROR_TEXT[code]) return ERROR_TEXT[code];
    if (status === 429 || status === 413) return STATUS_CODE_TEXT[status];
    // The hub names the offending field: {"error": "invalid", "field": "text", ...}
    if (data && data.field === 'text' && status === 422) return TEXT.empty;
    if (data && containsChinese(data.message)) return data.message;
    if (STATUS_CODE_TEXT[status]) return STATUS_CODE_TEXT[status];
    return TEXT.genericError;
  }

  function isValidMessage(msg) {
    return Boolean(msg) && typeof msg === 'object' && toSeq(msg.seq) > 0;
  }

  function bySeq(a, b) {
    return toSeq(a.seq) - toSeq(b.seq);
  }

  async function httpJson(method, url, body, token, keepalive) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = 'Bearer ' + token;
    const controller = typeof AbortController === 'function' ? new AbortController() : null;
    const timer = controller ? setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS) : null;
    try {
      let response;
      try {
        response = await fetch(url, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          mode: 'cors',
          credentials: 'omit',
          cache: 'no-store',
          keepalive: keepalive === true,
          signal: controller ? controller.signal : undefined,
        });
      } catch (err) {
        throw new NetworkError(err);
      }
      let data = null;
      if (response.status !== 204) {
        let raw = '';
        try {
          raw = await response.text();
        } catch (err) {
          if (response.ok) throw new NetworkError(err);
        }
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

  /** localStorage with an in-memory fallback (private mode, sandboxed frames). */
  function createStore(key) {
    let memory = {};
    return {
      load() {
        try {
          const raw = window.localStorage.getItem(key);
          const parsed = raw ? JSON.parse(raw) : null;
          return parsed && typeof parsed === 'object' ? parsed : {};
        } catch (err) {
          return memory;
        }
      },
      save(value) {
        memory = value;
        try {
          window.localStorage.setItem(key, JSON.stringify(value));
        } catch (err) {
          // Quota or access denied: the in-memory copy still works for this page.
        }
      },
    };
  }

  /** Inject the widget stylesheet once; resolves when loaded (or given up). */
  function ensureStylesheet(hub) {
    const href = hub + '/static/widget.css';
    const existing = document.querySelector('link[data-kx-style]');
    if (existing) return Promise.resolve();
    return new Promise((resolve) => {
      const link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = href;
      link.setAttribute('data-kx-style', '');
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(done, STYLE_TIMEOUT_MS);
      link.addEventListener('load', done, { once: true });
      link.addEventListener('error', done, { once: true });
      (document.head || document.documentElement).appendChild(link);
    });
  }

  // ---------------------------------------------------------------------------
  // The widget
  // ---------------------------------------------------------------------------

  class Widget {
    constructor(options) {
      this.hub = normaliseHub(options.hub);
      this.wsBase = this.hub.replace(/^http(s?):/i, 'ws$1:');
      this.borrowerToken = String(options.borrowerToken);
      this.initialOpen = options.open === true;
      this.container = options.container || document.body;
      this.store = createStore(storageKey(this.hub, this.borrowerToken));
      this.saved = this.store.load();

      // Session
      this.sessionToken = null;
      this.conversationId = null;
      this.status = null;
      this.collectorName = null;
      this.fatal = false;
      this.destroyed = false;
      this.renewing = null;
      this.lastRenewAt = 0;
      this.bootAttempt = 0;
      this.booting = false;

      // Sequence bookkeeping
      this.lastSeq = 0; // highest seq the server delivered (GET, stream)
      this.readSeq = 0; // highest seq considered read
      this.readAcked = 0; // highest seq the server confirmed as read
      this.unreadSeed = 0; // the session response's `unread` on a fresh visit
      this.maxBorrowerSeq = 0;
      this.entries = new Map(); // seq -> { msg, el, provisional }
      this.pending = new Map(); // client_id -> outbox item
      this.seenClientIds = new Set();
      this.buttonGroups = [];
      this.outboxRestored = false;

      // Transport
      this.ws = null;
      this.wsAttempt = 0;
      this.wsOpenedAt = 0;
      this.reconnectTimer = null;
      this.pollTimer = null;
      this.connWarningTimer = null;
      this.httpChain = Promise.resolve();

      // UI
      this.isOpen = false;
      this.typingTimer = null;
      this.noticeTimer = null;
      this.readTimer = null;
      this.bootTimer = null;
      this.cleanups = [];
      this.rowParts = new WeakMap();
    }

    // ----- lifecycle -------------------------------------------------------

    init() {
      this.buildDom();
      this.bindEvents();
      ensureStylesheet(this.hub).then(() => {
        if (this.destroyed) return;
        this.root.hidden = false;
        if (this.initialOpen) this.open({ focus: !this.prefersNoAutoFocus() });
      });
      this.boot();
    }

    destroy() {
      this.flushRead();
      this.destroyed = true;
      this.closeSocket();
      [this.reconnectTimer, this.pollTimer, this.connWarningTimer, this.typingTimer, this.noticeTimer,
        this.readTimer, this.bootTimer].forEach((t) => clearTimeout(t));
      this.pending.forEach((item) => this.clearItemTimers(item));
      this.cleanups.forEach((fn) => fn());
      this.cleanups = [];
      if (this.root && this.root.parentNode) this.root.parentNode.removeChild(this.root);
    }

    listen(target, type, handler) {
      target.addEventListener(type, handler);
      this.cleanups.push(() => target.removeEventListener(type, handler));
    }

    prefersNoAutoFocus() {
      return typeof window.matchMedia === 'function' && window.matchMedia('(pointer: coarse)').matches;
    }

    // ----- DOM -------------------------------------------------------------

    buildDom() {
      idCounter += 1;
      const panelId = 'kx-panel-' + idCounter;
      const titleId = 'kx-title-' + idCounter;
      const inputId = 'kx-input-' + idCounter;

      this.badge = h('span', { className: 'kx-badge', 'data-testid': 'kx-badge', 'aria-hidden': 'true', hidden: true });
      this.launcher = h('button', {
        type: 'button',
        className: 'kx-launcher',
        'data-testid': 'kx-launcher',
        'aria-label': TEXT.launcher,
        'aria-expanded': 'false',
        'aria-controls': panelId,
      }, [svgIcon(ICON_CHAT), h('span', { className: 'kx-launcher-caption', text: TEXT.launcherCaption }), this.badge]);

      this.statusEl = h('p', { className: 'kx-status', 'data-testid': 'kx-status', role: 'status', text: TEXT.connecting });
      this.connEl = h('p', { className: 'kx-conn', hidden: true, text: TEXT.reconnecting });
      this.minimiseBtn = h('button', {
        type: 'button',
        className: 'kx-icon-btn kx-minimise',
        'data-testid': 'kx-minimise',
        'aria-label': TEXT.minimise,
        title: TEXT.minimise,
      }, [svgIcon(ICON_MINIMISE)]);
      const header = h('div', { className: 'kx-header' }, [
        h('div', { className: 'kx-avatar', 'aria-hidden': 'true', text: '宽' }),
        h('div', { className: 'kx-header-text' }, [
          h('h2', { className: 'kx-title', id: titleId, text: TEXT.title }),
          this.statusEl,
        ]),
        this.minimiseBtn,
      ]);

      this.welcomeEl = h('p', { className: 'kx-welcome', text: TEXT.welcome });
      this.log = h('div', {
        className: 'kx-messages',
        role: 'log',
        'aria-live': 'polite',
        'aria-relevant': 'additions',
        'aria-label': TEXT.messages,
        'data-testid': 'kx-messages',
      });
      this.typingEl = h('div', {
        className: 'kx-typing',
        'data-testid': 'kx-typing',
        role: 'status',
        'aria-label': TEXT.typing,
        hidden: true,
      }, [
        h('span', { className: 'kx-sr-only', text: TEXT.typing }),
        h('span', { className: 'kx-dot', 'aria-hidden': 'true' }),
        h('span', { className: 'kx-dot', 'aria-hidden': 'true' }),
        h('span', { className: 'kx-dot', 'aria-hidden': 'true' }),
      ]);
      this.scroller = h('div', { className: 'kx-scroll' }, [this.welcomeEl, this.log, this.typingEl]);

      this.noticeEl = h('div', { className: 'kx-notice', 'data-testid': 'kx-notice', role: 'status', 'aria-live': 'polite', hidden: true });

      this.input = h('textarea', {
        id: inputId,
        className: 'kx-input',
        'data-testid': 'kx-input',
        rows: '1',
        placeholder: TEXT.placeholder,
        'aria-label': TEXT.inputLabel,
        autocomplete: 'off',
        enterkeyhint: 'send',
      });
      this.counterEl = h('span', { className: 'kx-counter', 'aria-live': 'polite', hidden: true });
      this.sendBtn = h('button', {
        type: 'submit',
        className: 'kx-send',
        'data-testid': 'kx-send',
        'aria-label': TEXT.sendLabel,
        text: TEXT.send,
      });
      this.form = h('form', { className: 'kx-composer', novalidate: true }, [
        h('div', { className: 'kx-input-wrap' }, [this.input, this.counterEl]),
        this.sendBtn,
      ]);

      this.panel = h('div', {
        id: panelId,
        className: 'kx-panel',
        'data-testid': 'kx-panel',
        role: 'dialog',
        'aria-modal': 'false',
        'aria-labelledby': titleId,
        hidden: true,
      }, [header, this.connEl, this.scroller, this.noticeEl, this.form]);

      this.root = h('div', { className: 'kx-root', lang: 'zh-CN', 'data-kx-widget': '', hidden: true }, [this.panel, this.launcher]);
      this.container.appendChild(this.root);
    }

    bindEvents() {
      this.listen(this.launcher, 'click', () => this.toggle());
      this.listen(this.minimiseBtn, 'click', () => this.close({ restoreFocus: true }));
      this.listen(this.panel, 'keydown', (event) => {
        if (event.key === 'Escape' && !event.isComposing) {
          event.preventDefault();
          this.close({ restoreFocus: true });
        }
      });
      this.listen(this.form, 'submit', (event) => {
        event.preventDefault();
        this.submitInput();
      });
      this.listen(this.input, 'keydown', (event) => this.onInputKeydown(event));
      this.listen(this.input, 'input', () => {
        this.autosize();
        this.updateCounter();
      });
      this.listen(window, 'online', () => this.onOnline());
      this.listen(window, 'offline', () => this.onSocketDown());
      this.listen(document, 'visibilitychange', () => this.onVisibilityChange());
      this.listen(window, 'pagehide', () => this.flushRead());
    }

    onInputKeydown(event) {
      if (event.key !== 'Enter' || event.shiftKey) return;
      // Never send while an IME (Chinese input) is composing.
      if (event.isComposing || event.keyCode === 229) return;
      event.preventDefault();
      this.submitInput();
    }

    autosize() {
      this.input.style.height = 'auto';
      this.input.style.height = Math.min(this.input.scrollHeight, 132) + 'px';
    }

    updateCounter() {
      const length = charLength(this.input.value);
      const show = length >= COUNTER_FROM;
      this.counterEl.hidden = !show;
      if (show) this.counterEl.textContent = length + '/' + MAX_CHARS;
      this.counterEl.classList.toggle('kx-over', length > MAX_CHARS);
    }

    // ----- open / close ----------------------------------------------------

    open(opts) {
      const focus = !opts || opts.focus !== false;
      this.isOpen = true;
      this.panel.hidden = false;
      this.root.classList.add('kx-is-open');
      this.launcher.setAttribute('aria-expanded', 'true');
      this.scrollToBottom();
      if (focus) this.input.focus();
      this.maybeMarkRead();
      this.updateBadge();
    }

    close(opts) {
      const hadFocus = this.panel.contains(document.activeElement);
      this.isOpen = false;
      this.panel.hidden = true;
      this.root.classList.remove('kx-is-open');
      this.launcher.setAttribute('aria-expanded', 'false');
      this.updateBadge();
      if (opts && opts.restoreFocus && hadFocus) this.launcher.focus();
    }

    toggle() {
      if (this.isOpen) this.close({ restoreFocus: false });
      else this.open();
    }

    // ----- boot & session --------------------------------------------------

    async boot() {
      if (this.booting) return;
      this.booting = true;
      try {
        this.setStatusText(TEXT.connecting);
        const result = await this.openSession(false);
        if (this.destroyed || result === 'fatal') return;
        if (result !== 'ok' && !this.adoptSavedSession()) {
          this.scheduleBoot();
          return;
        }
        await this.loadHistory();
        if (this.destroyed) return;
        this.restoreOutbox();
        this.connect();
        this.pump();
      } finally {
        this.booting = false;
      }
    }

    /** Skip the remaining boot back-off (network back, borrower tapped retry). */
    bootNow() {
      if (this.fatal || this.destroyed || this.booting || this.sessionToken) return;
      clearTimeout(this.bootTimer);
      this.bootTimer = null;
      this.bootAttempt = 0;
      this.boot();
    }

    scheduleBoot() {
      this.showConnWarning(true);
      const delay = BACKOFF_MS[Math.min(this.bootAttempt, BACKOFF_MS.length - 1)];
      this.bootAttempt += 1;
      this.bootTimer = setTimeout(() => {
        this.bootTimer = null;
        if (!this.destroyed) this.boot();
      }, delay);
    }

    /** POST /api/widget/sessions. Returns 'ok' | 'fatal' | 'retry'. */
    async openSession(renewal) {
      let res;
      try {
        res = await this.api('POST', '/api/widget/sessions', { borrower_token: this.borrowerToken }, null);
      } catch (err) {
        return 'retry';
      }
      if (res.status === 401 || res.status === 403) {
        this.fail(TEXT.authFailed);
        return 'fatal';
      }
      if (!res.ok || !res.data || !res.data.session_token) {
        if (res.status >= 400 && res.status < 500 && res.status !== 429 && res.status !== 408) {
          this.fail(describeError(res.status, res.data) || TEXT.unavailable);
          return 'fatal';
        }
        return 'retry';
      }
      this.applySession(res.data, renewal);
      return 'ok';
    }

    /** Offline fallback: reuse the persisted session until the network is back. */
    adoptSavedSession() {
      if (!this.saved.session_token || this.sessionToken) return Boolean(this.sessionToken);
      this.sessionToken = this.saved.session_token;
      this.conversationId = this.saved.conversation_id || null;
      this.readSeq = toSeq(this.saved.read_seq);
      this.readAcked = this.readSeq;
      this.setStatus(this.saved.status || 'bot', this.saved.collector_name);
      return true;
    }

    applySession(data, renewal) {
      const changed = this.conversationId !== null && data.conversation_id !== this.conversationId;
      if (changed) this.resetConversation();
      this.sessionToken = data.session_token;
      this.conversationId = data.conversation_id;
      const sameAsSaved = this.saved.conversation_id === data.conversation_id;
      const serverRead = toSeq(data.last_read_seq);
      this.readSeq = Math.max(this.readSeq, serverRead, sameAsSaved ? toSeq(this.saved.read_seq) : 0);
      this.readAcked = Math.max(this.readAcked, serverRead);
      if (!renewal) this.unreadSeed = Math.max(0, Number(data.unread) || 0);
      this.setStatus(data.status || this.status || 'bot', data.collector_name);
      this.showConnWarning(false);
      if (changed) this.showNotice(TEXT.newConversation);
      this.persist();
      return changed;
    }

    /** Get a fresh session token with the borrower token (expired token, closed conversation). */
    renewSession() {
      if (this.renewing) return this.renewing;
      if (Date.now() - this.lastRenewAt < RENEW_MIN_INTERVAL_MS) return Promise.resolve(false);
      this.lastRenewAt = Date.now();
      const previousConversation = this.conversationId;
      this.renewing = (async () => {
        try {
          const result = await this.openSession(true);
          if (result !== 'ok' || this.destroyed) return false;
          if (this.conversationId !== previousConversation) await this.loadHistory();
          this.reconnect();
          this.pump();
          return true;
        } finally {
          this.renewing = null;
        }
      })();
      return this.renewing;
    }

    fail(message) {
      this.fatal = true;
      this.closeSocket();
      clearTimeout(this.pollTimer);
      clearTimeout(this.reconnectTimer);
      this.pollTimer = null;
      this.reconnectTimer = null;
      this.showConnWarning(false);
      this.setStatusText(STATUS_TEXT[this.status] || '连接已断开');
      this.showNotice(message, true);
    }

    resetConversation() {
      this.entries.forEach((entry) => entry.el.remove());
      this.entries.clear();
      this.buttonGroups = [];
      this.seenClientIds.clear();
      this.lastSeq = 0;
      this.readSeq = 0;
      this.readAcked = 0;
      this.maxBorrowerSeq = 0;
      this.unreadSeed = 0;
      this.setTyping(false);
      this.closeSocket();
      this.updateWelcome();
    }

    api(method, path, body, token, keepalive) {
      return httpJson(method, this.hub + path, body, token, keepalive);
    }

    // ----- history & polling -----------------------------------------------

    /** GET every message after lastSeq (0 on first load). Returns true on success. */
    async loadHistory() {
      let after = this.lastSeq;
      for (let page = 0; page < HISTORY_MAX_PAGES; page++) {
        let res;
        try {
          res = await this.api('GET', '/api/widget/messages?after=' + after, undefined, this.sessionToken);
        } catch (err) {
          return false;
        }
        if (this.destroyed || !res.ok || !res.data || !Array.isArray(res.data.messages)) return false;
        const messages = res.data.messages;
        this.ingestMany(messages);
        const more = res.data.has_more === true || messages.length >= HISTORY_PAGE_SIZE;
        if (!more || messages.length === 0) return true;
        after = Math.max(after, ...messages.map((m) => toSeq(m.seq)));
      }
      return true;
    }

    startPolling() {
      if (this.pollTimer || this.fatal || this.destroyed) return;
      this.pollTimer = setTimeout(() => this.pollOnce(), POLL_INTERVAL_MS);
    }

    stopPolling() {
      clearTimeout(this.pollTimer);
      this.pollTimer = null;
    }

    /** While the socket is down, fetch new messages over HTTP so nothing waits on it. */
    async pollOnce() {
      this.pollTimer = null;
      if (this.destroyed || this.fatal || this.isSocketOpen() || !this.sessionToken) return;
      let res = null;
      try {
        res = await this.api('GET', '/api/widget/messages?after=' + this.lastSeq, undefined, this.sessionToken);
      } catch (err) {
        res = null;
      }
      if (this.destroyed) return;
      if (res && res.ok && res.data && Array.isArray(res.data.messages)) {
        this.ingestMany(res.data.messages);
        this.retryFailed();
      } else if (res && res.status === 401) {
        await this.renewSession();
      }
      if (!this.isSocketOpen()) this.startPolling();
    }

    // ----- WebSocket -------------------------------------------------------

    isSocketOpen() {
      return Boolean(this.ws) && this.ws.readyState === WebSocket.OPEN;
    }

    connect() {
      if (this.destroyed || this.fatal || !this.sessionToken || typeof WebSocket !== 'function') {
        this.startPolling();
        return;
      }
      if (this.ws && (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)) return;
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
      const url = this.wsBase + '/api/widget/stream?token=' + encodeURIComponent(this.sessionToken) +
        '&after=' + this.lastSeq;
      let ws;
      try {
        ws = new WebSocket(url);
      } catch (err) {
        this.onSocketDown();
        this.scheduleReconnect();
        return;
      }
      this.ws = ws;
      ws.addEventListener('open', () => {
        if (this.ws === ws) this.onSocketOpen();
      });
      ws.addEventListener('message', (event) => {
        if (this.ws === ws) this.onFrame(event.data);
      });
      ws.addEventListener('close', (event) => {
        if (this.ws === ws) this.onSocketClose(event);
      });
      // 'error' is always followed by 'close'; nothing to do here.
      ws.addEventListener('error', () => {});
    }

    /** Close the current socket (e.g. new token) and connect again right away. */
    reconnect() {
      this.closeSocket();
      this.wsAttempt = 0;
      this.connect();
    }

    closeSocket() {
      const ws = this.ws;
      this.ws = null;
      if (ws && ws.readyState !== WebSocket.CLOSED && ws.readyState !== WebSocket.CLOSING) {
        try {
          ws.close(1000, 'client closing');
        } catch (err) {
          // Already closing.
        }
      }
      this.requeueSocketSends();
    }

    onSocketOpen() {
      // The poll timer is left alone: pollOnce() stops by itself while the
      // socket is open, so a socket that keeps dropping can't starve polling.
      this.wsOpenedAt = Date.now();
      this.showConnWarning(false);
      this.retryFailed();
      this.pump();
    }

    onSocketClose(event) {
      this.ws = null;
      if (this.wsOpenedAt && Date.now() - this.wsOpenedAt >= STABLE_SOCKET_MS) this.wsAttempt = 0;
      this.wsOpenedAt = 0;
      this.onSocketDown();
      if (this.destroyed || this.fatal) return;
      if (CLOSE_CODES_AUTH.indexOf(event.code) !== -1) {
        this.renewSession().then((renewed) => {
          if (!renewed) this.scheduleReconnect();
        });
        return;
      }
      this.scheduleReconnect();
    }

    /** The link is (probably) down: fall back to HTTP for sends and fetches. */
    onSocketDown() {
      if (this.destroyed || this.fatal) return;
      if (!this.isSocketOpen()) {
        this.requeueSocketSends();
        this.startPolling();
        if (!this.connWarningTimer && this.connEl.hidden) {
          this.connWarningTimer = setTimeout(() => {
            this.connWarningTimer = null;
            if (!this.isSocketOpen() && !this.fatal) this.showConnWarning(true);
          }, CONN_WARNING_DELAY_MS);
        }
        this.pump();
      }
    }

    scheduleReconnect() {
      if (this.destroyed || this.fatal || this.reconnectTimer) return;
      const delay = BACKOFF_MS[Math.min(this.wsAttempt, BACKOFF_MS.length - 1)];
      this.wsAttempt += 1;
      this.reconnectTimer = setTimeout(() => {
        this.reconnectTimer = null;
        this.connect();
      }, delay);
    }

    connectNow() {
      if (this.fatal || this.destroyed || !this.sessionToken) return;
      if (this.ws && this.ws.readyState !== WebSocket.CLOSED) return;
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
      this.connect();
    }

    onOnline() {
      if (!this.sessionToken) {
        this.bootNow();
        return;
      }
      this.connectNow();
      this.retryFailed();
    }

    onVisibilityChange() {
      if (document.visibilityState !== 'visible') {
        this.flushRead();
        return;
      }
      this.maybeMarkRead();
      this.updateBadge();
      this.connectNow();
    }

    showConnWarning(show) {
      if (!show) {
        clearTimeout(this.connWarningTimer);
        this.connWarningTimer = null;
      }
      this.connEl.hidden = !show;
    }

    onFrame(raw) {
      let frame;
      try {
        frame = JSON.parse(raw);
      } catch (err) {
        return;
      }
      if (!frame || typeof frame !== 'object') return;
      switch (frame.type) {
        case 'message':
          this.ingestMany([frame.message]);
          break;
        case 'typing':
          this.setTyping(frame.on === true);
          break;
        case 'status':
          this.setStatus(frame.status, frame.collector_name);
          break;
        case 'error':
          this.onErrorFrame(frame);
          break;
        default:
          break;
      }
    }

    onErrorFrame(frame) {
      const code = typeof frame.error === 'string' ? frame.error : '';
      if (AUTH_ERROR_CODES.indexOf(code) !== -1) {
        this.renewSession();
        return;
      }
      const item = frame.client_id !== undefined && frame.client_id !== null ? this.pending.get(String(frame.client_id)) : null;
      const rateLimited = code === 'rate_limited' || code === 'too_many_requests';
      if (item) {
        this.clearItemTimers(item);
        if (rateLimited) {
          this.setItemState(item, 'failed');
          this.scheduleItemRetry(item, frame.retry_after);
        } else {
          this.setItemState(item, 'rejected');
        }
      }
      this.showNotice(describeError(rateLimited ? 429 : 0, frame));
    }

    // ----- incoming messages -----------------------------------------------

    /** Render server messages (deduplicated by seq) and update everything that depends on them. */
    ingestMany(messages) {
      const list = (Array.isArray(messages) ? messages : []).filter(isValidMessage).slice().sort(bySeq);
      if (list.length === 0) return;
      const wasNearBottom = this.isNearBottom();
      let added = false;
      let ownAdded = false;
      list.forEach((msg) => {
        const result = this.ingest(msg);
        if (result) {
          added = true;
          if (msg.sender_type === 'borrower') ownAdded = true;
        }
      });
      if (added) {
        this.updateWelcome();
        if (wasNearBottom || ownAdded) this.scrollToBottom();
      }
      this.maybeMarkRead();
      this.updateBadge();
      this.persist();
    }

    /** Returns true when a new row was added to the log. */
    ingest(msg) {
      if (msg.internal) return false;
      const seq = toSeq(msg.seq);
      if (seq > this.lastSeq) this.lastSeq = seq;
      if (msg.client_id !== undefined && msg.client_id !== null) this.seenClientIds.add(String(msg.client_id));

      const existing = this.entries.get(seq);
      if (existing) {
        if (existing.provisional) {
          this.fillRow(existing.el, msg);
          existing.msg = msg;
          existing.provisional = false;
        }
        return false;
      }

      let row = null;
      if (msg.sender_type === 'borrower') {
        const item = this.matchPending(msg);
        if (item) row = this.promotePending(item, msg);
      }
      if (!row) row = this.buildMessageRow(msg);
      this.entries.set(seq, { msg, el: row, provisional: false });
      this.placeRow(row, seq);

      if (msg.sender_type === 'borrower') {
        this.maxBorrowerSeq = Math.max(this.maxBorrowerSeq, seq);
        this.disableButtonGroups(seq);
      } else if (msg.sender_type === 'bot' || msg.sender_type === 'collector') {
        this.setTyping(false);
      }
      return true;
    }

    /** The optimistic bubble a server borrower message confirms, if any. */
    matchPending(msg) {
      if (msg.client_id !== undefined && msg.client_id !== null) {
        return this.pending.get(String(msg.client_id)) || null;
      }
      // Servers that don't echo client_id: match an in-flight bubble by text.
      const text = String(msg.text || '').trim();
      for (const item of this.pending.values()) {
        if (item.state === 'sending' && (item.text.trim() === text || item.display.trim() === text)) return item;
      }
      return null;
    }

    promotePending(item, msg) {
      this.clearItemTimers(item);
      this.pending.delete(item.clientId);
      this.fillRow(item.el, msg);
      this.persistOutbox();
      return item.el;
    }

    /** POST accepted with a seq before the echo arrived: pin the bubble to that seq. */
    onPostAccepted(item, seq) {
      if (!this.pending.has(item.clientId)) return;
      this.clearItemTimers(item);
      this.pending.delete(item.clientId);
      const existing = this.entries.get(seq);
      if (existing) {
        if (existing.el !== item.el) item.el.remove();
      } else {
        const msg = {
          seq,
          sender_type: 'borrower',
          text: item.display,
          buttons: [],
          created_at: item.createdAt,
          sender_name: null,
          client_id: item.clientId,
        };
        this.fillRow(item.el, msg);
        this.entries.set(seq, { msg, el: item.el, provisional: true });
        this.placeRow(item.el, seq);
        this.maxBorrowerSeq = Math.max(this.maxBorrowerSeq, seq);
        this.disableButtonGroups(seq);
      }
      this.persistOutbox();
    }

    /** Keep rows ordered by seq; unconfirmed (pending) rows stay at the end. */
    placeRow(row, seq) {
      let ref = null;
      for (let node = this.log.lastElementChild; node; node = node.previousElementSibling) {
        if (node === row) continue;
        const nodeSeq = node.hasAttribute('data-seq') ? Number(node.getAttribute('data-seq')) : Infinity;
        if (nodeSeq > seq) ref = node;
        else break;
      }
      if (ref) {
        if (row.parentNode !== this.log || row.nextElementSibling !== ref) this.log.insertBefore(row, ref);
      } else if (row.parentNode !== this.log || this.log.lastElementChild !== row) {
        this.log.appendChild(row);
      }
    }

    // ----- rendering -------------------------------------------------------

    senderOf(msg) {
      return SENDERS.indexOf(msg.sender_type) !== -1 ? msg.sender_type : 'system';
    }

    srPrefix(sender) {
      if (sender === 'borrower') return TEXT.you;
      if (sender === 'bot') return TEXT.bot;
      if (sender === 'system') return TEXT.system;
      return null;
    }

    /** Common row skeleton; parts are remembered for later updates. */
    buildRow(sender, senderName) {
      const row = h('div', { className: 'kx-msg kx-from-' + sender, 'data-testid': 'kx-message', 'data-sender': sender });
      const prefix = this.srPrefix(sender);
      const label = sender === 'collector'
        ? h('div', { className: 'kx-sender', text: TEXT.collector(senderName) })
        : null;
      const textEl = h('div', { className: 'kx-text', 'data-testid': 'kx-message-text' });
      const bubble = h('div', { className: 'kx-bubble' }, [prefix ? h('span', { className: 'kx-sr-only', text: prefix }) : null, textEl]);
      const meta = h('div', { className: 'kx-meta' });
      const timeEl = timeElement(null);
      meta.appendChild(timeEl);
      if (label) row.appendChild(label);
      row.appendChild(bubble);
      row.appendChild(meta);
      this.rowParts.set(row, { textEl, meta, timeEl, stateEl: null, bubble });
      return row;
    }

    buildMessageRow(msg) {
      const sender = this.senderOf(msg);
      const row = this.buildRow(sender, msg.sender_name);
      this.fillRow(row, msg);
      if (sender !== 'borrower' && Array.isArray(msg.buttons) && msg.buttons.length > 0) {
        const group = this.buildButtons(msg);
        if (group) row.appendChild(group);
      }
      return row;
    }

    /** Make a row show a server message (text, time, seq) and drop any send state. */
    fillRow(row, msg) {
      const parts = this.rowParts.get(row);
      row.setAttribute('data-seq', String(toSeq(msg.seq)));
      row.classList.remove('kx-pending', 'kx-failed');
      row.removeAttribute('data-state');
      if (msg.client_id !== undefined && msg.client_id !== null) row.setAttribute('data-client-id', String(msg.client_id));
      if (typeof msg.text === 'string' && parts.textEl.textContent !== msg.text) parts.textEl.textContent = msg.text;
      const newTime = timeElement(msg.created_at);
      parts.meta.replaceChild(newTime, parts.timeEl);
      parts.timeEl = newTime;
      if (parts.stateEl) {
        parts.stateEl.remove();
        parts.stateEl = null;
      }
    }

    buildPendingRow(item) {
      const row = this.buildRow('borrower', null);
      const parts = this.rowParts.get(row);
      row.classList.add('kx-pending');
      row.setAttribute('data-client-id', item.clientId);
      parts.textEl.textContent = item.display;
      const newTime = timeElement(item.createdAt);
      parts.meta.replaceChild(newTime, parts.timeEl);
      parts.timeEl = newTime;
      parts.bubble.addEventListener('click', () => {
        if (item.state === 'failed' || item.state === 'rejected') this.retryItem(item);
      });
      return row;
    }

    buildButtons(msg) {
      const buttons = msg.buttons.filter((b) => b && (b.title !== undefined || b.payload !== undefined));
      if (buttons.length === 0) return null;
      const group = h('div', { className: 'kx-quick-replies', role: 'group', 'aria-label': TEXT.quickReplies });
      const entry = { seq: toSeq(msg.seq), el: group, disabled: false };
      buttons.forEach((b) => {
        const title = String(b.title !== undefined && b.title !== null ? b.title : b.payload);
        const payload = String(b.payload !== undefined && b.payload !== null ? b.payload : b.title);
        const btn = h('button', { type: 'button', className: 'kx-quick', 'data-testid': 'kx-button', text: title });
        btn.addEventListener('click', () => this.onQuickReply(entry, btn, title, payload));
        group.appendChild(btn);
      });
      this.buttonGroups.push(entry);
      if (this.maxBorrowerSeq > entry.seq) this.disableGroup(entry);
      return group;
    }

    onQuickReply(entry, btn, title, payload) {
      if (entry.disabled) return;
      if (this.fatal) {
        this.showNotice(TEXT.authFailed, true);
        return;
      }
      btn.classList.add('kx-chosen');
      btn.setAttribute('aria-pressed', 'true');
      this.disableGroup(entry);
      this.enqueue(payload, title);
      this.input.focus();
    }

    disableGroup(entry) {
      entry.disabled = true;
      entry.el.classList.add('kx-used');
      Array.from(entry.el.querySelectorAll('button')).forEach((btn) => {
        btn.disabled = true;
      });
    }

    /** Quick replies go stale once the borrower has said something after them. */
    disableButtonGroups(beforeSeq) {
      this.buttonGroups.forEach((entry) => {
        if (!entry.disabled && entry.seq < beforeSeq) this.disableGroup(entry);
      });
    }

    updateWelcome() {
      this.welcomeEl.hidden = this.log.childElementCount > 0;
    }

    setTyping(on) {
      clearTimeout(this.typingTimer);
      this.typingTimer = null;
      const wasNearBottom = this.isNearBottom();
      this.typingEl.hidden = !on;
      if (on) {
        this.typingTimer = setTimeout(() => this.setTyping(false), TYPING_TIMEOUT_MS);
        if (wasNearBottom) this.scrollToBottom();
      }
    }

    setStatus(status, collectorName) {
      const known = status === 'bot' || status === 'waiting_for_collector' || status === 'with_collector' || status === 'resolved';
      const next = known ? status : 'bot';
      if (next === 'with_collector') {
        this.collectorName = collectorName || (this.status === 'with_collector' ? this.collectorName : null);
      } else {
        this.collectorName = null;
      }
      this.status = next;
      this.root.setAttribute('data-status', next);
      if (next === 'with_collector') {
        this.setStatusText(this.collectorName ? '客服 ' + this.collectorName + ' 已加入对话' : '人工客服已加入对话');
      } else {
        this.setStatusText(STATUS_TEXT[next]);
      }
      if (next !== 'bot') this.setTyping(false);
      this.persist();
    }

    setStatusText(text) {
      if (this.statusEl.textContent !== text) this.statusEl.textContent = text;
    }

    showNotice(text, sticky) {
      clearTimeout(this.noticeTimer);
      this.noticeTimer = null;
      this.noticeEl.textContent = text;
      this.noticeEl.hidden = false;
      if (!sticky) this.noticeTimer = setTimeout(() => this.hideNotice(), NOTICE_MS);
    }

    hideNotice() {
      if (this.fatal) return;
      this.noticeEl.hidden = true;
      this.noticeEl.textContent = '';
    }

    isNearBottom() {
      const s = this.scroller;
      return s.scrollHeight - s.scrollTop - s.clientHeight < NEAR_BOTTOM_PX;
    }

    scrollToBottom() {
      this.scroller.scrollTop = this.scroller.scrollHeight;
    }

    // ----- unread & read receipts ------------------------------------------

    unreadCount() {
      let count = 0;
      this.entries.forEach((entry, seq) => {
        if (seq > this.readSeq && entry.msg.sender_type !== 'borrower') count += 1;
      });
      return Math.max(count, this.unreadSeed);
    }

    updateBadge() {
      const count = this.isOpen ? 0 : this.unreadCount();
      this.badge.hidden = count === 0;
      this.badge.textContent = count > 99 ? '99+' : String(count);
      let label = TEXT.launcher;
      if (this.isOpen) label = TEXT.launcherOpen;
      else if (count > 0) label = TEXT.launcherUnread(count);
      this.launcher.setAttribute('aria-label', label);
    }

    /** Send a pending read receipt now (page being left or widget unmounted). */
    flushRead() {
      clearTimeout(this.readTimer);
      this.readTimer = null;
      if (this.readSeq > this.readAcked) this.postRead(true);
    }

    /** When the panel is open and the page visible, everything shown is read. */
    maybeMarkRead() {
      if (!this.isOpen || document.visibilityState === 'hidden' || !this.sessionToken) return;
      this.unreadSeed = 0;
      if (this.lastSeq > this.readSeq) this.readSeq = this.lastSeq;
      if (this.readSeq > this.readAcked && !this.readTimer) {
        this.readTimer = setTimeout(() => {
          this.readTimer = null;
          this.postRead();
        }, READ_DEBOUNCE_MS);
      }
      this.persist();
    }

    async postRead(keepalive) {
      const seq = this.readSeq;
      if (seq <= this.readAcked || !this.sessionToken) return;
      try {
        const res = await this.api('POST', '/api/widget/read', { seq }, this.sessionToken, keepalive === true);
        if (res.ok) this.readAcked = Math.max(this.readAcked, seq);
      } catch (err) {
        // Retried with the next maybeMarkRead().
      }
    }

    // ----- outgoing messages -----------------------------------------------

    submitInput() {
      const text = this.input.value.replace(/\r\n?/g, '\n').trim();
      if (!text) {
        this.showNotice(TEXT.empty);
        this.input.focus();
        return;
      }
      if (charLength(text) > MAX_CHARS) {
        this.showNotice(TEXT.tooLong);
        this.input.focus();
        return;
      }
      if (this.fatal) {
        this.showNotice(TEXT.authFailed, true);
        return;
      }
      this.input.value = '';
      this.autosize();
      this.updateCounter();
      if (this.noticeEl.textContent === TEXT.empty || this.noticeEl.textContent === TEXT.tooLong) this.hideNotice();
      this.enqueue(text, text);
      this.input.focus();
    }

    /** Show the borrower's message at once and queue it for delivery. */
    enqueue(text, display, restored) {
      const item = {
        clientId: restored ? restored.clientId : randomId(),
        text,
        display,
        createdAt: restored ? restored.createdAt : new Date().toISOString(),
        state: 'queued',
        via: null,
        forceHttp: false,
        ackTimer: null,
        retryTimer: null,
        el: null,
      };
      item.el = this.buildPendingRow(item);
      this.pending.set(item.clientId, item);
      this.log.appendChild(item.el);
      this.setItemState(item, restored && restored.hold ? 'rejected' : 'queued');
      this.disableButtonGroups(Infinity);
      this.updateWelcome();
      this.scrollToBottom();
      this.persistOutbox();
      this.pump();
      return item;
    }

    setItemState(item, state) {
      item.state = state;
      const row = item.el;
      const parts = this.rowParts.get(row);
      if (!parts || !this.pending.has(item.clientId)) return;
      row.setAttribute('data-state', state);
      const failed = state === 'failed' || state === 'rejected';
      row.classList.toggle('kx-failed', failed);
      if (parts.stateEl) parts.stateEl.remove();
      if (failed) {
        const retry = h('button', { type: 'button', className: 'kx-retry', 'data-testid': 'kx-retry', text: TEXT.failed });
        retry.addEventListener('click', (event) => {
          event.stopPropagation();
          this.retryItem(item);
        });
        parts.stateEl = retry;
      } else {
        parts.stateEl = h('span', { className: 'kx-state', text: TEXT.sending });
      }
      parts.meta.appendChild(parts.stateEl);
    }

    clearItemTimers(item) {
      clearTimeout(item.ackTimer);
      clearTimeout(item.retryTimer);
      item.ackTimer = null;
      item.retryTimer = null;
    }

    retryItem(item) {
      if (!this.pending.has(item.clientId)) return;
      if (this.fatal) {
        this.showNotice(TEXT.authFailed, true);
        return;
      }
      this.clearItemTimers(item);
      this.setItemState(item, 'queued');
      this.persistOutbox();
      if (!this.sessionToken) {
        this.bootNow();
        return;
      }
      if (!this.isSocketOpen()) this.connectNow();
      this.pump();
    }

    /** Network is back: resend what failed for network reasons (not rejections). */
    retryFailed() {
      let any = false;
      this.pending.forEach((item) => {
        if (item.state === 'failed' && !item.retryTimer) {
          this.setItemState(item, 'queued');
          any = true;
        }
      });
      if (any) this.pump();
    }

    scheduleItemRetry(item, retryAfter) {
      const seconds = Number(retryAfter);
      const delay = Math.max(3000, Number.isFinite(seconds) ? seconds * 1000 : 5000);
      clearTimeout(item.retryTimer);
      item.retryTimer = setTimeout(() => {
        item.retryTimer = null;
        if (this.pending.has(item.clientId) && item.state === 'failed') {
          this.setItemState(item, 'queued');
          this.pump();
        }
      }, delay);
    }

    /** Send every queued message, over the socket when open, else over HTTP (in order). */
    pump() {
      if (!this.sessionToken || this.destroyed || this.fatal) return;
      this.pending.forEach((item) => {
        if (item.state !== 'queued') return;
        if (this.isSocketOpen() && !item.forceHttp) this.sendViaSocket(item);
        else this.sendViaHttp(item);
      });
    }

    sendViaSocket(item) {
      try {
        this.ws.send(JSON.stringify({ type: 'message', text: item.text, client_id: item.clientId }));
      } catch (err) {
        this.sendViaHttp(item);
        return;
      }
      item.via = 'ws';
      this.setItemState(item, 'sending');
      clearTimeout(item.ackTimer);
      // No echo in time: fall back to the (idempotent) POST, which returns the seq.
      item.ackTimer = setTimeout(() => {
        item.ackTimer = null;
        if (this.pending.has(item.clientId) && item.state === 'sending' && item.via === 'ws') {
          item.forceHttp = true;
          this.setItemState(item, 'queued');
          this.pump();
        }
      }, ACK_TIMEOUT_MS);
    }

    /** Socket went away with messages in flight: queue them again (same client_id). */
    requeueSocketSends() {
      this.pending.forEach((item) => {
        if (item.state === 'sending' && item.via === 'ws') {
          clearTimeout(item.ackTimer);
          item.ackTimer = null;
          this.setItemState(item, 'queued');
        }
      });
    }

    sendViaHttp(item) {
      item.via = 'http';
      this.setItemState(item, 'sending');
      this.httpChain = this.httpChain.then(() => this.postMessage(item)).catch(() => {});
    }

    async postMessage(item) {
      if (!this.pending.has(item.clientId) || this.destroyed || item.state !== 'sending' || item.via !== 'http') return;
      item.forceHttp = false;
      const conversationBefore = this.conversationId;
      let res;
      try {
        res = await this.api('POST', '/api/widget/messages', { text: item.text, client_id: item.clientId }, this.sessionToken);
      } catch (err) {
        this.setItemState(item, 'failed');
        this.showNotice(TEXT.offlineQueued);
        return;
      }
      if (!this.pending.has(item.clientId) || this.destroyed) return;
      if (res.ok) {
        const seq = res.data ? toSeq(res.data.seq) : 0;
        if (seq) this.onPostAccepted(item, seq);
        else this.awaitEcho(item);
        return;
      }
      this.onPostError(item, res, conversationBefore);
    }

    /** Accepted without a seq: the stream's echo will confirm it; retry if it never comes. */
    awaitEcho(item) {
      clearTimeout(item.ackTimer);
      item.ackTimer = setTimeout(() => {
        item.ackTimer = null;
        if (this.pending.has(item.clientId) && item.state === 'sending') this.setItemState(item, 'failed');
      }, ACK_TIMEOUT_MS);
    }

    async onPostError(item, res, conversationBefore) {
      const code = res.data && typeof res.data.error === 'string' ? res.data.error : '';
      if (res.status === 401) {
        this.setItemState(item, 'failed');
        const renewed = await this.renewSession();
        if (renewed && this.pending.has(item.clientId)) this.retryItem(item);
        return;
      }
      if (res.status === 404 || (res.status === 409 && CLOSED_ERROR_CODES.indexOf(code) !== -1)) {
        // The conversation was closed: the borrower token opens a new one.
        this.setItemState(item, 'failed');
        const renewed = await this.renewSession();
        if (renewed && this.conversationId !== conversationBefore && this.pending.has(item.clientId)) {
          this.retryItem(item);
          return;
        }
        this.setItemState(item, 'rejected');
        this.showNotice(describeError(res.status, res.data));
        return;
      }
      if (res.status === 429) {
        this.setItemState(item, 'failed');
        this.scheduleItemRetry(item, res.data && res.data.retry_after);
        this.showNotice(TEXT.rateLimited);
        return;
      }
      if (res.status >= 500 || res.status === 408) {
        this.setItemState(item, 'failed');
        this.scheduleItemRetry(item, 5);
        this.showNotice(TEXT.serverBusy);
        return;
      }
      this.setItemState(item, 'rejected');
      this.showNotice(describeError(res.status, res.data));
    }

    // ----- persistence -----------------------------------------------------

    outboxSnapshot() {
      return Array.from(this.pending.values()).map((item) => ({
        client_id: item.clientId,
        text: item.text,
        display: item.display,
        created_at: item.createdAt,
        rejected: item.state === 'rejected',
      }));
    }

    persist() {
      const data = {
        v: 1,
        session_token: this.sessionToken || this.saved.session_token || null,
        conversation_id: this.conversationId || this.saved.conversation_id || null,
        last_seq: this.lastSeq,
        read_seq: this.readSeq,
        status: this.status,
        collector_name: this.collectorName,
        outbox: this.outboxRestored ? this.outboxSnapshot() : (this.saved.outbox || []),
        updated_at: new Date().toISOString(),
      };
      this.saved = data;
      this.store.save(data);
    }

    persistOutbox() {
      if (this.outboxRestored) this.persist();
    }

    /** Re-show messages that were still unsent when the page was left. */
    restoreOutbox() {
      if (this.outboxRestored) return;
      const stored = Array.isArray(this.saved.outbox) ? this.saved.outbox : [];
      this.outboxRestored = true;
      const now = Date.now();
      stored.forEach((o) => {
        if (!o || typeof o.client_id !== 'string' || typeof o.text !== 'string') return;
        if (this.pending.has(o.client_id) || this.seenClientIds.has(o.client_id)) return;
        const created = Date.parse(o.created_at);
        const age = Number.isNaN(created) ? Infinity : now - created;
        if (!(age < OUTBOX_MAX_AGE_MS)) return;
        this.enqueue(o.text, typeof o.display === 'string' ? o.display : o.text, {
          clientId: o.client_id,
          createdAt: o.created_at,
          hold: o.rejected === true || age > OUTBOX_AUTO_RESEND_MS,
        });
      });
      this.persist();
    }
  }

  // ---------------------------------------------------------------------------
  // Public API
  // ---------------------------------------------------------------------------

  let current = null;

  function handleFor(widget) {
    return {
      open: () => widget.open(),
      close: () => widget.close({ restoreFocus: false }),
      toggle: () => widget.toggle(),
      unmount: () => {
        widget.destroy();
        if (current === widget) current = null;
      },
    };
  }

  function mount(options) {
    const opts = options || {};
    if (!opts.borrowerToken) throw new TypeError('KuanxianWidget.mount: borrowerToken is required');
    if (current) current.destroy();
    current = new Widget(opts);
    current.init();
    return handleFor(current);
  }

  function unmount() {
    if (current) current.destroy();
    current = null;
  }

  function autoMount(script) {
    if (!script) return;
    const token = script.getAttribute('data-borrower-token');
    if (!token) return;
    const opts = {
      hub: script.getAttribute('data-hub') || scriptOrigin(script) || undefined,
      borrowerToken: token,
      open: script.getAttribute('data-open') === 'true',
    };
    const run = () => mount(opts);
    if (document.body) run();
    else document.addEventListener('DOMContentLoaded', run, { once: true });
  }

  window.KuanxianWidget = Object.freeze({
    __kuanxian: true,
    __autoMount: autoMount,
    version: '1.0.0',
    mount,
    unmount,
  });

  autoMount(SCRIPT);
})();
