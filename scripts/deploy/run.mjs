// Runs `terraform init` and `plan` or `apply` for the selected stacks of one synthesized app: a
// stack starts once the selected stacks it depends on succeeded (so the environment stack goes
// before its shards), up to `parallel` at a time; the dependents of a failed stack are skipped.
// Each stack's Terraform output goes to `deploy.log` in its directory. After a successful apply
// the stack's content hash is recorded with its state (record.mjs); nothing is recorded for a plan
// or a failure.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { readRecords, sidecarFor, writeSidecar } from './record.mjs';

export const LOG_FILE = 'deploy.log';
/**
 * Terraform operations in flight across the stacks one deploy runs at once: each stack's
 * `-parallelism` is this divided by the number of stacks running together (stackParallelism).
 *
 * Why this number: the AWS provider (5.x) sleeps 5 s before every read of an `aws_budgets_budget`
 * (its `FindBudgetWithDelay`), at create and at every refresh, then gives the read 30 s in all. A
 * team stack holds a budget per developer (100 and more), so at Terraform's default of 10 (or the
 * 20 used before) the refresh of one changed stack was mostly sleeping, 5 s a wave. More waits
 * overlap at a higher number, but the sleeps end together, and AWS Budgets throttles (the
 * emulator's assumed 10 reads a second, emulator/rate_limits.py): with 100 budget reads in flight
 * for minutes (a 1,000-developer refresh), some retried past the provider's 30 s and the plan
 * failed. 40 in flight queue about 4 s at that rate.
 */
export const TF_OPERATIONS = 40;
/** The least `-parallelism` a stack gets, however many run at once. */
const MIN_STACK_PARALLELISM = 4;

/** `-parallelism` for each of `concurrent` stacks run at once: TF_OPERATIONS shared, 4 or more. */
export function stackParallelism(concurrent) {
  return Math.max(MIN_STACK_PARALLELISM, Math.floor(TF_OPERATIONS / Math.max(1, concurrent)));
}

/** Marks a stack directory initialized for a given `terraform` block and lock file (initKey). */
const INIT_MARKER = join('.terraform', 'ccb-init.sha256');
/**
 * How long a plan or apply waits for the state lock another run holds (a CI plan job of the same
 * stack, say) before it fails: Terraform's default is not to wait at all.
 */
const LOCK_TIMEOUT = '-lock-timeout=5m';
const TAIL_BYTES = 64 * 1024;

/**
 * Runs a command with its output appended to `log` (a write stream); resolves `{ status, tail,
 * counts }`: `tail` is the last 64 KiB of its output, `counts` what its last plan or apply summary
 * line said (see `resourceCounts`; the outputs Terraform prints after it can be long).
 */
function spawnLogged(cmd, args, { cwd, env, log }) {
  return new Promise((resolvePromise) => {
    log.write(`\n$ ${cmd} ${args.join(' ')}\n`);
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    let counts;
    const lines = { stdout: '', stderr: '' };
    const take = (stream) => (chunk) => {
      log.write(chunk);
      const text = chunk.toString('utf8');
      tail = (tail + text).slice(-TAIL_BYTES);
      const parts = (lines[stream] + text).split('\n');
      lines[stream] = parts.pop();
      for (const line of parts) counts = summaryCounts(line) ?? counts;
    };
    child.stdout.on('data', take('stdout'));
    child.stderr.on('data', take('stderr'));
    child.once('error', (err) => resolvePromise({ status: 127, tail: `Error: ${err.message}` }));
    child.once('close', (code, signal) => {
      for (const rest of Object.values(lines)) counts = summaryCounts(rest) ?? counts;
      resolvePromise({ status: code ?? (signal ? 128 : 1), tail, counts });
    });
  });
}

/**
 * The resource counts of one Terraform summary line: `{ add, change, destroy }` from the plan line
 * ("Plan: 1 to add, 0 to change, 0 to destroy.", "No changes.") or the apply line ("Apply
 * complete! Resources: 1 added, 0 changed, 0 destroyed."); undefined for any other line.
 */
