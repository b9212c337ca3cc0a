// Day-2 scenarios of the benchmark (docs/scale.md#day-2-a-roster-change-and-a-refresh): an
// environment of N developers already applied to the local emulator (the setup, timed too), then
// - add-developer: one more developer in the roster, timed as a whole process from synthesis to
//   the end of the apply of the change: `npm run deploy` of the single stack, `npm run deploy --
//   --changed` of the environment sharded by team, and `terraform apply` of the plain-HCL
//   baseline with the developer added to its tfvars (refresh included in all three); each run
//   adds one more developer;
// - refresh: `terraform plan` (with refresh) of the applied environment with the emulator's
//   request-rate limits on (emulator/throttle.py): the single stack, every stack of the sharded
//   environment at once, the baseline; with the requests the limits allowed and throttled.
// Each variant gets its own emulator and working directory, so no variant plans against another's
// resources; by default the variants run one after another (figures), `concurrency` runs them at
// once (tests, where only the code paths matter).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { deployTerraformEnv } from '../deploy/core.mjs';
import { LOG_FILE, stackParallelism } from '../deploy/run.mjs';
import { ROOT, appStacks, summarize, synthApp } from '../lib.mjs';
import { loadavg, log, measureOnce, median, num, table, terraformCounts } from './common.mjs';
import { writeHclBaseline } from './hcl.mjs';
import { benchConfig, benchTeams } from './roster.mjs';

export const DAY2_SCENARIOS = ['add-developer', 'refresh'];
export const VARIANTS = ['sharded', 'single', 'hcl'];
/** Developers a team in the day-2 rosters (an organization's teams, not 4 quarters of it). */
export const DAY2_TEAM_SIZE = 100;

/** What the day-2 rosters are, for the results file. */
export const rosterNote = (teamSize) => ({
  teamSize,
  description: `N developers dealt round-robin to floor(N / ${teamSize}) teams (team000, team001, ...; cost center and budget per team), every other developer in the opus group (1.5 profiles a developer), per-developer budgets on; the same roster for every variant; added developers join the existing teams. The first-deploy figures keep 4 teams.`,
});
/** Stacks applied at once by `npm run deploy` (a sharded setup: its team stacks, 8 at a time). */
const DEPLOY_PARALLEL = 8;
const DEPLOY = join(ROOT, 'scripts', 'deploy.mjs');
const PARALLEL = join(ROOT, 'scripts', 'bench', 'parallel.mjs');
/** Terraform's -parallelism of one stack alone, as `npm run deploy` gives it (the baseline too). */
const ONE_STACK = `-parallelism=${stackParallelism(1)}`;
/**
 * `terraform plan` of one of `stacks` planned all at once (a CI matrix of that many jobs), each
 * with the share of Terraform's parallelism `npm run deploy` gives that many stacks.
 */
const plan = (stacks) => [
  'plan',
  '-input=false',
  '-no-color',
  `-parallelism=${stackParallelism(stacks)}`,
];
/** The emulator's application-profile quota (1,000 by default, as AWS's): above the largest roster. */
const PROFILE_QUOTA = '100000';

/**
 * A variant's config for a roster of `developers`: the bench roster in teams of `teamSize` made
 * for `base` developers (the applied environment's size: added developers join its teams, the
 * same for every variant), sharded by team for the sharded variant.
 */
function variantConfig(variant, developers, { base, teamSize }) {
  const config = benchConfig(developers, { teamSize, teamsFor: base });
  if (variant === 'sharded') config.allocation = { ...config.allocation, shardBy: 'team' };
  return config;
}

const countResources = (dirs) => dirs.reduce((n, d) => n + summarize(d).resourceTotal, 0);

