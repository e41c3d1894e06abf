'use strict';
// Structured logs received over OTLP, newest first, filtered by resource, minimum level and text.
Dash.content.innerHTML = `<div class="toolbar"><label>Resource <select id="source"></select></label>
<label>Level <select id="level">${['', 'Trace', 'Debug', 'Information', 'Warning', 'Error', 'Critical']
    .map(l => `<option value="${l}">${l ? l + ' and above' : 'All'}</option>`).join('')}</select></label>
<input id="text" type="search" placeholder="Filter text"><span id="count" class="muted"></span></div>
<table id="logs"><thead><tr><th>Time</th><th>Resource</th><th>Level</th><th>Category</th><th>Message</th><th>Trace</th></tr></thead>
<tbody></tbody></table>`;
const source = document.getElementById('source');
const level = document.getElementById('level');
const text = document.getElementById('text');
level.value = Dash.query('level');
text.value = Dash.query('q');

let lastHtml = '';

async function refresh() {
  Dash.fill(source, await Dash.get('/api/telemetry/sources'), 'All');
  if (!source.dataset.initialised) { source.dataset.initialised = '1'; source.value = Dash.query('source'); }
  const params = new URLSearchParams({ source: source.value, level: level.value, q: text.value });
  const entries = await Dash.get(`/api/logs?${params}`);
  document.getElementById('count').textContent = `${entries.length} entries`;
  const html = entries.map(e => `<tr class="level-${Dash.esc(e.level)}">
    <td>${Dash.esc(Dash.time(e.timestamp))}</td><td>${Dash.esc(e.source)}</td><td><span class="badge level-${Dash.esc(e.level)}">${Dash.esc(e.level)}</span></td>
    <td>${Dash.esc(e.category)}</td><td><details><summary>${Dash.esc(e.message)}</summary><table class="attrs">${Dash.attributes(e.attributes)}</table></details></td>
    <td>${e.traceId ? `<a href="/traces/${e.traceId}">${e.traceId.slice(0, 8)}</a>` : ''}</td></tr>`).join('');
  // Replaced only when something changed, so a row being clicked is not swapped under the pointer.
  const tbody = Dash.content.querySelector('tbody');
  if (lastHtml !== html) { tbody.innerHTML = html; lastHtml = html; }
}

for (const input of [source, level, text]) {
  input.addEventListener(input === text ? 'input' : 'change', () => {
    Dash.setQuery({ source: source.value, level: level.value, q: text.value });
    refresh();
  });
}
Dash.poll(async () => { if (!Dash.content.querySelector('details[open]')) await refresh(); }, 2000);
