#!/usr/bin/env node
// The steps of the example CI workflow (github-actions.yml beside this file): every `run:` step of
// the workflow is one command of this script, so the workflow holds no logic of its own and
// scripts/test/ci-example.test.mjs runs the same commands locally, against the emulator.
//
//   node examples/ci-deploy/ci.mjs <command> [--local] [--out <dir>]
//     setup <env>            npm ci, then build apps/<env> and the packages it uses
//     changed <env>          the stacks to plan or apply (outputs: stacks, environment, shards)
//     plan <env> [<stack>]   plan one stack, or every changed one (records nothing)
//     apply <env> [<stack>]  apply one stack, or every changed one
//     gate <changed-result> <plan-result>
//                            one check for branch protection over the whole plan matrix
//   --local      against the local emulator (`npm run deploy -- --local`)
//   --out <dir>  where to synthesize (default out/ci/<env>); parallel jobs on one machine need one
//                each, as runners have
//
// `changed` runs `npm run deploy -- --env <env> --changed --list --json` and splits the list into
// the environment stack (the stack the others depend on) and the team stacks
// (allocation.shardBy: team). `plan` and `apply` run `npm run deploy -- --env <env> --stack
// <stack> [--plan] --json`; `apply` without a stack applies every changed stack (environment
// first, team stacks in parallel). State must live in S3: a runner keeps no files.
//
// In a GitHub Actions job (GITHUB_OUTPUT and GITHUB_STEP_SUMMARY name files) the step outputs
// (`changed`: stacks, environment, shards) and a Markdown summary are appended to those files;
// elsewhere the outputs are printed as one JSON object on stdout and the summary on stderr.
// Exit: 0 done, 1 a stack failed (or deploy did), 2 usage.
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, appStacks } from '../../scripts/lib.mjs';
import { synthesizedStacks } from '../../scripts/deploy/core.mjs';
import { LOG_FILE, stackParallelism } from '../../scripts/deploy/run.mjs';

/** The commands: their positional arguments (`?`: optional) and what they do. */
export const COMMANDS = {
  setup: { args: ['env'], help: 'npm ci, then build apps/<env> and the packages it uses' },
  changed: {
    args: ['env'],
    help: 'the stacks to plan or apply: outputs stacks, environment, shards',
  },
  plan: {
    args: ['env', 'stack?'],
    help: 'plan one stack, or every changed one (nothing is recorded)',
  },
  apply: { args: ['env', 'stack?'], help: 'apply one stack, or every changed one' },
  gate: {
    args: ['changed-result', 'plan-result'],
    help: 'the check for branch protection: passes if both are success or skipped',
  },
};

/** Job results (needs.<job>.result) that let a pull request merge. */
const PASSING = ['success', 'skipped'];

const synopsis = (name) =>
  [
    name,
    ...COMMANDS[name].args.map((a) => (a.endsWith('?') ? `[<${a.slice(0, -1)}>]` : `<${a}>`)),
  ].join(' ');
const width = Math.max(...Object.keys(COMMANDS).map((name) => synopsis(name).length)) + 2;
export const USAGE = [
  'usage: node examples/ci-deploy/ci.mjs <command> [--local] [--out <dir>]',
  ...Object.entries(COMMANDS).map(([name, c]) => `  ${synopsis(name).padEnd(width)}${c.help}`),
].join('\n');

/** Resource-change lines of a plan shown in the summary; the rest is in the job log. */
const SUMMARY_CHANGES = 100;
/**
 * How many jobs of this one's matrix run at once, from GitHub's `strategy` context (the workflow
 * passes `strategy.job-total` as CCB_JOB_TOTAL and `strategy.max-parallel` as CCB_MAX_PARALLEL; a
 * job outside a matrix has 1 of each; unset, as on a laptop: 1). Each job deploys one stack, so its
 * Terraform parallelism is one share of what a single `npm run deploy` of that many stacks would
 * use (scripts/deploy/run.mjs, TF_OPERATIONS): the account sees the same operations in flight.
 */
export function jobsAtOnce(env = process.env) {
  const count = (name) => {
    const n = Number(env[name]);
    return Number.isInteger(n) && n > 0 ? n : 1;
  };
  return Math.min(count('CCB_JOB_TOTAL'), count('CCB_MAX_PARALLEL'));
}

/**
 * `{ options, problems }` for argv: options `{ command, env, stack, local, out }`; problems one
 * line each, all of them at once.
 */
