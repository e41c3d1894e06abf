'use strict';
// Traces, newest first: each row opens the trace's waterfall.
Dash.content.innerHTML = `<div class="toolbar"><label>Resource <select id="source"></select></label>
<input id="text" type="search" placeholder="Span name or trace id"><span id="count" class="muted"></span></div>
<table id="traces"><thead><tr><th>Time</th><th>Name</th><th>Resources</th><th>Spans</th><th>Duration</th></tr></thead><tbody></tbody></table>`;
const source = document.getElementById('source');
const text = document.getElementById('text');
text.value = Dash.query('q');

let lastHtml = '';

async function refresh() {
  Dash.fill(source, await Dash.get('/api/telemetry/sources'), 'All');
  if (!source.dataset.initialised) { source.dataset.initialised = '1'; source.value = Dash.query('source'); }
  const traces = await Dash.get(`/api/traces?${new URLSearchParams({ source: source.value, q: text.value })}`);
  document.getElementById('count').textContent = `${traces.length} traces`;
  const longest = Math.max(1, ...traces.map(t => t.durationMs));
  const html = traces.map(t => `<tr data-trace-id="${Dash.esc(t.traceId)}" class="${t.hasError ? 'has-error' : ''}">
    <td>${Dash.esc(Dash.time(t.start))}</td>
    <td><a class="trace-link" href="/traces/${Dash.esc(t.traceId)}">${Dash.esc(t.name)}</a> <span class="muted mono">${Dash.esc(t.traceId.slice(0, 8))}</span></td>
    <td>${t.sources.map(s => `<span class="chip" style="border-color:${Dash.color(s)}">${Dash.esc(s)}</span>`).join(' ')}</td>
    <td>${t.spanCount}</td>
    <td><span class="duration-bar" style="width:${Math.max(2, 80 * t.durationMs / longest)}px"></span> ${Dash.esc(Dash.ms(t.durationMs))}</td></tr>`).join('');
  // Replaced only when something changed, so a row being clicked is not swapped under the pointer.
  const tbody = Dash.content.querySelector('tbody');
  if (lastHtml !== html) { tbody.innerHTML = html; lastHtml = html; }
}

source.addEventListener('change', () => { Dash.setQuery({ source: source.value, q: text.value }); refresh(); });
text.addEventListener('input', () => { Dash.setQuery({ source: source.value, q: text.value }); refresh(); });
Dash.poll(refresh, 2000);