/** The environment deployed with `npm run deploy` (single stack or sharded by team). */
function deployedEnvironment(variant, dir, emulator, logFile, roster) {
  const configPath = join(dir, 'config.yaml');
  const env = { ...process.env, CCB_CONFIG: configPath, CCB_EMULATOR_ENDPOINT: emulator.endpoint };
  const flags = (extra) => [
    ...['--env', 'dev', '--local', '--out', dir, '--json'],
    ...['--parallel', String(DEPLOY_PARALLEL), ...extra],
  ];
  const summary = join(dir, 'deploy.json');
  /** The stacks that did not apply, with why and where their log is (deploy's JSON summary). */
  const failedStacks = (stacks) =>
    stacks
      .filter((s) => !['applied', 'unchanged'].includes(s.status))
      .map((s) => {
        const log =
          s.status === 'failed' ? ` (${join(dir, 'cdktf.out', 'stacks', s.name, LOG_FILE)})` : '';
        return `${s.name} ${s.status}: ${s.reason}${log}`;
      })
      .join('; ');
  const deploy = async (extra) => {
    let m;
    try {
      m = await measureOnce('node', [DEPLOY, ...flags(extra)], { env, logFile, stdout: summary });
    } catch (err) {
      // A failed stack exits 1: its reason is in the summary, its Terraform output in its log.
      let stacks = [];
      try {
        stacks = JSON.parse(readFileSync(summary, 'utf8')).stacks;
      } catch {
        // no summary: deploy failed before any stack ran, its message is in the commands log
      }
      throw new Error(`${err.message}${stacks.length ? `: ${failedStacks(stacks)}` : ''}`);
    }
    const { stacks } = JSON.parse(m.stdout);
    const bad = failedStacks(stacks);
    if (bad) throw new Error(`deploy: ${bad}`);
    return { wall: m.wall, maxrssMb: m.maxrssMb, stacks };
  };
  const changeFlags = variant === 'sharded' ? ['--changed'] : [];
  const stackDirs = () => appStacks(join(dir, 'cdktf.out')).map(([, d]) => d);
  return {
    command: `npm run deploy -- ${flags(changeFlags).join(' ')}`.replace(` --out ${dir}`, ''),
    configure: (developers) =>
      writeFileSync(configPath, stringify(variantConfig(variant, developers, roster))),
    async setup() {
      const { wall } = await deploy([]);
      return { wall, stacks: stackDirs().length, resources: countResources(stackDirs()) };
    },
    async change() {
      const { wall, maxrssMb, stacks } = await deploy(changeFlags);
      const applied = stacks.filter((s) => s.status === 'applied');
      const fields = ({ name, add, change, destroy, seconds, init }) => ({
        name,
        add,
        change,
        destroy,
        seconds,
        init,
      });
      return { wall, maxrssMb, stacks: applied.map(fields) };
    },
    /** `npm run deploy -- --changed` with nothing changed: seconds. */
    async unchanged() {
      const { wall, stacks } = await deploy(['--changed']);
      const applied = stacks.filter((s) => s.status !== 'unchanged').map((s) => s.name);
      if (applied.length > 0) throw new Error(`--changed with no change deployed ${applied}`);
      return wall;
    },
    stackDirs,
  };
}

/** The plain-HCL baseline (scripts/bench/hcl.mjs), applied with terraform. */
function hclEnvironment(dir, emulator, logFile, roster) {
  const hclDir = join(dir, 'hcl');
  const env = deployTerraformEnv({ endpoint: emulator.endpoint });
  const terraform = (args) =>
    measureOnce('terraform', args, { cwd: hclDir, env, logFile, stdout: join(dir, 'tf.out') });
  const apply = ['apply', '-auto-approve', '-input=false', '-no-color'];
  let resources;
  return {
    command: `terraform ${apply.join(' ')} ${ONE_STACK}`,
    /** Synthesizes our single stack for the roster (untimed) and derives the baseline from it. */
    configure(developers) {
      const config = variantConfig('hcl', developers, roster);
      const configPath = join(dir, 'config.yaml');
      writeFileSync(configPath, stringify(config));
      const outdir = join(dir, 'synth');
      const [stackDir] = synthApp('dev', {
        outdir,
        env: {
          CCB_CONFIG: configPath,
          CCB_STATE_DIR: outdir,
          CCB_TARGET: 'local',
          CCB_EMULATOR_ENDPOINT: emulator.endpoint,
        },
      });
      const tf = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8'));
      writeHclBaseline(tf, hclDir, config, { statePath: join(hclDir, 'terraform.tfstate') });
      resources = countResources([stackDir]);
    },
    async setup() {
      const init = await terraform(['init', '-input=false', '-no-color']);
      const applied = await terraform([...apply, ONE_STACK]);
      return { wall: +(init.wall + applied.wall).toFixed(3), stacks: 1, resources };
    },
    async change() {
      const m = await terraform([...apply, ONE_STACK]);
      const counts = terraformCounts(m.stdout) ?? {};
      return { wall: m.wall, maxrssMb: m.maxrssMb, stacks: [{ name: 'hcl', ...counts }] };
    },
    stackDirs: () => [hclDir],
  };
}