export function parseCiArgs(argv) {
  const problems = [];
  const positionals = [];
  let local = false;
  let out;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--local') local = true;
    else if (arg === '--out' || arg.startsWith('--out=')) {
      const value = arg === '--out' ? argv[(i += 1)] : arg.slice('--out='.length);
      if (!value || value.startsWith('--')) problems.push('--out needs a directory');
      else out = value;
    } else if (arg.startsWith('-')) problems.push(`unknown option ${arg}`);
    else positionals.push(arg);
  }
  const [command, ...args] = positionals;
  const spec = COMMANDS[command];
  if (!spec) {
    problems.push(command === undefined ? 'a command is required' : `unknown command '${command}'`);
  } else {
    const required = spec.args.filter((a) => !a.endsWith('?')).length;
    if (args.length < required || args.length > spec.args.length) {
      const wanted = spec.args.map((a) => (a.endsWith('?') ? `[${a.slice(0, -1)}]` : a));
      problems.push(`'${command}' takes ${wanted.join(' ')} (got ${args.length} argument(s))`);
    }
  }
  if (problems.length > 0) return { problems };
  if (command === 'gate') return { options: { command, results: args }, problems };
  const [env, stack] = args;
  return {
    options: { command, env, stack, local, out: resolve(out ?? join(ROOT, 'out', 'ci', env)) },
    problems,
  };
}

/**
 * Runs a command from the repository root, stderr shown; stdout captured (`capture`) or shown.
 * Resolves `{ status, stdout }`.
 */
function runCommand(cmd, args, { capture = false } = {}) {
  return new Promise((done) => {
    const child = spawn(cmd, args, {
      cwd: ROOT,
      stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'],
    });
    let stdout = '';
    child.stdout?.on('data', (chunk) => (stdout += chunk));
    child.once('error', (err) => {
      console.error(`ci: ${cmd}: ${err.message}`);
      done({ status: 127, stdout: '' });
    });
    child.once('close', (code, signal) => done({ status: code ?? (signal ? 128 : 1), stdout }));
  });
}

/** `npm run deploy -- <args> --json` for the options: `{ status, json }` (its parsed stdout). */
async function deploy(opts, args) {
  const res = await runCommand(
    'npm',
    [
      'run',
      '--silent',
      'deploy',
      '--',
      '--env',
      opts.env,
      ...args,
      '--json',
      '--out',
      opts.out,
      ...(opts.local ? ['--local'] : []),
    ],
    { capture: true },
  );
  let json;
  try {
    json = JSON.parse(res.stdout);
  } catch {
    json = undefined;
  }
  return { status: res.status, json };
}

/** Appends the step outputs to $GITHUB_OUTPUT, or prints them as one JSON object. */
function writeOutputs(outputs) {
  const file = process.env.GITHUB_OUTPUT;
  if (!file) {
    console.log(JSON.stringify(outputs));
    return;
  }
  const lines = Object.entries(outputs).map(([key, value]) => {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return `${key}=${text}\n`;
  });
  appendFileSync(file, lines.join(''));
}

/** Appends Markdown to the job summary ($GITHUB_STEP_SUMMARY), or prints it on stderr. */
function writeSummary(markdown) {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (file) appendFileSync(file, `${markdown}\n`);
  else console.error(markdown);
}

const code = (name) => `\`${name}\``;

async function changed(opts) {
  const res = await deploy(opts, ['--changed', '--list']);
  if (res.status !== 0 || !Array.isArray(res.json)) {
    writeSummary(`### changed stacks in ${code(opts.env)}\n\nnpm run deploy failed: see the log.`);
    return res.status || 1;
  }
  const stacks = synthesizedStacks(join(opts.out, 'cdktf.out'));
  // A runner starts with a fresh checkout: a local state would be lost after every job.
  const local = stacks.filter((s) => s.backend.kind !== 's3');
  if (local.length > 0) {
    console.error(
      `ci: ${local.map((s) => s.name).join(', ')}: the state is local; CI needs backend.s3 in apps/${opts.env}'s config (docs/deploying.md)`,
    );
    return 1;
  }
  // The environment stack is the one the team stacks depend on; it depends on none.
  const roots = new Set(stacks.filter((s) => s.dependencies.length === 0).map((s) => s.name));
  const names = res.json;
  const outputs = {
    stacks: names,
    environment: names.find((n) => roots.has(n)) ?? '',
    shards: names.filter((n) => !roots.has(n)),
  };
  writeOutputs(outputs);
  writeSummary(
    [
      `### changed stacks in ${code(opts.env)}`,
      '',
      names.length === 0
        ? `Nothing changed: all ${stacks.length} stack(s) are as last applied.`
        : `${names.length} of ${stacks.length} stack(s) differ from what was last applied: ${names.map(code).join(', ')}.`,
    ].join('\n'),
  );
  return 0;
}

/** The Markdown table of deploy's result rows. */
function resultTable(rows) {
  const changes = (r) => (r.add === null ? '' : `+${r.add} ~${r.change} -${r.destroy}`);
  return [
    '| stack | status | changes | time | reason |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${code(r.name)} | ${r.status} | ${changes(r)} | ${r.seconds} s | ${(r.reason ?? '').replace(/\|/g, '\\|')} |`,
    ),
  ].join('\n');
}

