'use strict';
// Metrics by resource and instrument; the chosen instrument is drawn as one line per attribute set.
Dash.content.innerHTML = `<div class="toolbar"><label>Resource <select id="source"></select></label></div>
<div class="metrics"><ul id="instruments"></ul><section id="chart-panel"><p class="muted">Choose an instrument.</p></section></div>`;
const source = document.getElementById('source');
// Series colours by position, so two lines of one chart never share a colour.
const palette = ['#0969da', '#cf222e', '#1a7f37', '#8250df', '#bf8700', '#0598bc', '#e16f24', '#6e7781'];
const seriesColor = i => palette[i % palette.length];
let chosen = { meter: Dash.query('meter'), name: Dash.query('name') };

function chart(series, unit) {
  const width = 720, height = 260, pad = 40;
  const points = series.flatMap(s => s.points);
  if (!points.length) return '<p class="muted">No data points yet.</p>';
  const times = points.map(p => Date.parse(p.time));
  const values = points.map(p => p.value);
  const t0 = Math.min(...times), t1 = Math.max(...times, t0 + 1);
  const v0 = Math.min(0, ...values), v1 = Math.max(...values, v0 + 1e-9);
  const x = t => pad + (width - 2 * pad) * (t - t0) / (t1 - t0);
  const y = v => height - pad - (height - 2 * pad) * (v - v0) / (v1 - v0);
  const lines = series.map((s, i) => `<polyline fill="none" stroke="${seriesColor(i)}" stroke-width="2"
    points="${s.points.map(p => `${x(Date.parse(p.time)).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ')}"/>`).join('');
  return `<svg id="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">
    <line x1="${pad}" y1="${height - pad}" x2="${width - pad}" y2="${height - pad}" class="axis"/><line x1="${pad}" y1="${pad}" x2="${pad}" y2="${height - pad}" class="axis"/>
    <text x="2" y="${pad}" class="tick">${Dash.esc(+v1.toPrecision(4))}</text><text x="2" y="${height - pad}" class="tick">${Dash.esc(+v0.toPrecision(4))}</text>
    <text x="${pad}" y="${height - 10}" class="tick">${Dash.esc(Dash.time(new Date(t0).toISOString()))}</text>
    <text x="${width - pad - 60}" y="${height - 10}" class="tick">${Dash.esc(Dash.time(new Date(t1).toISOString()))}</text>
    <text x="${pad + 4}" y="${pad - 8}" class="tick">${Dash.esc(unit)}</text>${lines}</svg>`;
}

async function refresh() {
  Dash.fill(source, await Dash.get('/api/telemetry/sources'));
  if (!source.dataset.initialised && source.options.length) {
    source.dataset.initialised = '1';
    if ([...source.options].some(o => o.value === Dash.query('source'))) source.value = Dash.query('source');
  }
  if (!source.value) return;
  const instruments = await Dash.get(`/api/metrics/instruments?source=${encodeURIComponent(source.value)}`);
  // Instruments come ordered by meter; a heading before each meter's first one tells same-named instruments apart.
  const list = instruments.map((i, n) => `${n === 0 || instruments[n - 1].meter !== i.meter ? `<li class="meter">${Dash.esc(i.meter)}</li>` : ''}<li><a href="#" class="instrument${i.meter === chosen.meter && i.name === chosen.name ? ' active' : ''}"
    data-meter="${Dash.esc(i.meter)}" data-name="${Dash.esc(i.name)}" title="${Dash.esc(i.description)}">${Dash.esc(i.name)}</a>
    <span class="muted">${Dash.esc(i.type)}</span></li>`).join('');
  const ul = document.getElementById('instruments');
  if (ul.dataset.html !== list) { ul.innerHTML = list; ul.dataset.html = list; }
  const instrument = instruments.find(i => i.meter === chosen.meter && i.name === chosen.name);
  if (!instrument) return;
  const series = await Dash.get(`/api/metrics/series?${new URLSearchParams({ source: source.value, meter: instrument.meter, name: instrument.name })}`);
  const label = instrument.type === 'histogram' ? `mean per interval (${instrument.unit})` : instrument.unit;
  document.getElementById('chart-panel').innerHTML = `<h2>${Dash.esc(instrument.name)}</h2><p class="muted">${Dash.esc(instrument.meter)} · ${Dash.esc(instrument.type)}
    · ${Dash.esc(instrument.description)}</p>${chart(series, label)}
    <table class="attrs"><thead><tr><th>Attributes</th><th>Latest</th></tr></thead>${series.map((s, i) => `<tr>
    <td><span class="swatch" style="background:${seriesColor(i)}"></span>${Dash.esc(s.attributes.map(a => `${a.key}=${a.value}`).join(', ') || '(none)')}</td>
    <td>${Dash.esc(s.points.length ? +s.points[s.points.length - 1].value.toPrecision(6) : '')}</td></tr>`).join('')}</table>`;
}

document.getElementById('instruments').addEventListener('click', e => {
  const link = e.target.closest('a.instrument');
  if (!link) return;
  e.preventDefault();
  chosen = { meter: link.dataset.meter, name: link.dataset.name };
  Dash.setQuery({ source: source.value, meter: chosen.meter, name: chosen.name });
  document.getElementById('instruments').dataset.html = '';
  refresh();
});
source.addEventListener('change', () => { Dash.setQuery({ source: source.value }); chosen = {}; refresh(); });
Dash.poll(refresh, 2000);