async function rateLimits(endpoint, method, body) {
  const res = await fetch(`${endpoint}/_emulator/rate-limits`, {
    method,
    ...(body
      ? { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }
      : {}),
  });
  if (!res.ok)
    throw new Error(`${method} /_emulator/rate-limits: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Per operation: what the limits allowed and throttled between two counter snapshots. */
function counterDelta(before, after) {
  const delta = {};
  for (const [op, { allowed, throttled }] of Object.entries(after)) {
    const d = {
      allowed: allowed - (before[op]?.allowed ?? 0),
      throttled: throttled - (before[op]?.throttled ?? 0),
    };
    if (d.allowed || d.throttled) delta[op] = d;
  }
  return delta;
}

/** `terraform plan` (refresh on) of every stack at once, `runs` times, rate limits on. */
async function refreshFigure(environment, emulator, { runs, logFile, stdout }) {
  const dirs = environment.stackDirs();
  const env = deployTerraformEnv({ endpoint: emulator.endpoint });
  await rateLimits(emulator.endpoint, 'PUT', { enabled: true });
  const before = (await rateLimits(emulator.endpoint, 'GET')).counters;
  const start = loadavg();
  const samples = [];
  let plans;
  try {
    for (let i = 0; i < runs; i++) {
      const m = await measureOnce('node', [PARALLEL, ...dirs, '--', ...plan(dirs.length)], {
        env,
        logFile,
        stdout,
      });
      samples.push(m.wall);
      plans = JSON.parse(m.stdout);
    }
  } finally {
    await rateLimits(emulator.endpoint, 'PUT', { enabled: false });
  }
  const byOperation = counterDelta(before, (await rateLimits(emulator.endpoint, 'GET')).counters);
  const total = (key) => Object.values(byOperation).reduce((n, c) => n + c[key], 0);
  return {
    stacks: dirs.length,
    command: `terraform ${plan(dirs.length).join(' ')}${dirs.length > 1 ? ` (${dirs.length} stacks at once)` : ''}`,
    wallS: median(samples),
    samples,
    runCount: runs,
    planChanges: plans.reduce((n, p) => n + (p.add ?? 0) + (p.change ?? 0) + (p.destroy ?? 0), 0),
    limitedRequestsPerRun: Math.round(total('allowed') / runs + total('throttled') / runs),
    throttledPerRun: Math.round(total('throttled') / runs),
    byOperation,
    loadavg: { start, end: loadavg() },
  };
}

/**
 * One variant at one size: its own emulator, the environment applied (setup), then the refresh
 * and add-developer figures asked for. Resolves `{ setup, refresh?, addDeveloper? }` rows.
 */
async function runVariant(
  variant,
  developers,
  { addDeveloper, refresh, runs, refreshRuns = runs, work, teamSize },
) {
  const dir = join(work, `day2-${developers}-${variant}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const logFile = join(dir, 'commands.log');
  const { startEmulator } = await import('../emulator.mjs');
  process.env.CCB_EMULATOR_PROFILE_QUOTA ??= PROFILE_QUOTA;
  const emulator = await startEmulator({ logFile: join(dir, 'emulator.log') });
  const key = { developers, variant };
  const roster = { base: developers, teamSize };
  try {
    const environment =
      variant === 'hcl'
        ? hclEnvironment(dir, emulator, logFile, roster)
        : deployedEnvironment(variant, dir, emulator, logFile, roster);
    log(`▶ day 2, ${developers} developers, ${variant}: setup (apply to a new emulator)`);
    environment.configure(developers);
    const setupStart = loadavg();
    const setup = await environment.setup();
    const out = {
      setup: {
        ...key,
        command: variant === 'hcl' ? 'terraform init + apply' : 'npm run deploy (all stacks)',
        teams: benchTeams(developers, { teamSize }).length,
        stacks: setup.stacks,
        resources: setup.resources,
        wallS: setup.wall,
        loadavg: { start: setupStart, end: loadavg() },
      },
    };
    log(`  applied ${setup.resources} resources in ${setup.wall} s`);
    if (refresh) {
      log(`  refresh: plan with refresh, rate limits on (${refreshRuns} runs)`);
      const stdout = join(dir, 'plans.json');
      out.refresh = {
        ...key,
        ...(await refreshFigure(environment, emulator, { runs: refreshRuns, logFile, stdout })),
      };
      log(`  ${out.refresh.wallS} s, ${out.refresh.throttledPerRun} throttled requests a run`);
    }
    if (addDeveloper) {
      log(`  add-developer: ${environment.command} (${runs} runs)`);
      const start = loadavg();
      const samples = [];
      for (let r = 1; r <= runs; r++) {
        environment.configure(developers + r);
        samples.push({ developers: developers + r, ...(await environment.change()) });
        log(`  ${developers + r} developers: ${samples.at(-1).wall} s`);
      }
      const noChange = environment.unchanged ? await environment.unchanged() : null;
      out.addDeveloper = {
        ...key,
        command: environment.command,
        wallS: median(samples.map((s) => s.wall)),
        runCount: samples.length,
        maxrssMb: median(samples.map((s) => s.maxrssMb)),
        samples: samples.map((s) => s.wall),
        unchangedS: noChange,
        runs: samples.map(({ developers: d, wall, stacks }) => ({
          developers: d,
          wallS: wall,
          stacks,
        })),
        loadavg: { start, end: loadavg() },
      };
    }
    return out;
  } finally {
    await emulator.stop();
  }
}

/** Rows recording that a variant was not measured, and why. */
function skippedRows(key, reason, { addDeveloper, refresh }) {
  const row = { ...key, wallS: null, skipped: reason };
  return {
    setup: { ...row },
    ...(refresh ? { refresh: { ...row } } : {}),
    ...(addDeveloper ? { addDeveloper: { ...row } } : {}),
  };
}

/**
 * Runs the day-2 scenarios: `scenarios` (subset of DAY2_SCENARIOS), add-developer at `sizes`,
 * refresh at `refreshSizes`, for `variants`, every roster in teams of `teamSize` developers
 * (roster.mjs); the baseline only up to `hclMax` developers (its plan is quadratic), larger ones
 * recorded as skipped. `onRows(rows)` gets each variant's rows as soon
 * as they are measured (to save them). Resolves `{ setup, addDeveloper, refresh, failures }`.
 */
export async function runDay2({
  scenarios,
  sizes,
  refreshSizes,
  variants,
  runs,
  refreshRuns = runs,
  work,
  hclMax,
  teamSize,
  concurrency = 1,
  onRows = () => {},
}) {
  const jobs = [];
  for (const developers of [...new Set([...sizes, ...refreshSizes])]) {
    const wanted = {
      addDeveloper: scenarios.includes('add-developer') && sizes.includes(developers),
      refresh: scenarios.includes('refresh') && refreshSizes.includes(developers),
    };
    if (!wanted.addDeveloper && !wanted.refresh) continue;
    for (const variant of variants) jobs.push({ developers, variant, wanted });
  }
  const all = { setup: [], addDeveloper: [], refresh: [], failures: [] };
  const runJob = async ({ developers, variant, wanted }) => {
    const key = { developers, variant };
    let rows;
    if (variant === 'hcl' && developers > hclMax) {
      rows = skippedRows(
        key,
        `the plain-HCL baseline plans in O(n²) (over 15 min a plan at 5,000 developers here); measured up to --hcl-day2-max ${hclMax}`,
        wanted,
      );
    } else {
      try {
        rows = await runVariant(variant, developers, {
          ...wanted,
          runs,
          refreshRuns,
          work,
          teamSize,
        });
      } catch (err) {
        log(`  ${developers} developers, ${variant} failed: ${err.message}`);
        all.failures.push({ ...key, error: err.message });
        rows = skippedRows(key, `failed: ${err.message.split('\n')[0]}`, wanted);
      }
    }
    for (const [name, row] of Object.entries(rows)) {
      // Variants measured at once disturb each other's figures (and the load shows it).
      all[name].push((rows[name] = { ...row, concurrentVariants: Math.max(1, concurrency) }));
    }
    onRows(rows);
  };
  const queue = [...jobs];
  const worker = async () => {
    while (queue.length > 0) await runJob(queue.shift());
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return all;
}

/** Replaces the rows of the same developers and variant in `previous` by `rows` (kept sorted). */
export function mergeRows(previous = [], rows = []) {
  const key = (r) => `${r.developers}/${r.variant}`;
  const fresh = new Set(rows.map(key));
  return [...previous.filter((r) => !fresh.has(key(r))), ...rows].sort(
    (a, b) =>
      a.developers - b.developers || VARIANTS.indexOf(a.variant) - VARIANTS.indexOf(b.variant),
  );
}

const load = (l) => (l ? `${l.start[0]} → ${l.end[0]}` : '');

/** The day-2 tables (setup, add-developer, refresh), for the terminal. */
export function day2Tables(day2) {
  const out = [];
  if (day2.setup?.length) {
    out.push(
      'day 2, setup (the environment applied to a new emulator, untimed in the figures below):',
    );
    out.push(
      table(
        ['developers', 'variant', 'stacks', 'resources', 'setup s', 'load (1 min)'],
        day2.setup.map((r) => [
          r.developers,
          r.variant,
          r.stacks ?? '',
          r.resources ?? '',
          num(r.wallS ?? NaN, 1),
          r.skipped ? r.skipped.slice(0, 60) : load(r.loadavg),
        ]),
      ),
    );
  }
  if (day2.addDeveloper?.length) {
    out.push('day 2, add one developer (synth + plan + apply of the change, whole process):');
    out.push(
      table(
        [
          'developers',
          'variant',
          'median s',
          'samples s',
          'stacks applied',
          'nothing changed s',
          'load (1 min)',
        ],
        day2.addDeveloper.map((r) => [
          r.developers,
          r.variant,
          num(r.wallS ?? NaN, 2),
          (r.samples ?? []).join(', '),
          r.runs ? median(r.runs.map((x) => x.stacks.length)) : '',
          num(r.unchangedS ?? NaN, 2),
          r.skipped ? r.skipped.slice(0, 60) : load(r.loadavg),
        ]),
      ),
    );
  }
  if (day2.refresh?.length) {
    out.push('day 2, terraform plan with refresh, emulator rate limits on:');
    out.push(
      table(
        [
          'developers',
          'variant',
          'stacks',
          'median s',
          'samples s',
          'throttled/run',
          'limited requests/run',
          'load (1 min)',
        ],
        day2.refresh.map((r) => [
          r.developers,
          r.variant,
          r.stacks ?? '',
          num(r.wallS ?? NaN, 2),
          (r.samples ?? []).join(', '),
          r.throttledPerRun ?? '',
          r.limitedRequestsPerRun ?? '',
          r.skipped ? r.skipped.slice(0, 60) : load(r.loadavg),
        ]),
      ),
    );
  }
  return out.join('\n');
}
