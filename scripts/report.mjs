#!/usr/bin/env node
// Who used which model, how much, and what it cost (docs/report.md).
//
//   npm run report -- --env <env> [--local] [--period YYYY-MM | --from YYYY-MM-DD [--to YYYY-MM-DD]]
//     [--by developer|team|cost-center|model|tier|day] [--format table|csv|json|md|html]
//     [--billed] [--out <file>]
//
// Rows come from the logs: the workgroup's named query `<project>-usage-by-developer-tier-day`,
// run through the Athena API for the period. With spend caps on, each developer's cap, state and
// live spend come from the enforcer's usage table; with --billed, Cost Explorer's bill by the User
// and Team tags is shown beside the estimate. Everything goes through the AWS CLI under the
// caller's normal credential chain, or the running emulator with --local.
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { clockOf } from './caps-status.mjs';
import { awsJsonClient } from './lib.mjs';
import { deployedOutputs } from './onboarding-files.mjs';
import { ReportError } from './report/error.mjs';
import { formatCsv, formatJson, formatMarkdown, formatTable } from './report/format.mjs';
import { DIMENSIONS, buildReport } from './report/model.mjs';
import { parsePeriod } from './report/period.mjs';
import { billedSource, liveSource, logsSource } from './report/sources.mjs';

export { ReportError };

const FORMATS = ['table', 'csv', 'json', 'md', 'html'];
const HTML_RENDERER = join(dirname(fileURLToPath(import.meta.url)), 'report', 'html.mjs');

const USAGE = `usage: npm run report -- --env <env> [--local]
    [--period YYYY-MM | --from YYYY-MM-DD [--to YYYY-MM-DD]]
    [--by ${Object.keys(DIMENSIONS).join('|')}] [--format ${FORMATS.join('|')}]
    [--billed] [--out <file>]`;

const HELP = `${USAGE}

Calls, tokens and estimated USD of the environment's Claude Code usage, per developer (default),
team, cost center, model, tier or UTC day. Usage not made through a developer profile is its own
row, 'unattributed'.

  --env <env>        the environment (apps/<env>); its deployment's outputs locate everything
  --local            the local deployment on the running emulator (npm start -- --keep)
  --period YYYY-MM   a calendar month (UTC)
  --from, --to       a range of UTC dates, both included (--to defaults to today)
                     default: the current month to date
  --by <dimension>   developer | team | cost-center | model | tier | day (default: developer)
  --format <format>  table (default) | csv | json | md | html
  --billed           also read the bill: Cost Explorer GetCostAndUsage by the User and Team
                     tags, beside the estimate with the difference and why they differ.
                     Cost Explorer charges 0.01 USD per request (one or more per report).
  --out <file>       write there (its directory must exist) instead of standard output

Sources: logs (Athena over the invocation logs, any period), live (the spend-cap usage table,
when caps are on; seconds old) and billed (Cost Explorer, with --billed). See docs/report.md.`;

/** The options of the command: name → parseArgs option. */
const OPTIONS = {
  env: { type: 'string' },
  local: { type: 'boolean', default: false },
  period: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  by: { type: 'string', default: 'developer' },
  format: { type: 'string', default: 'table' },
  billed: { type: 'boolean', default: false },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
};

