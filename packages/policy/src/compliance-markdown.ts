import { FRAMEWORKS, ComplianceReport } from './controls';

/** Free text for Markdown: no accidental emphasis or HTML. */
const text = (value: string) => value.replace(/\*/g, '\\*').replace(/</g, '&lt;');
const cell = (value: string) => text(value).replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

/** Renders the report as Markdown (deterministic: no timestamps). */
export function renderComplianceMarkdown(
  report: ComplianceReport,
  opts: { source?: string } = {},
): string {
  const lines: string[] = [];
  const { summary } = report;
  lines.push(`# Compliance report: stack \`${report.stackName}\``, '');
  if (opts.source)
    lines.push(`Generated from \`${opts.source}\` by \`scripts/compliance.mjs\`.`, '');
  lines.push(
    `**${summary.PASS} PASS, ${summary.MISSING} MISSING, ${summary.SUPPRESSED} SUPPRESSED** of ${report.controls.length} controls.`,
    '',
    'Each status is computed from the synthesized Terraform configuration: the control is PASS when the',
    'resources below implement it and no policy rule feeding it has an open finding, SUPPRESSED when it',
    'holds only thanks to suppressions (with reasons below), MISSING otherwise. Framework references are',
    'indicative: they name the clauses a control supports; whether it satisfies them is for your auditor.',
    '',
    `| Control | Status | ${FRAMEWORKS.join(' | ')} |`,
    `|---|---|${FRAMEWORKS.map(() => '---').join('|')}|`,
  );
  for (const c of report.controls) {
    const refsCells = FRAMEWORKS.map((f) => cell(c.frameworks[f].join(', ') || '—'));
    lines.push(`| [${c.title}](#${c.id}) | **${c.status}** | ${refsCells.join(' | ')} |`);
  }
  lines.push('', '## By framework', '');
  for (const f of FRAMEWORKS) {
    lines.push(`### ${f}`, '');
    const mapped = report.controls.filter((c) => c.frameworks[f].length > 0);
    if (mapped.length === 0) lines.push('No control of this kit maps to it.');
    for (const c of mapped)
      lines.push(`- ${c.frameworks[f].join(', ')}: ${c.title} — **${c.status}**`);
    lines.push('');
  }
  lines.push('## Controls', '');
  for (const c of report.controls) {
    lines.push(`<a id="${c.id}"></a>`, `### ${c.title}: ${c.status}`, '', c.description, '');
    if (c.rules.length > 0) lines.push(`Policy rules: ${c.rules.map(code).join(', ')}.`, '');
    if (c.addresses.length > 0) {
      lines.push('Implemented by:', '', ...c.addresses.map((a) => `- ${code(a)}`), '');
    }
    if (c.evidence.length > 0)
      lines.push('Evidence:', '', ...c.evidence.map((e) => `- ${text(e)}`), '');
    if (c.gaps.length > 0) lines.push('Missing:', '', ...c.gaps.map((g) => `- ${text(g)}`), '');
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
