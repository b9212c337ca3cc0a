#!/usr/bin/env node
// The platform team's spend-cap console.
//
//   npm run caps -- --env <env> [--local] [--json] status
//   npm run caps -- --env <env> [--local] unblock <developer>
//   npm run caps -- --env <env> [--local] raise <developer> <usd>
//
// Reads the environment's `spend_caps` output (terraform output of apps/<env>, or the local
// deployment with --local) and works with the AWS CLI under the caller's normal credential chain
// (the emulator's with --local), so every change is an ordinary API call recorded by CloudTrail:
// DynamoDB UpdateItem on the usage table and Bedrock UntagResource on the developer's profiles.
//
// - status: every developer's spend, cap and state in the current period.
// - unblock: lifts a block of the current period for the rest of it (the row is marked exempt:
//   still counted and alerted, never blocked again this period); the next period starts fresh.
//   Refused when the developer is not blocked in the current period.
// - raise: sets the developer's cap for the current period (the row's capOverrideUsd) and lifts a
//   block the new cap no longer justifies; thresholds alert again against the new cap.
import { parseArgs } from 'node:util';
import { capsPeriod, capsStatus, clockOf, readCapsDocument, usageRows } from './caps-status.mjs';
import { awsJsonClient } from './lib.mjs';
import { deployedOutputs } from './onboarding-files.mjs';

const USAGE =
  'usage: npm run caps -- --env <env> [--local] [--json] status | unblock <developer> | raise <developer> <usd>';
const BUDGET_STATE_TAG = 'BudgetState';

/** A failure reported as one line (exit 2: usage, 1: anything else). */
export class CapsError extends Error {
  constructor(message, code = 1) {
    super(message);
    this.code = code;
  }
}

const num = (attr) => (attr?.N === undefined ? undefined : Number(attr.N));

function developerOf(doc, id) {
  const dev = Object.prototype.hasOwnProperty.call(doc.developers, id)
    ? doc.developers[id]
    : undefined;
  if (!dev) {
    const known = Object.keys(doc.developers);
    throw new CapsError(
      `unknown developer '${id}' (known: ${known.slice(0, 8).join(', ')}${known.length > 8 ? `, … ${known.length} in all` : ''})`,
      2,
    );
  }
  return dev;
}

function untag(aws, profiles) {
  for (const arn of Object.values(profiles)) {
    aws(['bedrock', 'untag-resource', '--resource-arn', arn, '--tag-keys', BUDGET_STATE_TAG]);
  }
}

function update(aws, table, developer, period, expression, values, names) {
  return aws([
    'dynamodb',
    'update-item',
    '--table-name',
    table,
    '--key',
    JSON.stringify({ developer: { S: developer }, period: { S: period } }),
    '--update-expression',
    expression,
    '--expression-attribute-values',
    JSON.stringify(values),
    ...(names ? ['--expression-attribute-names', JSON.stringify(names)] : []),
    '--return-values',
    'ALL_NEW',
  ]).Attributes;
}

/**
 * Runs the command; returns the exit code. `target` overrides where the deployment is (tests):
 * `{ endpoint, outputs }` of an emulator and its applied outputs.
 */
