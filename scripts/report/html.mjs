// `npm run report -- --format html`: the report JSON (see the report contract) as one
// self-contained page. Everything is inline: Chart.js (the UMD build from node_modules), the
// report data (a JSON script element, escaped), the drawing code (html-charts.mjs) and the
// styles. A Content-Security-Policy of `default-src 'none'` plus the hashes of the inline scripts
// and style means the page cannot load anything from the network, nor run a script not ours.
//
// Static parts (header, totals, tables, billed comparison, empty states) are rendered here as
// escaped HTML, so the page reads and prints without scripts; the five charts are drawn in the
// browser from the embedded JSON, without animation (synchronously), after which the page sets
// `window.__reportReady = true`. Machine-readable values sit in `data-value` attributes (exact JS
// numbers) next to their formatted text.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { drawCharts } from './html-charts.mjs';
import { SCHEMA_VERSION } from './model.mjs';

/** The report contract's version this renderer reads. */
export { SCHEMA_VERSION };

/** USD with enough decimals to be exact for small local numbers: 6 below $1, 4 below $100. */
export function formatUsd(value, signed = false) {
  if (value === null || value === undefined) return '—';
  const abs = Math.abs(value);
  const sign = value < 0 ? '-' : signed && value > 0 ? '+' : '';
  if (abs > 0 && abs < 0.0000005) return sign + '<$0.000001';
  const digits = abs < 1 ? 6 : abs < 100 ? 4 : 2;
  const text = new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency: 'USD',
    minimumFractionDigits: 2,
    maximumFractionDigits: digits,
  }).format(abs);
  return sign + text;
}

/** Counts (calls, tokens) with thousands separators. */
export function formatCount(value) {
  if (value === null || value === undefined) return '—';
  return new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 }).format(value);
}

/** A 0..1 ratio as a percentage; null (denominator 0) as a dash. */
export function formatRatio(value) {
  if (value === null || value === undefined) return '—';
  return new Intl.NumberFormat('en-US', {
    style: 'percent',
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  }).format(value);
}

/** Colour-blind-safe palette (Okabe–Ito, then Tol's muted); teams keep one colour everywhere. */
const PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#882255',
  '#117733',
  '#999933',
  '#332288',
];

const DIMENSIONS = {
  developer: 'Developer',
  team: 'Team',
  'cost-center': 'Cost center',
  model: 'Model',
  tier: 'Tier',
  day: 'Day',
};

/** The `data-chart` ids of the five charts, in page order (also the canvas ids). */
export const CHART_IDS = ['spend-by-team', 'top-developers', 'tier-mix', 'cache-hit', 'blocked'];

let chartJsSource;
/** Chart.js's UMD build, read once; refused if it could end the script element it is put in. */
function chartJs() {
  if (chartJsSource === undefined) {
    const dist = dirname(createRequire(import.meta.url).resolve('chart.js'));
    const text = readFileSync(join(dist, 'chart.umd.min.js'), 'utf8');
    // The source map is not inlined: drop the reference so nothing ever asks for it.
    chartJsSource = text.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
    if (/<\/script|<!--/i.test(chartJsSource)) {
      throw new Error('chart.umd.min.js contains "</script" or "<!--": cannot inline it');
    }
  }
  return chartJsSource;
}

const HTML_ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Text or attribute value as HTML. */
const esc = (value) => String(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);

/**
 * JSON that is safe inside a <script> element: no `<` (so no `</script` or `<!--`), `>` or `&`,
 * and no U+2028/U+2029; JSON.parse of the element's text gives back the same value.
 */
export function jsonForScript(value) {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => {
    return '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0');
  });
}

const sha256 = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** An element showing a formatted value with the exact one in `data-value`. */
const valueCell = (tag, value, format, attrs = '') =>
  `<${tag}${attrs} data-value="${esc(JSON.stringify(value ?? null))}">${esc(format(value))}</${tag}>`;

function header(report) {
  const p = report.period;
  const sources = report.sources.length
    ? report.sources
        .map(
          (s) =>
            `<li data-source="${esc(s.name)}"><strong>${esc(s.name)}</strong>: ${esc(s.description)}` +
            (s.asOf ? ` <span class="muted">(as of ${esc(s.asOf)})</span>` : '') +
            '</li>',
        )
        .join('')
    : '<li class="empty">none</li>';
  return `<header>
<h1>Claude Code on Bedrock: spend report</h1>
<dl class="meta">
<dt>Environment</dt><dd id="environment">${esc(report.environment)}${report.project ? ` <span class="muted">(${esc(report.project)})</span>` : ''}</dd>
<dt>Period</dt><dd id="period">${esc(p.label)} <span class="muted">[${esc(p.from)}, ${esc(p.to)}) UTC</span></dd>
<dt>By</dt><dd id="by">${esc(DIMENSIONS[report.by] ?? report.by)}</dd>
<dt>Generated at</dt><dd id="generated-at">${esc(report.generatedAt)}</dd>
</dl>
<h2>Sources</h2>
<ul id="sources">${sources}</ul>
</header>`;
}

