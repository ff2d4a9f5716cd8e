/*
 * Demo host page for the Kuanxian (宽限) widget: pick a demo borrower, fetch a
 * borrower token from the hub and mount the widget the way a lender would.
 */
(function () {
  'use strict';

  const DEFAULT_BORROWERS = [
    { borrower_id: 'demo-001', display_name: '王女士' },
    { borrower_id: 'demo-002', display_name: '李先生' },
    { borrower_id: 'demo-003', display_name: '陈女士' },
  ];
  const ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

  const select = document.getElementById('demo-borrower');
  const form = document.getElementById('demo-picker-form');
  const status = document.getElementById('demo-status');
  const currentName = document.getElementById('demo-current-name');

  function setStatus(text) {
    status.textContent = text;
  }

  function requestedBorrower() {
    const id = new URLSearchParams(location.search).get('borrower');
    return id && ID_PATTERN.test(id) ? id : null;
  }

  /** Borrowers from /api/demo/info when it lists them, else the built-in three. */
  async function loadBorrowers() {
    try {
      const res = await fetch('/api/demo/info', { headers: { Accept: 'application/json' }, cache: 'no-store' });
      if (res.ok) {
        const data = await res.json();
        if (data && Array.isArray(data.borrowers) && data.borrowers.length) {
          return data.borrowers
            .map((b) => (typeof b === 'string' ? { borrower_id: b, display_name: '' } : b))
            .filter((b) => b && typeof b.borrower_id === 'string' && ID_PATTERN.test(b.borrower_id));
        }
      }
    } catch (err) {
      // Fall back to the defaults.
    }
    return DEFAULT_BORROWERS;
  }

  function fillPicker(borrowers, selectedId) {
    select.textContent = '';
    const list = borrowers.slice();
    if (!list.some((b) => b.borrower_id === selectedId)) list.push({ borrower_id: selectedId, display_name: '' });
    list.forEach((b) => {
      const option = document.createElement('option');
      option.value = b.borrower_id;
      option.textContent = b.display_name ? b.borrower_id + ' ' + b.display_name : b.borrower_id;
      option.selected = b.borrower_id === selectedId;
      select.appendChild(option);
    });
    const chosen = list.find((b) => b.borrower_id === selectedId);
    currentName.textContent = chosen && chosen.display_name ? chosen.display_name + '（' + selectedId + '）' : selectedId;
  }

  async function fetchToken(borrowerId) {
    const res = await fetch('/api/demo/borrower-token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ borrower_id: borrowerId }),
      cache: 'no-store',
    });
    const data = await res.json().catch(() => null);
    if (!res.ok || !data || typeof data.token !== 'string') {
      const message = data && typeof data.message === 'string' ? data.message : 'HTTP ' + res.status;
      throw new Error(message);
    }
    return data.token;
  }

  async function start() {
    const borrowers = await loadBorrowers();
    const borrowerId = requestedBorrower() || borrowers[0].borrower_id;
    fillPicker(borrowers, borrowerId);
    setStatus('正在连接还款协商助手…');
    let token;
    try {
      token = await fetchToken(borrowerId);
    } catch (err) {
      setStatus('无法获取演示令牌（' + err.message + '）。请确认服务已以演示模式启动。');
      return;
    }
    if (!window.KuanxianWidget) {
      setStatus('助手脚本加载失败，请刷新页面重试。');
      return;
    }
    window.KuanxianWidget.mount({ hub: location.origin, borrowerToken: token, open: true });
    setStatus('');
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const params = new URLSearchParams(location.search);
    params.set('borrower', select.value);
    location.search = params.toString();
  });

  start();
})();