/** The options, or a usage error naming every problem at once. */
function parseOptions(argv) {
  // Not strict, so that an unknown option is one problem among the others, not the only one.
  const parsed = parseArgs({
    args: argv,
    options: OPTIONS,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const problems = [];
  for (const t of parsed.tokens) {
    if (t.kind !== 'option') continue;
    const known = OPTIONS[t.name];
    if (!known) problems.push(`unknown option '${t.rawName}'`);
    else if (known.type === 'string' && t.value === undefined)
      problems.push(`option '${t.rawName} <value>' needs a value`);
    else if (known.type === 'boolean' && t.inlineValue)
      problems.push(`option '${t.rawName}' takes no value`);
  }
  for (const name of Object.keys(parsed.values)) {
    if (OPTIONS[name] && OPTIONS[name].type === 'string' && typeof parsed.values[name] !== 'string')
      delete parsed.values[name];
  }
  const { values, positionals } = parsed;
  for (const [name, o] of Object.entries(OPTIONS))
    if (!(name in values) && 'default' in o) values[name] = o.default;
  if (values.help) return values;
  if (!values.env && !parsed.tokens.some((t) => t.name === 'env'))
    problems.push('--env is required');
  if (positionals.length > 0) problems.push(`unexpected argument(s): ${positionals.join(' ')}`);
  problems.push(...parsePeriod(values, new Date()).problems);
  if (!Object.hasOwn(DIMENSIONS, values.by)) {
    problems.push(`unknown --by '${values.by}' (one of ${Object.keys(DIMENSIONS).join(', ')})`);
  }
  if (!FORMATS.includes(values.format)) {
    problems.push(`unknown --format '${values.format}' (one of ${FORMATS.join(', ')})`);
  }
  if (values.out !== undefined && !existsSync(dirname(resolve(values.out)))) {
    problems.push(
      `--out ${values.out}: the directory ${dirname(resolve(values.out))} does not exist`,
    );
  }
  if (problems.length > 0) throw new ReportError(`${problems.join('; ')}\n${USAGE}`, 2);
  return values;
}

/** The deployment: `{ endpoint, outputs }` (the emulator's endpoint with --local). */
async function deployment(values) {
  let endpoint;
  if (values.local) {
    const { backgroundStatus } = await import('./emulator.mjs');
    const state = await backgroundStatus();
    if (!state) {
      throw new ReportError(
        `no local emulator is running: run 'npm start -- --env ${values.env} --keep'`,
      );
    }
    endpoint = state.endpoint;
  }
  const { outputs, source } = deployedOutputs(values.env, { local: values.local });
  if (outputs && !values.local && source !== `apps/${values.env}`) {
    // Only the local deployment exists: its names mean nothing to real AWS.
    throw new ReportError(`'${values.env}' is deployed only locally, in ${source}: add --local`);
  }
  if (!outputs) {
    throw new ReportError(
      values.local
        ? `'${values.env}' is not deployed locally: run 'npm start -- --env ${values.env} --keep'`
        : `no deployment of '${values.env}' found: run 'cdktf deploy' in apps/${values.env} (or use --local)`,
    );
  }
  return { endpoint, outputs };
}

/** Renders the report in `format`. */
async function render(report, format) {
  switch (format) {
    case 'csv':
      return formatCsv(report);
    case 'json':
      return formatJson(report);
    case 'md':
      return formatMarkdown(report);
    case 'html': {
      const { renderHtml } = await import(HTML_RENDERER);
      return renderHtml(report);
    }
    default:
      return formatTable(report);
  }
}

/**
 * Runs the command; returns the exit code. `target` overrides where the deployment is (tests):
 * `{ endpoint, outputs }` of an emulator and its applied outputs, and optionally `aws` (a fake
 * `(args) => JSON`), `now` (a Date), `sleep` and `poll` (Athena polling, see sources.mjs).
 */
export async function main(argv = process.argv.slice(2), log = console.log, target = undefined) {
  const values = parseOptions(argv);
  if (values.help) {
    log(HELP);
    return 0;
  }
  if (values.format === 'html' && !existsSync(HTML_RENDERER)) {
    throw new ReportError(
      '--format html needs the HTML renderer scripts/report/html.mjs, which this checkout lacks',
    );
  }
  const { endpoint, outputs } = target?.outputs ? target : await deployment(values);
  // The deployment's region (output `region`), whatever the caller's profile defaults to.
  const aws =
    target?.aws ??
    awsJsonClient(endpoint, {
      region: outputs.region?.value,
      toError: (message) => new ReportError(message),
    });
  const now = target?.now ?? (await clockOf(endpoint));
  // Checked again on the deployment's clock (the emulator's may run ahead).
  const { period, problems } = parsePeriod(values, now);
  if (!period) throw new ReportError(`${problems.join('; ')}\n${USAGE}`, 2);

  const workgroup = outputs.athena_workgroup?.value;
  const database = outputs.athena_database?.value;
  if (!workgroup || !database) {
    throw new ReportError(
      `the outputs of '${values.env}' have no athena_workgroup/athena_database: deploy this version of the kit`,
    );
  }
  const logs = await logsSource(aws, {
    workgroup,
    database,
    period,
    poll: target?.poll,
    sleep: target?.sleep,
    now,
  });
  const caps = outputs.spend_caps?.value;
  const live = caps ? liveSource(aws, caps, now) : undefined;
  const billed = values.billed
    ? billedSource(aws, { project: logs.project, period, now })
    : undefined;

  const report = buildReport({
    environment: values.env,
    project: logs.project,
    now,
    period,
    by: values.by,
    usage: logs.rows,
    live,
    billed,
    sources: [logs.source, live?.source, billed?.source].filter(Boolean),
  });
  const text = await render(report, values.format);
  if (values.out) {
    writeFileSync(values.out, text.endsWith('\n') ? text : `${text}\n`);
    log(
      `wrote ${values.out} (${values.format}, ${report.rows.length} rows, ${report.period.label})`,
    );
  } else {
    log(text.replace(/\r?\n$/, ''));
  }
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      // One line, never a stack trace (a module error's message lists its require stack).
      console.error(
        err instanceof ReportError ? err.message : `error: ${String(err.message).split('\n')[0]}`,
      );
      process.exit(err instanceof ReportError ? err.code : 1);
    },
  );
}