const TOTALS = [
  ['estimatedUsd', 'Estimated spend', formatUsd],
  ['billedUsd', 'Billed spend', formatUsd],
  ['calls', 'Calls', formatCount],
  ['inputTokens', 'Input tokens', formatCount],
  ['outputTokens', 'Output tokens', formatCount],
  ['cacheReadTokens', 'Cache read tokens', formatCount],
  ['cacheWriteTokens', 'Cache write tokens', formatCount],
  ['cacheHitRatio', 'Cache hit ratio', formatRatio],
];

function totals(report) {
  const items = TOTALS.filter(([key]) => key !== 'billedUsd' || report.totals.billedUsd != null)
    .map(
      ([key, title, format]) =>
        `<div class="total"><dt>${title}</dt>${valueCell('dd', report.totals[key], format, ` data-total="${key}"`)}</div>`,
    )
    .join('\n');
  return `<section id="totals"><h2>Totals</h2><dl class="totals">\n${items}\n</dl></section>`;
}

/** The rows table's columns: the contract's, those that only some reports fill shown when filled. */
function columns(report) {
  const rows = report.rows;
  const any = (key) => rows.some((r) => r[key] !== null && r[key] !== undefined);
  const cols = [{ head: DIMENSIONS[report.by] ?? report.by, key: 'label', text: true }];
  if (report.by === 'developer') {
    cols.push({ head: 'Team', key: 'team', text: true });
    cols.push({ head: 'Cost center', key: 'costCenter', text: true });
  }
  cols.push(
    { head: 'Calls', key: 'calls', format: formatCount },
    { head: 'Input tokens', key: 'inputTokens', format: formatCount },
    { head: 'Output tokens', key: 'outputTokens', format: formatCount },
    { head: 'Cache read', key: 'cacheReadTokens', format: formatCount },
    { head: 'Cache write', key: 'cacheWriteTokens', format: formatCount },
    { head: 'Cache hit', key: 'cacheHitRatio', format: formatRatio },
    { head: 'Estimated USD', key: 'estimatedUsd', format: formatUsd },
    { head: 'Share', key: 'share', format: formatRatio },
  );
  if (report.billed || any('billedUsd'))
    cols.push({ head: 'Billed USD', key: 'billedUsd', format: formatUsd });
  if (any('capState')) {
    cols.push({ head: 'Cap USD', key: 'capUsd', format: formatUsd });
    cols.push({ head: 'Cap state', key: 'capState', text: true });
  }
  if (any('liveUsd')) cols.push({ head: 'Live USD', key: 'liveUsd', format: formatUsd });
  return cols;
}

function rowsTable(report) {
  const cols = columns(report);
  const cell = (col, row) => {
    const attrs = ` data-col="${col.key}"`;
    if (!col.text) return valueCell('td', row[col.key], col.format, `${attrs} class="num"`);
    const text = esc(row[col.key] ?? '');
    if (col.key !== 'label' || !row.unattributed) return `<td${attrs}>${text}</td>`;
    return `<td${attrs}>${text} <span class="muted">(not through a developer profile)</span></td>`;
  };
  const body = report.rows.length
    ? report.rows
        .map(
          (row) =>
            `<tr data-key="${esc(row.key)}"${row.unattributed ? ' data-unattributed="true" class="unattributed"' : ''}>` +
            cols.map((col) => cell(col, row)).join('') +
            '</tr>',
        )
        .join('\n')
    : `<tr class="empty"><td colspan="${cols.length}">No usage in this period.</td></tr>`;
  const t = report.totals;
  const totalRow = { ...t, label: 'Total', share: t.estimatedUsd > 0 ? 1 : null };
  const foot = cols
    .map((col, i) => {
      if (i === 0) return '<th scope="row">Total</th>';
      if (col.text || !(col.key in totalRow)) return '<td></td>';
      return cell(col, totalRow);
    })
    .join('');
  return `<section id="breakdown"><h2>By ${esc((DIMENSIONS[report.by] ?? report.by).toLowerCase())}</h2>
<table id="rows"><thead><tr>${cols.map((c) => `<th scope="col">${esc(c.head)}</th>`).join('')}</tr></thead>
<tbody>
${body}
</tbody>
<tfoot><tr>${foot}</tr></tfoot></table></section>`;
}

function billed(report) {
  const b = report.billed;
  if (!b) return '';
  const reasons = b.reasons.length
    ? `<ul id="billed-reasons">${b.reasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>`
    : '<p id="billed-reasons" class="empty">No reason given.</p>';
  return `<section id="billed"><h2>Billed compared with estimated</h2>
<dl class="totals">
<div class="total"><dt>Billed</dt>${valueCell('dd', b.totalUsd, formatUsd, ' data-billed="totalUsd"')}</div>
<div class="total"><dt>Estimated</dt>${valueCell('dd', b.estimatedUsd, formatUsd, ' data-billed="estimatedUsd"')}</div>
<div class="total"><dt>Difference (billed − estimated)</dt>${valueCell('dd', b.differenceUsd, (v) => formatUsd(v, true), ' data-billed="differenceUsd"')}</div>
</dl>
<h3>Why they differ</h3>
${reasons}</section>`;
}

