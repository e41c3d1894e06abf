'use strict';
// Resources: one row per instance, updated in place every second so buttons stay put while states change.
Dash.content.innerHTML = `<p id="summary" class="muted"></p>
<table id="resources"><thead><tr><th>Name</th><th>Type</th><th>State</th><th>Health</th><th>Start time</th>
<th>Restarts</th><th>Process</th><th>Endpoints</th><th>Actions</th></tr></thead><tbody></tbody></table>`;
const tbody = Dash.content.querySelector('tbody');
const rows = new Map();
const canStop = s => ['Running', 'Unhealthy', 'Starting', 'Waiting'].includes(s);
const canStart = s => ['Exited', 'FailedToStart'].includes(s);

function setText(tr, selector, text) {
  const cell = tr.querySelector(selector);
  if (cell.textContent !== text) cell.textContent = text;
}

function render(resource) {
  let tr = rows.get(resource.name);
  if (!tr) {
    const name = encodeURIComponent(resource.name);
    tr = Dash.el(`<table><tr data-resource="${Dash.esc(resource.name)}"><td class="name"></td><td class="type"></td>
      <td class="state"><span></span></td><td class="health"></td><td class="started"></td><td class="restarts"></td>
      <td class="pids"></td><td class="urls"></td><td class="actions">
      <button data-command="stop">Stop</button><button data-command="start">Start</button>
      <button data-command="restart">Restart</button><a href="/console?resource=${name}">Console</a></td></tr></table>`).querySelector('tr');
    tr.querySelectorAll('button').forEach(button => button.addEventListener('click', async () => {
      tr.querySelectorAll('button').forEach(b => { b.disabled = true; });
      await Dash.post(`/api/resources/${name}/${button.dataset.command}`);
    }));
    rows.set(resource.name, tr);
    tbody.appendChild(tr);
  }
  setText(tr, '.name', resource.name);
  setText(tr, '.type', resource.type);
  const state = resource.exitCode != null && resource.state === 'Exited' ? `Exited (${resource.exitCode})` : resource.state;
  const badge = tr.querySelector('.state span');
  if (badge.textContent !== state) { badge.textContent = state; badge.className = `badge state-${resource.state}`; }
  tr.dataset.state = resource.state;
  setText(tr, '.health', resource.healthDescription ? `${resource.health}: ${resource.healthDescription}` : resource.health);
  setText(tr, '.started', Dash.dateTime(resource.startedAt));
  setText(tr, '.restarts', String(resource.restarts));
  setText(tr, '.pids', resource.processIds.join(', '));
  const urls = resource.urls.map(u => `<a href="${Dash.esc(u)}" target="_blank" rel="noopener">${Dash.esc(u)}</a>`).join('<br>');
  const urlCell = tr.querySelector('.urls');
  if (urlCell.dataset.html !== urls) { urlCell.innerHTML = urls; urlCell.dataset.html = urls; }
  tr.querySelector('[data-command=stop]').disabled = !canStop(resource.state);
  tr.querySelector('[data-command=start]').disabled = !canStart(resource.state);
  tr.querySelector('[data-command=restart]').disabled = !canStop(resource.state) && !canStart(resource.state);
}

Dash.poll(async () => {
  const resources = await Dash.get('/api/resources');
  resources.forEach(render);
  const running = resources.filter(r => r.state === 'Running').length;
  document.getElementById('summary').textContent = `${resources.length} resources, ${running} running`;
}, 1000);