/** The Terraform output of each stack deploy ran (its deploy.log): `[{ name, log }]`. */
function terraformLogs(opts, rows) {
  const dirs = new Map(appStacks(join(opts.out, 'cdktf.out')));
  return rows
    .map((r) => ({ name: r.name, path: join(dirs.get(r.name) ?? '', LOG_FILE) }))
    .filter((l) => dirs.has(l.name) && existsSync(l.path))
    .map((l) => ({ name: l.name, log: readFileSync(l.path, 'utf8') }));
}

/** The resource lines of a plan ("# aws_x.y will be created"), for the summary. */
export function resourceChanges(log) {
  return log
    .split('\n')
    .map((l) => /^\s*# (\S.*(?:will be|must be) .*)$/.exec(l)?.[1])
    .filter(Boolean);
}

/** Shows each Terraform log in the job log (folded on GitHub). */
function showLogs(logs, verb) {
  const github = process.env.GITHUB_ACTIONS === 'true';
  for (const { name, log } of logs) {
    console.error(github ? `::group::terraform ${verb} ${name}` : `--- terraform ${verb} ${name}`);
    console.error(log.trimEnd());
    if (github) console.error('::endgroup::');
  }
}

async function planOrApply(opts, { plan }) {
  const verb = plan ? 'plan' : 'apply';
  const args = opts.stack
    ? [
        ...['--stack', opts.stack],
        ...['--terraform-parallelism', String(stackParallelism(jobsAtOnce()))],
      ]
    : ['--changed'];
  const res = await deploy(opts, [...args, ...(plan ? ['--plan'] : [])]);
  const title = `### ${verb} ${opts.stack ? code(opts.stack) : `the changed stacks of ${code(opts.env)}`}`;
  if (!Array.isArray(res.json?.stacks)) {
    writeSummary(`${title}\n\nnpm run deploy failed: see the log.`);
    return res.status || 1;
  }
  const rows = res.json.stacks;
  const ran = rows.filter((r) => r.status !== 'unchanged');
  const unchanged = rows.filter((r) => r.status === 'unchanged').map((r) => code(r.name));
  // Only the stacks Terraform ran for: a deferred or skipped stack's directory may hold an older log.
  const logs = terraformLogs(
    opts,
    ran.filter((r) => r.init !== null),
  );
  showLogs(logs, verb);
  const details = plan
    ? logs.map(({ name, log }) => {
        const lines = resourceChanges(log);
        if (lines.length === 0) return '';
        const shown = lines.slice(0, SUMMARY_CHANGES);
        const more = lines.length - shown.length;
        return [
          '',
          `<details><summary>${code(name)}: ${lines.length} resource change(s)</summary>`,
          '',
          '```',
          ...shown,
          ...(more > 0 ? [`... and ${more} more (the job log has the whole plan)`] : []),
          '```',
          '',
          '</details>',
        ].join('\n');
      })
    : [];
  writeSummary(
    [
      title,
      '',
      ran.length === 0 ? 'Nothing changed.' : resultTable(ran),
      ...(unchanged.length > 0 ? ['', `As last applied: ${unchanged.join(', ')}.`] : []),
      ...details.filter(Boolean),
    ].join('\n'),
  );
  return res.status;
}

/** Fails unless the `changed` and `plan` jobs' results let the pull request merge. */
function gate([changedResult, planResult]) {
  const failed = [
    ['changed', changedResult],
    ['plan', planResult],
  ].filter(([, result]) => !PASSING.includes(result));
  for (const [job, result] of failed) console.error(`ci: the ${job} job's result is ${result}`);
  writeSummary(
    failed.length === 0
      ? '### plans: passed'
      : `### plans: failed\n\n${failed.map(([job, result]) => `- ${code(job)}: ${result}`).join('\n')}`,
  );
  return failed.length === 0 ? 0 : 1;
}

async function setup(opts) {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'apps', opts.env, 'package.json'), 'utf8'));
  for (const [cmd, args] of [
    ['npm', ['ci', '--no-audit', '--no-fund']],
    ['npx', ['turbo', 'run', 'build', `--filter=${pkg.name}...`, '--output-logs=errors-only']],
  ]) {
    console.error(`$ ${cmd} ${args.join(' ')}`);
    const { status } = await runCommand(cmd, args);
    if (status !== 0) return status;
  }
  return 0;
}

async function main(argv) {
  const { options: opts, problems } = parseCiArgs(argv);
  if (problems.length > 0) {
    for (const problem of problems) console.error(`ci: ${problem}`);
    console.error(USAGE);
    return 2;
  }
  if (opts.command === 'setup' && !existsSync(join(ROOT, 'apps', opts.env, 'package.json'))) {
    console.error(`ci: no app apps/${opts.env}`);
    return 2;
  }
  switch (opts.command) {
    case 'gate':
      return gate(opts.results);
    case 'setup':
      return setup(opts);
    case 'changed':
      return changed(opts);
    case 'plan':
      return planOrApply(opts, { plan: true });
    default:
      return planOrApply(opts, { plan: false });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
