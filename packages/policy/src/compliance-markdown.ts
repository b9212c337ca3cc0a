import { CheckResult, ComplianceReport, ControlStatus, FRAMEWORKS } from './controls';

/** Free text for Markdown: no accidental emphasis or HTML. */
const text = (value: string) => value.replace(/\*/g, '\\*').replace(/</g, '&lt;');
const cell = (value: string) => text(value).replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

/** Summary order: best first. */
const SHOWN: readonly ControlStatus[] = [
  'PASS',
  'MISSING',
  'CONFLICT',
  'NOT CONFIGURED',
  'SUPPRESSED',
];

/** Where the report's evidence came from. */
export interface ComplianceSource {
  /** What was evaluated, e.g. `apps/prod` (synthesized fresh) or a `cdk.tf.json` path. */
  readonly source?: string;
  /** The config file the stack was synthesized from, and its SHA-256 (hex). */
  readonly config?: { readonly file: string; readonly sha256: string };
}

function checkSection(c: CheckResult): string[] {
  const lines = [`<a id="${c.id}"></a>`, '', `#### ${c.title}: ${c.status}`, '', c.description, ''];
  const list = (title: string, items: readonly string[], fmt = text) =>
    items.length > 0 ? [`${title}:`, '', ...items.map((i) => `- ${fmt(i)}`), ''] : [];
  if (c.rules.length > 0) lines.push(`Policy rules: ${c.rules.map(code).join(', ')}.`, '');
  lines.push(
    ...list('Proven by', c.addresses, code),
    ...list('Evidence', c.evidence),
    ...list('Conflict', c.conflicts),
    ...list('Not configured', c.notConfigured),
    ...list('Missing', c.gaps),
    ...list('Caveats', c.caveats),
  );
  if (c.configKeys.length > 0) lines.push(`Config keys: ${c.configKeys.map(code).join(', ')}.`, '');
  if (c.suppressions.length > 0) {
    lines.push(
      'Suppressed:',
      '',
      ...c.suppressions.map(
        (s) => `- ${code(s.ruleId)} on ${code(s.address ?? s.path)}: ${text(s.reason)}`,
      ),
      '',
    );
  }
  return lines;
}

/** Renders the report as Markdown (deterministic: no timestamps). */
export function renderComplianceMarkdown(
  report: ComplianceReport,
  opts: ComplianceSource = {},
): string {
  const lines: string[] = [];
  const { summary } = report;
  lines.push(`# Compliance report: stack \`${report.stackName}\``, '');
  if (opts.source)
    lines.push(`Generated from \`${opts.source}\` by \`scripts/compliance.mjs\`.`, '');
  if (opts.config) {
    lines.push(
      `Synthesized for this report from \`${opts.config.file}\` (SHA-256 \`${opts.config.sha256}\`).`,
      '',
    );
  }
  lines.push(
    `**${SHOWN.map((s) => `${summary[s]} ${s}`).join(', ')}** of ${report.controls.length} controls.`,
    '',
    'One control per question of the compliance mapping, each answered by checks computed from the',
    'synthesized Terraform configuration. PASS: the resources listed prove it and no policy rule',
    'feeding it has an open finding. MISSING: something the stack should have is absent or wrong, or',
    'a rule finding is open. CONFLICT: implemented, but two obligations collide (read the conflict).',
    'NOT CONFIGURED: an optional feature is off; the config keys turn it on. SUPPRESSED: holds only',
    'thanks to suppressions (reasons below). A control takes the worst status of its checks.',
    '',
    '| Control | Question | Status | Checks | Config keys |',
    '|---|---|---|---|---|',
  );
  for (const c of report.controls) {
    const checks = c.checks.map((k) => `[${k.title}](#${k.id}): ${k.status}`).join('; ');
    const keys = c.configKeys.map(code).join(', ') || '—';
    lines.push(
      `| [${c.title}](#${c.id}) | ${cell(c.question)} | **${c.status}** | ${checks} | ${keys} |`,
    );
  }
  const controlOf = new Map(report.controls.flatMap((c) => c.checks.map((k) => [k.id, c.title])));
  lines.push(
    '',
    '## Checks and framework references',
    '',
    'Framework references are indicative: they name the clauses a check supports; whether it',
    'satisfies them is for your auditor.',
    '',
    `| Check | Status | ${FRAMEWORKS.join(' | ')} | Control |`,
    `|---|---|${FRAMEWORKS.map(() => '---').join('|')}|---|`,
  );
  for (const c of report.checks) {
    const refsCells = FRAMEWORKS.map((f) => cell(c.frameworks[f].join(', ') || '—'));
    lines.push(
      `| [${c.title}](#${c.id}) | **${c.status}** | ${refsCells.join(' | ')} | ${controlOf.get(c.id) ?? '—'} |`,
    );
  }
  lines.push('', '## By framework', '');
  for (const f of FRAMEWORKS) {
    lines.push(`### ${f}`, '');
    const mapped = report.checks.filter((c) => c.frameworks[f].length > 0);
    if (mapped.length === 0) lines.push('No check of this kit maps to it.');
    for (const c of mapped)
      lines.push(`- ${c.frameworks[f].join(', ')}: ${c.title} — **${c.status}**`);
    lines.push('');
  }
  lines.push('## Controls', '');
  for (const c of report.controls) {
    lines.push(
      `<a id="${c.id}"></a>`,
      '',
      `### ${c.title}: ${c.status}`,
      '',
      `_${text(c.question)}_`,
      '',
    );
    for (const check of c.checks) lines.push(...checkSection(check));
  }
  lines.push('## Policy findings', '');
  const open = report.findings.filter((f) => !f.suppression);
  if (open.length === 0) lines.push('No open findings.', '');
  else {
    lines.push(
      '| Rule | Severity | Resource | Construct | Finding | Fix |',
      '|---|---|---|---|---|---|',
    );
    for (const f of open) {
      lines.push(
        `| ${f.ruleId} | ${f.severity} | ${cell(f.address ?? '(stack)')} | ${cell(f.path)} | ${cell(f.reason)} | ${cell(f.fix)} |`,
      );
    }
    lines.push('');
  }
  lines.push('## Suppressions', '');
  if (report.suppressions.length === 0) lines.push('None.', '');
  else {
    lines.push('| Rule | Declared on | Covers | Reason |', '|---|---|---|---|');
    for (const s of report.suppressions) {
      const covers = s.stackWide ? 'the whole stack' : `${s.addresses.length} resource(s)`;
      lines.push(`| ${s.ruleId} | ${cell(s.path)} | ${covers} | ${cell(s.reason)} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
