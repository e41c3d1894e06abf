'use strict';
// One trace as a waterfall: spans as a tree, each bar placed by its offset and length within the trace.
const traceId = decodeURIComponent(location.pathname.split('/').pop());
Dash.content.innerHTML = `<p id="trace-summary"></p><div id="waterfall" class="waterfall"></div>
<h2>Logs of this trace</h2><table id="trace-logs"><tbody></tbody></table>`;
const open = new Set();
let lastJson = '';

function render(trace) {
  document.getElementById('title').textContent = `Trace ${trace.traceId.slice(0, 12)}`;
  document.getElementById('trace-summary').innerHTML = `<span class="mono">${Dash.esc(trace.traceId)}</span> · ${Dash.esc(Dash.ms(trace.durationMs))}
    · ${trace.rows.length} spans · ${trace.services.map(s => `<span class="chip" style="border-color:${Dash.color(s)}">${Dash.esc(s)}</span>`).join(' ')}`;
  const total = Math.max(trace.durationMs, 0.001);
  document.getElementById('waterfall').innerHTML = trace.rows.map(r => `
    <div class="span-row${r.status === 'Error' ? ' has-error' : ''}" data-span-id="${Dash.esc(r.spanId)}" data-service="${Dash.esc(r.service)}">
      <div class="span-label" style="padding-left:${r.depth * 16 + 4}px"><span class="chip" style="border-color:${Dash.color(r.service)}">${Dash.esc(r.source)}</span>
        ${Dash.esc(r.name)} <span class="muted">${Dash.esc(r.kind)}</span></div>
      <div class="span-track"><div class="span-bar" style="left:${100 * r.offsetMs / total}%;width:${Math.max(0.3, 100 * r.durationMs / total)}%;background:${Dash.color(r.service)}"></div>
        <span class="span-duration">${Dash.esc(Dash.ms(r.durationMs))}</span></div>
    </div>
    <div class="span-details" data-details-for="${Dash.esc(r.spanId)}" ${open.has(r.spanId) ? '' : 'hidden'}>
      <table class="attrs"><tr><th>span id</th><td class="mono">${Dash.esc(r.spanId)}</td></tr>
      <tr><th>status</th><td>${Dash.esc(r.status)}${r.statusMessage ? ': ' + Dash.esc(r.statusMessage) : ''}</td></tr>${Dash.attributes(r.attributes)}
      ${(r.events || []).map(e => `<tr><th>event</th><td>${Dash.esc(e.name)} ${Dash.esc(Dash.time(e.time))}</td></tr>`).join('')}</table>
    </div>`).join('');
  document.querySelectorAll('.span-row').forEach(row => row.addEventListener('click', () => {
    const id = row.dataset.spanId;
    if (open.has(id)) open.delete(id); else open.add(id);
    document.querySelector(`[data-details-for="${CSS.escape(id)}"]`).hidden = !open.has(id);
  }));
}

// Spans of other services may arrive a second or two later, so the page keeps looking for a while.
Dash.poll(async () => {
  const response = await fetch(`/api/traces/${encodeURIComponent(traceId)}`, { credentials: 'same-origin' });
  if (response.status === 404) { Dash.content.querySelector('#trace-summary').textContent = 'This trace is not (or no longer) held.'; return; }
  const json = await response.text();
  if (json !== lastJson) { lastJson = json; render(JSON.parse(json)); }
  const logs = await Dash.get(`/api/logs?trace=${encodeURIComponent(traceId)}`);
  document.querySelector('#trace-logs tbody').innerHTML = logs.map(e => `<tr><td>${Dash.esc(Dash.time(e.timestamp))}</td>
    <td>${Dash.esc(e.source)}</td><td>${Dash.esc(e.level)}</td><td>${Dash.esc(e.message)}</td></tr>`).join('') || '<tr><td class="muted">No logs.</td></tr>';
}, 2000);
