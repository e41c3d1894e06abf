'use strict';
// Shared helpers for the dashboard pages: escaping, fetch with the session cookie, polling, formatting.
const Dash = {
  content: document.getElementById('content'),
  esc(value) {
    return String(value ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
  },
  async get(url) {
    const response = await fetch(url, { credentials: 'same-origin' });
    if (response.status === 401) {
      Dash.content.innerHTML = '<p class="error">Signed out: open the login URL printed on the AppHost console.</p>';
      throw new Error('unauthorized');
    }
    if (!response.ok) throw new Error(`${url}: ${response.status}`);
    return response.json();
  },
  post(url) {
    return fetch(url, { method: 'POST', credentials: 'same-origin', headers: { 'X-Dashboard-Command': '1' } });
  },
  // Runs fn now and every ms after it finishes, so a slow answer never stacks requests.
  poll(fn, ms) {
    const tick = async () => {
      try { await fn(); } catch (e) { console.warn(e); }
      setTimeout(tick, ms);
    };
    tick();
  },
  time(iso) { return iso ? new Date(iso).toLocaleTimeString() : ''; },
  dateTime(iso) { return iso ? new Date(iso).toLocaleString() : ''; },
  ms(v) { return v < 1 ? `${v.toFixed(2)} ms` : v < 1000 ? `${v.toFixed(1)} ms` : `${(v / 1000).toFixed(2)} s`; },
  query(name) { return new URLSearchParams(location.search).get(name) ?? ''; },
  setQuery(values) {
    const params = new URLSearchParams(location.search);
    for (const [k, v] of Object.entries(values)) { if (v) params.set(k, v); else params.delete(k); }
    history.replaceState(null, '', `${location.pathname}${params.size ? '?' + params : ''}`);
  },
  el(html) {
    const template = document.createElement('template');
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  },
  // Refills a <select> only when its choices changed, keeping what the user picked.
  fill(select, values, allLabel) {
    const wanted = (allLabel ? [''] : []).concat(values);
    const current = [...select.options].map(o => o.value);
    if (current.join('\n') === wanted.join('\n')) return;
    const selected = select.value;
    select.innerHTML = wanted.map(v => `<option value="${Dash.esc(v)}">${Dash.esc(v || allLabel)}</option>`).join('');
    if (wanted.includes(selected)) select.value = selected;
  },
  color(name) {
    let hash = 0;
    for (const c of String(name)) hash = (hash * 31 + c.charCodeAt(0)) | 0;
    return `hsl(${Math.abs(hash) % 360}, 60%, 45%)`;
  },
  attributes(list) {
    return (list || []).map(a => `<tr><th>${Dash.esc(a.key)}</th><td>${Dash.esc(a.value)}</td></tr>`).join('');
  },
};
document.querySelectorAll('nav a').forEach(a => {
  const page = document.body.dataset.page === 'trace' ? 'traces' : document.body.dataset.page;
  if (a.dataset.nav === page) a.classList.add('active');
});
