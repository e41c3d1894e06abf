'use strict';
// Console logs of one instance, streamed by polling for lines after the last sequence number seen.
Dash.content.innerHTML = `<div class="toolbar"><label>Resource <select id="resource"></select></label>
<input id="search" type="search" placeholder="Search lines"><span id="count" class="muted"></span></div><pre id="log"></pre>`;
const select = document.getElementById('resource');
const search = document.getElementById('search');
const log = document.getElementById('log');
const maxLines = 5000;
let last = 0;

function matches(line) {
  const text = search.value.trim().toLowerCase();
  return !text || line.textContent.toLowerCase().includes(text);
}

function applyFilter() {
  let shown = 0;
  for (const line of log.children) { line.hidden = !matches(line); if (!line.hidden) shown++; }
  document.getElementById('count').textContent = `${shown} of ${log.children.length} lines`;
}

search.value = Dash.query('q');
search.addEventListener('input', () => { Dash.setQuery({ resource: select.value, q: search.value }); applyFilter(); });
select.addEventListener('change', () => { Dash.setQuery({ resource: select.value, q: search.value }); log.innerHTML = ''; last = 0; });

Dash.poll(async () => {
  const resources = await Dash.get('/api/resources');
  Dash.fill(select, resources.map(r => r.name));
  if (!select.dataset.initialised) {
    select.dataset.initialised = '1';
    if (resources.some(r => r.name === Dash.query('resource'))) select.value = Dash.query('resource');
  }
  if (!select.value) return;
  const resource = select.value;
  const lines = await Dash.get(`/api/console/${encodeURIComponent(resource)}?after=${last}`);
  if (resource !== select.value) return;
  const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 20;
  for (const line of lines) {
    const div = document.createElement('div');
    div.className = line.isError ? 'line err' : 'line';
    div.textContent = `${Dash.time(line.timestamp)}  ${line.text}`;
    div.hidden = !matches(div);
    log.appendChild(div);
    last = line.sequence;
  }
  while (log.children.length > maxLines) log.firstElementChild.remove();
  if (lines.length) { applyFilter(); if (atBottom) log.scrollTop = log.scrollHeight; }
}, 1000);