export function summaryCounts(line) {
  const found =
    /^Apply complete! Resources: (?:\d+ imported, )?(\d+) added, (\d+) changed, (\d+) destroyed/.exec(
      line,
    ) ?? /^Plan: (?:\d+ to import, )?(\d+) to add, (\d+) to change, (\d+) to destroy/.exec(line);
  if (found) return { add: +found[1], change: +found[2], destroy: +found[3] };
  if (/^No changes\./.test(line)) return { add: 0, change: 0, destroy: 0 };
  return undefined;
}

/**
 * The first Terraform error of an output, on one line: its `Error:` line, followed by the first
 * line of its detail when the summary alone is short (the `with`/`on` context lines skipped).
 */
export function firstError(output) {
  const raw = output.split('\n');
  const clean = (l) => l.replace(/^[│╷╵]\s?/, '').trim();
  const at = raw.findIndex((l) => clean(l).startsWith('Error: '));
  if (at === -1) return raw.map(clean).filter(Boolean).pop() ?? 'no output';
  const head = clean(raw[at]);
  if (head.length >= 60) return head;
  const block = [];
  for (const line of raw.slice(at + 1)) {
    if (line.startsWith('╵') || clean(line).startsWith('Error: ')) break;
    block.push(clean(line));
  }
  const detail = block.find((l) => l && !/^(with |on |\d+:)/.test(l));
  return detail ? `${head} ${detail}` : head;
}

/**
 * What `terraform init` depends on in a stack directory: the synthesized `terraform` block
 * (backend and its settings, required providers and version), the dependency lock file, the CLI
 * configuration that says where providers come from (its path and its content), and the
 * environment variables that add init arguments (`TF_CLI_ARGS`, `TF_CLI_ARGS_init`).
 */
export function initKey(stackDir, env = process.env) {
  const tf = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8'));
  const fileText = (path) => (path && existsSync(path) ? readFileSync(path) : '');
  const parts = [
    JSON.stringify(tf.terraform ?? {}),
    fileText(join(stackDir, '.terraform.lock.hcl')),
    env.TF_CLI_CONFIG_FILE ?? '',
    fileText(env.TF_CLI_CONFIG_FILE),
    env.TF_CLI_ARGS ?? '',
    env.TF_CLI_ARGS_init ?? '',
  ];
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex');
}

/**
 * Whether `terraform init` already ran successfully for the stack's current initKey, and what it
 * installed is still there. Never with `TF_DATA_DIR` set (the working data lives elsewhere then).
 */
export function initialized(stackDir, env) {
  if (env.TF_DATA_DIR) return false;
  const marker = join(stackDir, INIT_MARKER);
  return (
    existsSync(marker) &&
    existsSync(join(stackDir, '.terraform', 'providers')) &&
    readFileSync(marker, 'utf8') === initKey(stackDir, env)
  );
}

/** Forgets a stack's initialization: the next run inits again. */
const forgetInit = (stackDir) => rmSync(join(stackDir, INIT_MARKER), { force: true });

/**
 * One stack's result row, as runStacks and deploy report it: `fields` over a row where nothing
 * ran (no init, no counts, no time, no reason, no log).
 */
export function stackRow(name, fields) {
  return {
    name,
    init: null,
    add: null,
    change: null,
    destroy: null,
    seconds: 0,
    reason: null,
    log: null,
    ...fields,
  };
}

/**
 * Plans or applies `stacks` (`[{ name, dir, dependencies, backend, hash }]`, dependencies first),
 * `parallel` at a time, each with Terraform's `-parallelism=<terraformParallelism>` (by default
 * TF_OPERATIONS shared by the stacks that can run together).
 * `onEvent({ type: 'start' | 'done', name, result? })` reports progress. Resolves one result per
 * stack: `{ name, init, status, add, change, destroy, seconds, reason, log }` with status
 * `planned`, `applied`, `failed`, `skipped` (a dependency failed) or `deferred` (a plan of a stack
 * that depends on one of `unapplied`, the stacks with no state yet: it could not read their
 * outputs), and `init` `ran`, `skipped` (the directory was initialized for this configuration) or
 * null (not reached).
 */