export async function main(argv = process.argv.slice(2), log = console.log, target = undefined) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        env: { type: 'string' },
        local: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: true,
    });
  } catch (err) {
    throw new CapsError(`${err.message}\n${USAGE}`, 2);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    log(USAGE);
    return 0;
  }
  const [command, developer, usd] = positionals;
  const problems = [];
  if (!values.env) problems.push('--env is required');
  const arity = { status: 1, unblock: 2, raise: 3 }[command];
  if (arity === undefined) problems.push(`unknown command '${command ?? ''}'`);
  else if (positionals.length !== arity)
    problems.push(`'${command}' takes ${arity - 1} argument(s)`);
  const amount = Number(usd);
  if (command === 'raise' && positionals.length === 3 && !(Number.isFinite(amount) && amount > 0)) {
    problems.push(`the cap must be a positive number of USD (got '${usd}')`);
  }
  if (problems.length > 0) throw new CapsError(`${problems.join('; ')}\n${USAGE}`, 2);

  let endpoint = target?.endpoint;
  let outputs = target?.outputs;
  if (!target) {
    if (values.local) {
      const { backgroundStatus } = await import('./emulator.mjs');
      const state = await backgroundStatus();
      if (!state)
        throw new CapsError(
          `no local emulator is running: run 'npm start -- --env ${values.env} --keep'`,
        );
      endpoint = state.endpoint;
    }
    ({ outputs } = deployedOutputs(values.env, { local: values.local }));
    if (!outputs) {
      throw new CapsError(
        values.local
          ? `'${values.env}' is not deployed locally: run 'npm start -- --env ${values.env} --keep'`
          : `no deployment of '${values.env}' found: run 'cdktf deploy' in apps/${values.env} (or use --local)`,
      );
    }
  }
  // The deployment's region (output `region`), whatever the caller's profile defaults to.
  const aws = awsJsonClient(endpoint, {
    region: outputs.region?.value,
    toError: (message) => new CapsError(message),
  });
  const caps = outputs.spend_caps?.value;
  if (!caps) {
    throw new CapsError(
      `spend caps are off in '${values.env}': set budgets.perDeveloper.enforce: true and deploy`,
    );
  }
  const now = await clockOf(endpoint);
  const table = caps.usage_table;

  if (command === 'status') {
    const { doc, period, developers } = capsStatus(aws, caps, now);
    // The status columns `npm run caps` has always printed.
    const report = developers.map((d) => ({
      developer: d.developer,
      team: d.team,
      calls: d.calls,
      spentUsd: d.spentUsd,
      capUsd: d.capUsd,
      percent: d.percent,
      state: d.state,
    }));
    if (values.json) {
      log(JSON.stringify({ period, table, developers: report }, null, 2));
      return 0;
    }
    const header = ['developer', 'team', 'calls', 'spent USD', 'cap USD', 'used', 'state'];
    const lines = report.map((r) => [
      r.developer,
      r.team,
      String(r.calls),
      r.spentUsd.toFixed(4),
      r.capUsd.toFixed(2),
      `${r.percent.toFixed(0)} %`,
      r.state,
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
    log(`spend caps of '${values.env}', period ${period} (${doc.period}), table ${table}`);
    for (const l of [header, ...lines])
      log(
        l
          .map((c, i) => c.padEnd(widths[i]))
          .join('  ')
          .trimEnd(),
      );
    const blocked = report.filter((r) => r.state === 'blocked').length;
    log(`${report.length} developers, ${blocked} blocked`);
    return 0;
  }

  const doc = readCapsDocument(aws, caps);
  const period = capsPeriod(doc, now);
  const dev = developerOf(doc, developer);
  const who = aws(['sts', 'get-caller-identity']).Arn ?? 'unknown';
  const at = new Date().toISOString();
  if (command === 'unblock') {
    // Only a developer blocked in this period: exempting anyone else would switch their cap off
    // for the whole period (a block left from last period is lifted by the hourly reset).
    const current = usageRows(aws, table, [developer], period).get(developer);
    if (current?.blocked?.BOOL !== true) {
      throw new CapsError(
        `${developer} is not blocked in ${period}; nothing to unblock (use 'raise' to change a cap)`,
      );
    }
    untag(aws, {
      ...dev.profiles,
      ...Object.fromEntries((current.blockedProfiles?.SS ?? []).map((arn) => [arn, arn])),
    });
    update(
      aws,
      table,
      developer,
      period,
      'SET #blocked = :false, #exempt = :true, #by = :by, #at = :at',
      { ':false': { BOOL: false }, ':true': { BOOL: true }, ':by': { S: who }, ':at': { S: at } },
      { '#blocked': 'blocked', '#exempt': 'exempt', '#by': 'unblockedBy', '#at': 'unblockedAt' },
    );
    log(
      `unblocked ${developer} for the rest of ${period} (${Object.keys(dev.profiles).length} profiles untagged; spend is still counted and alerted)`,
    );
    return 0;
  }

  // raise
  const row = update(
    aws,
    table,
    developer,
    period,
    'SET #cap = :cap, #by = :by, #at = :at REMOVE #warned',
    { ':cap': { N: String(amount) }, ':by': { S: who }, ':at': { S: at } },
    { '#cap': 'capOverrideUsd', '#by': 'raisedBy', '#at': 'raisedAt', '#warned': 'warned' },
  );
  const spent = num(row?.costUsd) ?? 0;
  let lifted = false;
  if (row?.blocked?.BOOL && spent < amount) {
    untag(aws, dev.profiles);
    update(
      aws,
      table,
      developer,
      period,
      'SET #blocked = :false',
      { ':false': { BOOL: false } },
      {
        '#blocked': 'blocked',
      },
    );
    lifted = true;
  }
  log(
    `${developer}: cap for ${period} is now ${amount} USD (spent ${spent.toFixed(4)} USD)${lifted ? '; block lifted' : ''}`,
  );
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(err instanceof CapsError ? err.message : `error: ${err.message}`);
      process.exit(err instanceof CapsError ? err.code : 1);
    },
  );
}
