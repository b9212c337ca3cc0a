// Text formats of the report object: an aligned table for a terminal, CSV (RFC 4180), Markdown and
// JSON. Every one names the sources; the HTML page is scripts/report/html.mjs.

/** The columns a report shows: [header, value of a row or the totals, numeric?]. */
function columns(report) {
  const { by, rows, totals } = report;
  const names = new Set(report.sources.map((s) => s.name));
  const anyRow = (field) => rows.some((r) => r[field] !== null && r[field] !== undefined);
  return [
    [by, (r) => r.label ?? r.key, false],
    ...(by === 'developer'
      ? [
          ['team', (r) => r.team, false],
          ['cost center', (r) => r.costCenter, false],
        ]
      : []),
    ['calls', (r) => count(r.calls), true],
    ['input', (r) => count(r.inputTokens), true],
    ['output', (r) => count(r.outputTokens), true],
    ['cache read', (r) => count(r.cacheReadTokens), true],
    ['cache write', (r) => count(r.cacheWriteTokens), true],
    ['cache hit', (r) => percent(r.cacheHitRatio), true],
    ['est. USD', (r) => money(r.estimatedUsd), true],
    ...(anyRow('billedUsd') || totals.billedUsd !== null
      ? [['billed USD', (r) => money(r.billedUsd), true]]
      : []),
    ['share', (r) => percent(r.share), true],
    ...(names.has('live') && by === 'developer'
      ? [
          ['cap USD', (r) => money(r.capUsd, 2), true],
          ['state', (r) => r.capState, false],
          ...(anyRow('liveUsd') ? [['live USD', (r) => money(r.liveUsd), true]] : []),
        ]
      : []),
  ];
}

/** The totals as a row of the table. */
const totalRow = (report) => ({
  ...report.totals,
  key: 'total',
  label: 'total',
  team: '',
  costCenter: '',
  share: report.totals.estimatedUsd > 0 ? 1 : 0,
});

const count = (n) => (n === null || n === undefined ? null : n.toLocaleString('en-US'));

function money(n, digits = 4) {
  return n === null || n === undefined ? null : n.toFixed(digits);
}

function percent(ratio) {
  return ratio === null || ratio === undefined ? null : `${(100 * ratio).toFixed(1)} %`;
}

const text = (v) => (v === null || v === undefined ? '-' : String(v));

/** The report's header lines: what it covers and each source. */
function preamble(report) {
  return [
    `Claude Code usage of '${report.environment}' (${report.project}), ${report.period.label}, by ${report.by}`,
    ...report.sources.map((s) => `  ${s.name}: ${s.description} (as of ${s.asOf})`),
  ];
}

function billedLines(report) {
  const b = report.billed;
  if (!b) return [];
  return [
    `billed ${b.totalUsd.toFixed(4)} USD, estimated ${b.estimatedUsd.toFixed(4)} USD, difference ${b.differenceUsd.toFixed(4)} USD (billed - estimated)`,
    ...b.reasons.map((r) => `  - ${r}`),
  ];
}

/** An aligned text table (numbers right-aligned), the sources above it and a totals row. */
export function formatTable(report) {
  const cols = columns(report);
  const cells = (r) => cols.map(([, value]) => text(value(r)));
  const body = report.rows.map(cells);
  const total = cols.map(([, value]) => value(totalRow(report)) ?? '');
  const header = cols.map(([name]) => name);
  const widths = header.map((h, i) =>
    Math.max(h.length, total[i].length, ...body.map((l) => l[i].length)),
  );
  const line = (l) =>
    l
      .map((c, i) => (cols[i][2] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [
    ...preamble(report),
    '',
    line(header),
    rule,
    ...(body.length > 0 ? body.map(line) : ['(no calls in this period)']),
    rule,
    line(total),
    ...(report.billed ? ['', ...billedLines(report)] : []),
  ].join('\n');
}

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break. Text starting
 * with = + - @ (or a tab or carriage return) gets a leading `'` so a spreadsheet shows it instead of
 * evaluating it as a formula (developer ids may start with these characters); numbers are as is.
 */
export function csvField(value) {
  if (value === null || value === undefined) return '';
  const s = typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const CSV_COLUMNS = [
  ['key', (r) => r.key],
  ['label', (r) => r.label],
  ['team', (r) => r.team],
  ['cost_center', (r) => r.costCenter],
  ['unattributed', (r) => r.unattributed],
  ['calls', (r) => r.calls],
  ['input_tokens', (r) => r.inputTokens],
  ['output_tokens', (r) => r.outputTokens],
  ['cache_read_tokens', (r) => r.cacheReadTokens],
  ['cache_write_tokens', (r) => r.cacheWriteTokens],
  ['cache_hit_ratio', (r) => r.cacheHitRatio],
  ['estimated_usd', (r) => r.estimatedUsd],
  ['billed_usd', (r) => r.billedUsd],
  ['share', (r) => r.share],
  ['cap_usd', (r) => r.capUsd],
  ['cap_state', (r) => r.capState],
  ['live_usd', (r) => r.liveUsd],
];

/**
 * CSV: a header row and one record per report row (numbers unformatted, empty for null), CRLF
 * line ends; the last column names the sources the figures come from.
 */
export function formatCsv(report) {
  const sources = report.sources.map((s) => s.name).join(' ');
  const lines = [
    [...CSV_COLUMNS.map(([h]) => h), 'sources'].map(csvField),
    ...report.rows.map((r) =>
      CSV_COLUMNS.map(([, v]) => v(r))
        .concat(sources)
        .map(csvField),
    ),
  ];
  return lines.map((l) => l.join(',')).join('\r\n') + '\r\n';
}

/** A Markdown table cell: pipes escaped, one line, and no raw HTML (`<`, `&` as entities). */
const mdCell = (v) =>
  text(v).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Markdown: title, sources, the table with a bold totals row, and the billed comparison. */
export function formatMarkdown(report) {
  const cols = columns(report);
  const row = (r) => `| ${cols.map(([, value]) => mdCell(value(r))).join(' | ')} |`;
  const totals = cols.map(([, value]) => {
    const v = value(totalRow(report));
    return v === null || v === undefined || v === '' ? '' : `**${mdCell(v)}**`;
  });
  const b = report.billed;
  return [
    `# Claude Code usage: ${report.environment} (${report.project}), ${report.period.label}`,
    '',
    `By ${report.by}, ${report.period.from} to ${report.period.to} (exclusive), generated ${report.generatedAt}.`,
    '',
    'Sources:',
    '',
    ...report.sources.map((s) => `- **${s.name}**: ${s.description} (as of ${s.asOf})`),
    '',
    `| ${cols.map(([name]) => name).join(' | ')} |`,
    `| ${cols.map(([, , numeric]) => (numeric ? '---:' : '---')).join(' | ')} |`,
    ...report.rows.map(row),
    `| ${totals.join(' | ')} |`,
    ...(b
      ? [
          '',
          '## Billed and estimated',
          '',
          `Billed ${b.totalUsd.toFixed(4)} USD, estimated ${b.estimatedUsd.toFixed(4)} USD, difference ${b.differenceUsd.toFixed(4)} USD (billed - estimated).`,
          ...(b.reasons.length > 0 ? ['', ...b.reasons.map((r) => `- ${r}`)] : []),
        ]
      : []),
  ].join('\n');
}

/** JSON: the report object, 2-space indent. */
export function formatJson(report) {
  return JSON.stringify(report, null, 2);
}
