#!/usr/bin/env node
// Deploys only what changed (docs/deploy.md):
//
//   npm run deploy -- --env <env> [--local] [--changed] [--stack <name>]... [--plan] [--list]
//                     [--json] [--parallel N] [--terraform-parallelism N] [--out <dir>]
//
// Synthesizes apps/<env> (AWS: into apps/<env>/cdktf.out, with your credential chain; --local: into
// out/local/<env> for the background emulator, started if none runs, or the one
// CCB_EMULATOR_ENDPOINT names), then plans or applies its stacks, the environment stack before its
// shards and the shards up to --parallel at a time (each with Terraform's -parallelism: 40 shared
// by the stacks run at once, at least 4, or --terraform-parallelism). --changed keeps only the
// stacks whose synthesized configuration or state differs from what the last successful apply
// recorded with the state, and their dependents. --list prints those stacks and stops (a CI matrix).
// Exit: 0 done, 1 a stack failed (or a deploy error), 2 usage.
import { join, resolve } from 'node:path';
import { ROOT, listApps } from './lib.mjs';
import { USAGE, parseDeployArgs } from './deploy/args.mjs';
import { StackUsageError, deployEnvironment } from './deploy/core.mjs';
import { useEmulator } from './deploy/local.mjs';

const started = Date.now();
const { options, problems } = parseDeployArgs(process.argv.slice(2), { apps: listApps() });
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}
if (problems.length > 0) {
  for (const problem of problems) console.error(`deploy: ${problem}`);
  console.error(USAGE);
  process.exit(2);
}

const quiet = options.json || options.list;
const progress = (line) => {
  if (!quiet) console.error(`▶ ${line}`);
};

/** The summary table: stack, status, +add ~change -destroy, seconds, reason. */
function table(rows) {
  const cells = rows.map((r) => [
    r.name,
    r.status,
    r.add === null ? '' : `+${r.add} ~${r.change} -${r.destroy}`,
    r.status === 'unchanged' ? '' : `${r.seconds.toFixed(1)} s`,
    r.reason ?? '',
  ]);
  const header = ['stack', 'status', 'changes', 'time', 'reason'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  return [header, ...cells]
    .map((c) =>
      c
        .map((v, i) => v.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

let result;
try {
  let local;
  if (options.local) {
    local = await useEmulator({ background: true });
    if (local.started) progress(`started the background emulator at ${local.endpoint}`);
  }
  const workDir = options.out
    ? resolve(process.env.INIT_CWD ?? process.cwd(), options.out)
    : options.local
      ? join(ROOT, 'out', 'local', options.env)
      : join(ROOT, 'apps', options.env);
  result = await deployEnvironment({
    env: options.env,
    root: ROOT,
    workDir,
    local,
    changed: options.changed,
    only: options.stacks,
    plan: options.plan,
    list: options.list,
    parallel: options.parallel,
    terraformParallelism: options.terraformParallelism,
    progress,
  });
} catch (err) {
  console.error(`deploy: ${err.message}`);
  process.exit(err instanceof StackUsageError ? 2 : 1);
}

const seconds = Math.round((Date.now() - started) / 100) / 10;
if (options.list) {
  console.log(options.json ? JSON.stringify(result.planned) : result.planned.join('\n'));
  process.exit(0);
}
const failed = result.stacks.some((s) => s.status === 'failed' || s.status === 'skipped');
if (options.json) {
  const fields = ['name', 'status', 'add', 'change', 'destroy', 'seconds', 'reason', 'init'];
  const stacks = result.stacks.map((row) => Object.fromEntries(fields.map((f) => [f, row[f]])));
  console.log(JSON.stringify({ env: options.env, stacks, seconds }, null, 2));
} else if (result.planned.length === 0) {
  console.log(
    `nothing changed in '${options.env}': ${result.stacks.length} stack(s) as last applied (${seconds} s)`,
  );
} else {
  console.log(table(result.stacks));
  console.log(`${options.plan ? 'planned' : 'deployed'} '${options.env}' in ${seconds} s`);
  for (const s of result.stacks.filter((r) => r.status === 'failed')) {
    console.error(`${s.name}: ${s.reason} (log: ${s.log})`);
  }
}
process.exit(failed ? 1 : 0);