/** One chart's figure: its canvas, or its explicit empty state when there is nothing to draw. */
function figure(id, title, empty, emptyText, extra = '') {
  const body = empty
    ? `<p class="empty" data-empty="${id}">${esc(emptyText)}</p>`
    : `<div class="chart-box"><canvas id="chart-${id}" role="img" aria-label="${esc(title)}"></canvas></div>`;
  return `<figure data-chart="${id}"><figcaption>${esc(title)}</figcaption>${body}${extra}</figure>`;
}

function charts(report) {
  const c = report.charts;
  const blockedList = c.blocked.length
    ? `<table id="blocked-list"><thead><tr><th scope="col">Developer</th><th scope="col">Team</th><th scope="col">Cap USD</th><th scope="col">Spent USD</th></tr></thead><tbody>` +
      c.blocked
        .map(
          (b) =>
            `<tr data-developer="${esc(b.developer)}"><td>${esc(b.developer)}</td><td>${esc(b.team ?? '')}</td>` +
            valueCell('td', b.capUsd, formatUsd, ' class="num"') +
            valueCell('td', b.spentUsd, formatUsd, ' class="num"') +
            '</tr>',
        )
        .join('') +
      '</tbody></table>'
    : '';
  return `<section id="charts"><h2>Charts</h2><div class="charts">
${figure('spend-by-team', 'Spend by team per day (USD)', !c.spendByTeamDaily.days.length || !c.spendByTeamDaily.series.length, 'None: no usage in this period.')}
${figure('top-developers', 'Top 10 developers (USD)', !c.topDevelopers.length, 'None: no developer used Claude Code in this period.')}
${figure('tier-mix', 'Model tier mix', !c.tierMix.length, 'None: no calls in this period.')}
${figure('cache-hit', 'Cache hit ratio, overall and by team', c.cacheHitRatio.overall === null && !c.cacheHitRatio.byTeam.length, 'None: no tokens in this period.')}
${figure('blocked', 'Blocked developers (spent vs cap, USD)', !c.blocked.length, 'None: no developer is blocked (or spend caps are off).', blockedList)}
</div></section>`;
}

const STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1200px; padding: 24px; background: #fff; color: #1f2328;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 22px; margin: 0 0 12px; } h2 { font-size: 17px; margin: 24px 0 8px; } h3 { font-size: 15px; }
.muted { color: #57606a; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; }
.meta dt { font-weight: 600; } .meta dd { margin: 0; }
#sources { margin: 0; padding-left: 20px; }
.totals { display: flex; flex-wrap: wrap; gap: 12px; margin: 0; }
.total { border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 12px; min-width: 150px; }
.total dt { color: #57606a; font-size: 12px; } .total dd { margin: 0; font-size: 18px; font-weight: 600; font-variant-numeric: tabular-nums; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 16px; }
figure { margin: 0; min-width: 0; border: 1px solid #d0d7de; border-radius: 6px; padding: 12px; break-inside: avoid; }
figcaption { font-weight: 600; margin-bottom: 8px; }
.chart-box { position: relative; height: 300px; }
.chart-box canvas { max-width: 100%; }
.empty { color: #57606a; font-style: italic; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid #d0d7de; padding: 4px 8px; text-align: left; white-space: nowrap; }
td[data-col="label"] { white-space: normal; overflow-wrap: anywhere; min-width: 12ch; }
td.num, tfoot td { text-align: right; }
tfoot th, tfoot td { font-weight: 600; border-top: 2px solid #1f2328; }
tr.unattributed td { font-style: italic; background: #fff8c5; }
#blocked-list { margin-top: 8px; }
@page { size: A4 landscape; margin: 12mm; }
@media print { body { padding: 0; max-width: none; } .charts { grid-template-columns: 1fr 1fr; }
  .chart-box { height: 240px; } table { font-size: 11px; } th { white-space: normal; } thead { display: table-header-group; } tr { break-inside: avoid; } }
`;

/** The report (per the report contract) as one self-contained HTML page. */
export function renderHtml(report) {
  if (!report || report.schemaVersion !== SCHEMA_VERSION) {
    throw new Error(
      `renderHtml: unsupported report schemaVersion ${JSON.stringify(report?.schemaVersion)} (expected ${SCHEMA_VERSION})`,
    );
  }
  const library = chartJs();
  const app = [
    "'use strict';",
    `const formatUsd = ${formatUsd};`,
    `const formatCount = ${formatCount};`,
    `const formatRatio = ${formatRatio};`,
    `(${drawCharts})(JSON.parse(document.getElementById('report-data').textContent), ${JSON.stringify(PALETTE)});`,
  ].join('\n');
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(library)} ${sha256(app)}`,
    `style-src ${sha256(STYLE)}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const title = `Spend report: ${report.environment}, ${report.period.label}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${header(report)}
<main>
${totals(report)}
${charts(report)}
${rowsTable(report)}
${billed(report)}
</main>
<script type="application/json" id="report-data">${jsonForScript(report)}</script>
<script>${library}</script>
<script>${app}</script>
</body>
</html>
`;
}