export async function runStacks(
  stacks,
  {
    plan = false,
    parallel = 4,
    terraformParallelism = stackParallelism(Math.min(parallel, stacks.length)),
    env,
    reconfigure = false,
    unapplied = new Set(),
    onEvent = () => {},
  },
) {
  const tfParallelism = `-parallelism=${terraformParallelism}`;
  const results = new Map();
  const pending = new Map(stacks.map((s) => [s.name, s]));
  const running = new Map();

  const runOne = async (stack) => {
    const started = Date.now();
    const log = createWriteStream(join(stack.dir, LOG_FILE));
    const seconds = () => Math.round((Date.now() - started) / 100) / 10;
    let init = null;
    const done = (fields) =>
      stackRow(stack.name, { init, log: join(stack.dir, LOG_FILE), ...fields, seconds: seconds() });
    try {
      const tf = (args) => spawnLogged('terraform', args, { cwd: stack.dir, env, log });
      // A stack initialized for the same backend settings, providers and lock file (the usual
      // case for --changed, whose stack directories persist) skips init: about 2 s a stack.
      if (initialized(stack.dir, env)) {
        init = 'skipped';
        log.write('\n(terraform init skipped: already initialized for this configuration)\n');
      } else {
        init = 'ran';
        // A failed init must not leave an older marker that a reverted configuration would match.
        forgetInit(stack.dir);
        const initRun = await tf([
          'init',
          '-input=false',
          '-no-color',
          ...(reconfigure ? ['-reconfigure'] : []),
        ]);
        if (initRun.status !== 0) {
          return done({ status: 'failed', reason: `terraform init: ${firstError(initRun.tail)}` });
        }
        mkdirSync(join(stack.dir, '.terraform'), { recursive: true });
        writeFileSync(join(stack.dir, INIT_MARKER), initKey(stack.dir, env));
      }
      const command = plan
        ? ['plan', '-input=false', '-no-color', LOCK_TIMEOUT, tfParallelism]
        : ['apply', '-auto-approve', '-input=false', '-no-color', LOCK_TIMEOUT, tfParallelism];
      const res = await tf(command);
      const counts = res.counts ?? {};
      if (res.status !== 0) {
        // Terraform asks for an init the marker did not know was needed: do it next time.
        if (/terraform init/.test(res.tail)) forgetInit(stack.dir);
        return done({
          status: 'failed',
          ...counts,
          reason: `terraform ${command[0]}: ${firstError(res.tail)}`,
        });
      }
      if (plan) return done({ status: 'planned', ...counts, reason: stack.reason ?? null });
      const { state } = readRecords([stack]).get(stack.name);
      if (state) writeSidecar(stack.backend, sidecarFor(stack.name, stack.hash, state));
      return done({ status: 'applied', ...counts, reason: stack.reason ?? null });
    } catch (err) {
      return done({ status: 'failed', reason: err.message.split('\n')[0] });
    } finally {
      await new Promise((r) => log.end(r));
    }
  };

  while (pending.size > 0 || running.size > 0) {
    for (const [name, stack] of pending) {
      const deps = (stack.dependencies ?? []).filter((d) => stacks.some((s) => s.name === d));
      const statusOf = (d) => results.get(d)?.status;
      const blocked = deps.find((d) => ['failed', 'skipped'].includes(statusOf(d)));
      // A plan reads a dependency's outputs from its state (terraform_remote_state): with no
      // state yet there is nothing to read, so the stack can be planned only after that apply;
      // so can the stacks that depend on a deferred one.
      const notApplied = plan && (stack.dependencies ?? []).find((d) => unapplied.has(d));
      const waiting = deps.find((d) => statusOf(d) === 'deferred');
      if (blocked || notApplied || waiting) {
        pending.delete(name);
        let fields;
        if (blocked) fields = { status: 'skipped', reason: `${blocked} ${statusOf(blocked)}` };
        else if (notApplied) {
          fields = {
            status: 'deferred',
            reason: `${notApplied} not applied yet (its outputs are read from its state)`,
          };
        } else fields = { status: 'deferred', reason: `${waiting} deferred` };
        const result = stackRow(name, fields);
        results.set(name, result);
        onEvent({ type: 'done', name, result });
        continue;
      }
      if (running.size >= parallel || deps.some((d) => !results.has(d))) continue;
      pending.delete(name);
      onEvent({ type: 'start', name });
      running.set(
        name,
        runOne(stack).then((result) => {
          running.delete(name);
          results.set(name, result);
          onEvent({ type: 'done', name, result });
        }),
      );
    }
    if (running.size > 0) await Promise.race(running.values());
  }
  return stacks.map((s) => results.get(s.name));
}
