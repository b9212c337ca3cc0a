// One deploy of one environment app, shared by `npm run deploy` and `npm start`: synthesize,
// hash each stack, select the stacks to plan (all, the named ones, or with `changed` those that
// differ from their recorded apply and their dependents), prepare the emulator for the local
// target, then plan or apply them (run.mjs) and record what was applied (record.mjs).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appStacks, synthApp, terraformEnv } from '../lib.mjs';
import { packages } from '../onboarding-files.mjs';
import { adoptEmulator, ensureStateBuckets, seedNetwork } from './local.mjs';
import { DeployError, readRecords, stackBackend, stackHash } from './record.mjs';
import { runStacks, stackRow } from './run.mjs';
import { changeReason, selectStacks } from './select.mjs';

/** A usage problem found once the app is synthesized (an unknown --stack): exit 2. */
export class StackUsageError extends Error {}

/** The environment app's config as the app loads it (CCB_CONFIG, else apps/<env>/config.yaml). */
export function loadEnvironmentConfig(env, root) {
  const path = process.env.CCB_CONFIG ?? join(root, 'apps', env, 'config.yaml');
  return packages().core.loadConfigFile(path);
}

/**
 * The stacks of a synthesized app, dependencies first:
 * `[{ name, dir, dependencies, backend, hash }]`.
 */
export function synthesizedStacks(outdir) {
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
  return appStacks(outdir).map(([name, dir]) => ({
    name,
    dir,
    dependencies: manifest.stacks[name].dependencies ?? [],
    backend: stackBackend(dir),
    hash: stackHash(dir),
  }));
}

/** The Terraform environment of a target: the emulator's keys locally, else the caller's own. */
export function deployTerraformEnv(local) {
  if (!local) return terraformEnv();
  const own = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')),
  );
  return terraformEnv(
    {
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
    },
    own,
  );
}

/**
 * Deploys (or plans, or lists) one environment.
 * - `env`, `root`: the app (apps/<env>) and the repository root;
 * - `workDir`: synthesizes into `<workDir>/cdktf.out`, local state files in `workDir`;
 * - `local`: `{ endpoint, pid?, fresh? }` of the emulator for the local target
 *   (`fresh`: its state starts empty), or undefined for AWS;
 * - `changed`, `only`, `plan`, `list`, `parallel`, `terraformParallelism` (undefined: the default
 *   split): see docs/deploy.md;
 * - `progress(line)`: progress messages.
 * Resolves `{ stacks: [{ name, status, init, add, change, destroy, seconds, reason, log }],
 * planned }`
 * (with `list`: `planned` names only, nothing run).
 */
export async function deployEnvironment({
  env,
  root,
  workDir,
  local,
  changed = false,
  only = [],
  plan = false,
  list = false,
  parallel = 4,
  terraformParallelism,
  progress = () => {},
}) {
  const outdir = join(workDir, 'cdktf.out');
  const synthStarted = Date.now();
  try {
    synthApp(env, {
      outdir,
      env: {
        CCB_STATE_DIR: workDir,
        ...(local ? { CCB_TARGET: 'local', CCB_EMULATOR_ENDPOINT: local.endpoint } : {}),
      },
    });
  } catch (err) {
    // The app reports each problem on a line of its own; a missing build is one line too.
    const said = err.result ? `${err.result.stdout}${err.result.stderr}`.trim() : err.message;
    throw new DeployError(`synthesizing apps/${env} failed:\n${said}`);
  }
  if (local && adoptEmulator(workDir, local, { fresh: local.fresh })) {
    progress('local state of another emulator removed');
  }
  const stacks = synthesizedStacks(outdir);
  progress(`synthesized ${stacks.length} stack(s) in ${secondsSince(synthStarted)} s`);

  const unknown = only.filter((name) => !stacks.some((s) => s.name === name));
  if (unknown.length > 0) {
    throw new StackUsageError(
      unknown
        .map((n) => `--stack ${n}: no such stack (stacks: ${stacks.map((s) => s.name).join(', ')})`)
        .join('\n'),
    );
  }

  const reasons = new Map();
  let records = new Map();
  if (changed) {
    const considered = only.length > 0 ? stacks.filter((s) => only.includes(s.name)) : stacks;
    records = readRecords(considered);
    for (const stack of considered) {
      const reason = changeReason({ hash: stack.hash, ...records.get(stack.name) });
      if (reason) reasons.set(stack.name, reason);
    }
  }
  const { planned, unchanged } = selectStacks(stacks, { only, changed, reasons });
  const unchangedRows = unchanged.map((name) => stackRow(name, { status: 'unchanged' }));
  if (list || planned.length === 0) {
    return { planned: planned.map((p) => p.name), stacks: unchangedRows };
  }

  if (local) {
    ensureStateBuckets(
      local.endpoint,
      stacks.map((s) => s.backend),
    );
    const network = await seedNetwork(local.endpoint, loadEnvironmentConfig(env, root));
    if (network) progress(`network ${network.vpcId} present in the emulator`);
  }
  const selected = planned.map(({ name, reason }) => ({
    ...stacks.find((s) => s.name === name),
    reason,
  }));
  // A plan of a shard reads the environment stack's outputs from its state: the dependencies
  // never applied (no state) are the ones whose dependents cannot be planned yet.
  const unapplied = new Set();
  if (plan) {
    const dependencies = stacks.filter((s) =>
      selected.some((p) => p.dependencies.includes(s.name)),
    );
    const unread = dependencies.filter((s) => !records.has(s.name));
    const states = new Map([...records, ...(unread.length > 0 ? readRecords(unread) : [])]);
    for (const { name } of dependencies) if (!states.get(name)?.state) unapplied.add(name);
  }
  const results = await runStacks(selected, {
    plan,
    parallel,
    // undefined: runStacks' default share.
    terraformParallelism,
    env: deployTerraformEnv(local),
    // A local backend's settings carry the emulator's address, which changes between emulators.
    reconfigure: Boolean(local),
    unapplied,
    onEvent: ({ type, name, result }) => {
      if (type === 'start')
        progress(
          `${name}: ${plan ? 'plan' : 'apply'} (${selected.find((s) => s.name === name).reason})`,
        );
      else
        progress(
          `${name}: ${result.status}${result.reason && result.status !== 'applied' && result.status !== 'planned' ? ` (${result.reason})` : ''} in ${result.seconds} s`,
        );
    },
  });
  const order = stacks.map((s) => s.name);
  const rows = [...unchangedRows, ...results].sort(
    (a, b) => order.indexOf(a.name) - order.indexOf(b.name),
  );
  return { planned: planned.map((p) => p.name), stacks: rows };
}

const secondsSince = (t) => ((Date.now() - t) / 1000).toFixed(1);
