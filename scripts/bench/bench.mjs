#!/usr/bin/env node
// Scale benchmark (docs/scale.md). Scenarios (--scenarios, default all):
// - first-deploy: synthesizes the environment stack for rosters of 10 .. 5,000 developers and
//   times synthesis, `terraform validate` and `terraform plan -refresh=false` (against the local
//   emulator), next to an equivalent hand-written HCL configuration that uses for_each over the
//   same roster;
// - enforcer: the spend-cap enforcer's throughput (packages/enforcer/bench.mjs, its defaults);
// - add-developer, refresh: day 2 on an environment applied to the emulator (day2.mjs): one more
//   developer deployed (single stack, sharded with --changed, plain HCL) at --day2-sizes, and a
//   plan with refresh under the emulator's rate limits at --refresh-sizes.
// Prints the tables and writes bench/results.json, keeping the figures of scenarios not run. Not a
// test: it prints numbers.
//
// Usage: npm run bench [-- --scenarios first-deploy,enforcer,add-developer,refresh
//                          --sizes 10,100,1000,5000 --runs 3 --plan-max 5000 --hcl-max 100
//                          --day2-sizes 1000,5000 --refresh-sizes 1000 --variants sharded,single,hcl
//                          --hcl-day2-max 1000 --team-size 100 --refresh-runs 3
//                          --out bench/results.json]
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { ROOT, buildWorkspaces, must, summarize, terraformEnv } from '../lib.mjs';
import {
  finiteOrNull,
  loadavg,
  log,
  measure as measureTimes,
  num,
  readResults,
  table,
  writeResults,
} from './common.mjs';
import {
  DAY2_SCENARIOS,
  DAY2_TEAM_SIZE,
  VARIANTS,
  day2Tables,
  mergeRows,
  rosterNote,
  runDay2,
} from './day2.mjs';
import { writeHclBaseline } from './hcl.mjs';
import { benchConfig } from './roster.mjs';

const SCENARIOS = ['first-deploy', 'enforcer', ...DAY2_SCENARIOS];
let parsed;
try {
  parsed = parseArgs({
    options: {
      scenarios: { type: 'string', default: SCENARIOS.join(',') },
      sizes: { type: 'string', default: '10,100,1000,5000' },
      runs: { type: 'string', default: '3' },
      // Largest roster whose configuration is planned (ours), and the largest for which the
      // plain-HCL baseline is generated, validated and planned. The baseline keeps one for_each per
      // resource type, which Terraform plans in O(n²): ~1 min a run at 1,000 developers and over 15
      // at 5,000 here, so by default it is measured up to 100 developers only, which keeps the
      // first-deploy scenario under 15 minutes (--hcl-max 1000 adds ~4 minutes).
      'plan-max': { type: 'string', default: '5000' },
      'hcl-max': { type: 'string', default: '100' },
      // Day 2: rosters of the add-developer and refresh scenarios, the variants measured, and the
      // largest roster the baseline is applied at (above it: recorded as skipped, with the reason).
      'day2-sizes': { type: 'string', default: '1000,5000' },
      'refresh-sizes': { type: 'string', default: '1000' },
      variants: { type: 'string', default: VARIANTS.join(',') },
      'hcl-day2-max': { type: 'string', default: '1000' },
      // Day-2 rosters are dealt to teams of this many developers (N / team size teams), as an
      // organization has them; the first-deploy rosters keep their 4 teams (comparable figures).
      // Runs of the refresh figure (default --runs): a plan with refresh under the rate limits takes
      // minutes at 1,000 developers.
      'refresh-runs': { type: 'string' },
      'team-size': { type: 'string', default: String(DAY2_TEAM_SIZE) },
      // Day-2 variants run at once (tests only: concurrent runs disturb each other's figures).
      'day2-concurrency': { type: 'string', default: '1' },
      // Uses the apps and packages as built (npm run build), e.g. between bench runs.
      'skip-build': { type: 'boolean', default: false },
      out: { type: 'string', default: join(ROOT, 'bench', 'results.json') },
      work: { type: 'string', default: join(os.tmpdir(), 'ccb-bench') },
    },
  });
} catch (err) {
  // An unknown option or a missing value: one line, no stack trace (the usage is above).
  console.error(`bench: ${err.message}`);
  process.exit(2);
}
const { values } = parsed;
const list = (value) => value.split(',').filter(Boolean);
const numbers = (value) => list(value).map(Number);
const scenarios = list(values.scenarios);
const variants = list(values.variants);
const problems = [
  ...scenarios
    .filter((s) => !SCENARIOS.includes(s))
    .map((s) => `--scenarios: unknown scenario ${s} (scenarios: ${SCENARIOS.join(', ')})`),
  ...variants
    .filter((v) => !VARIANTS.includes(v))
    .map((v) => `--variants: unknown variant ${v} (variants: ${VARIANTS.join(', ')})`),
  ...['sizes', 'day2-sizes', 'refresh-sizes']
    .filter((name) => numbers(values[name]).some((n) => !Number.isInteger(n) || n < 1))
    .map((name) => `--${name} must list positive integers (got ${values[name]})`),
  ...['runs', 'plan-max', 'hcl-max', 'hcl-day2-max', 'team-size', 'day2-concurrency']
    .concat(values['refresh-runs'] === undefined ? [] : ['refresh-runs'])
    .filter((name) => !(Number.isInteger(Number(values[name])) && Number(values[name]) >= 1))
    .map((name) => `--${name} must be a positive integer (got ${values[name]})`),
];
if (problems.length > 0) {
  for (const problem of problems) console.error(`bench: ${problem}`);
  process.exit(2);
}
const sizes = numbers(values.sizes);
const runs = Number(values.runs);
const WORK = values.work;
const MAIN = join(ROOT, 'apps', 'dev', 'dist', 'main.js');

/** Times a command `runs` times as a whole process; returns median wall (s) and peak RSS (MB). */
const measure = (cmd, args, { cwd = ROOT, env = process.env } = {}) =>
  measureTimes(cmd, args, { cwd, env, times: runs, logFile: join(WORK, 'commands.log') });

async function terraformFigures(dir, env, withPlan) {
  must('terraform', ['init', '-input=false', '-no-color'], { cwd: dir, env });
  const validate = await measure('terraform', ['validate', '-no-color'], { cwd: dir, env });
  const skipped = { wall: NaN, maxrssMb: NaN, samples: [] };
  const plan = withPlan
    ? await measure(
        'terraform',
        ['plan', '-refresh=false', '-lock=false', '-input=false', '-no-color', '-out=plan.bin'],
        { cwd: dir, env },
      )
    : skipped;
  return { validate, plan };
}

/** The enforcer benchmark's scenarios (`node packages/enforcer/bench.mjs --json`). */
function enforcerFigures() {
  const out = must('node', [join(ROOT, 'packages', 'enforcer', 'bench.mjs'), '--json']).stdout;
  return JSON.parse(out).enforcer;
}

function policyBytes(tf) {
  const docs = tf.data?.aws_iam_policy_document ?? {};
  return Object.fromEntries(
    Object.entries(docs).map(([name, d]) => [
      d['//']?.metadata?.path ?? name,
      JSON.stringify(d.statement ?? []).length,
    ]),
  );
}

/** The machine the figures come from. */
function machineInfo(tfEnv) {
  const terraformVersion = must('terraform', ['version', '-json']).stdout;
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()}`,
    node: process.version,
    terraform: JSON.parse(terraformVersion).terraform_version,
    provider: 'hashicorp/aws 5.100.0',
    providerLogs: tfEnv.TF_LOG_SDK === 'off' ? 'TF_LOG_SDK=off (both configurations)' : 'as set',
    runsPerFigure: runs,
    statistic: 'median',
  };
}

/** The first-deploy scenario: synth, validate and plan -refresh=false per roster size. */
async function firstDeploy(tfEnv) {
  const { startEmulator } = await import('../emulator.mjs');
  const emulator = await startEmulator();
  log(`▶ emulator at ${emulator.endpoint}`);
  const results = [];
  try {
    for (const size of sizes) {
      const dir = join(WORK, String(size));
      mkdirSync(dir, { recursive: true });
      const configPath = join(dir, 'config.yaml');
      const config = benchConfig(size);
      writeFileSync(configPath, stringify(config));
      const outdir = join(dir, 'ours', 'cdktf.out');
      const env = {
        ...process.env,
        CCB_CONFIG: configPath,
        CDKTF_OUTDIR: outdir,
        CCB_STATE_DIR: join(dir, 'ours'),
        CCB_TARGET: 'local',
        CCB_EMULATOR_ENDPOINT: emulator.endpoint,
      };
      log(`▶ ${size} developers: synth`);
      const synth = await measure('node', [MAIN], { env });
      const stackDir = join(outdir, 'stacks', 'bench');
      const tfPath = join(stackDir, 'cdk.tf.json');
      const tf = JSON.parse(readFileSync(tfPath, 'utf8'));
      const { resources: byType, resourceTotal: resources } = summarize(stackDir);
      log(`  ${resources} resources; terraform validate + plan (ours)`);
      const ours = await terraformFigures(stackDir, tfEnv, size <= Number(values['plan-max']));
      const skipped = { wall: NaN, maxrssMb: NaN, samples: [] };
      let hcl = { validate: skipped, plan: skipped };
      if (size <= Number(values['hcl-max'])) {
        log('  terraform validate + plan (plain HCL, for_each)');
        const hclDir = writeHclBaseline(tf, join(dir, 'hcl'), config);
        hcl = await terraformFigures(hclDir, tfEnv, true);
      }
      const row = {
        developers: size,
        profiles: byType.aws_bedrock_inference_profile,
        resources,
        cdkTfJsonBytes: statSync(tfPath).size,
        synthWallS: synth.wall,
        synthPeakRssMb: synth.maxrssMb,
        validateS: ours.validate.wall,
        planS: finiteOrNull(ours.plan.wall),
        hclValidateS: finiteOrNull(hcl.validate.wall),
        hclPlanS: finiteOrNull(hcl.plan.wall),
        synthFractionOfPlan: finiteOrNull(+(synth.wall / ours.plan.wall).toFixed(3)),
        planVsHcl: finiteOrNull(+(ours.plan.wall / hcl.plan.wall).toFixed(3)),
        policyStatementBytes: policyBytes(tf),
        samples: {
          synth: synth.samples,
          validate: ours.validate.samples,
          plan: ours.plan.samples,
          hclValidate: hcl.validate.samples,
          hclPlan: hcl.plan.samples,
        },
      };
      results.push(row);
      log(`  ${JSON.stringify({ ...row, policyStatementBytes: undefined, samples: undefined })}`);
    }
  } finally {
    await emulator.stop();
  }
  return results;
}

function printFirstDeploy(machine, results) {
  const header = [
    'developers',
    'profiles',
    'resources',
    'cdk.tf.json',
    'synth s',
    'synth MB',
    'validate s',
    'plan s',
    'HCL validate s',
    'HCL plan s',
    'synth/plan',
    'plan/HCL',
  ];
  const rows = results.map((r) => [
    r.developers,
    r.profiles,
    r.resources,
    `${(r.cdkTfJsonBytes / 1e6).toFixed(2)} MB`,
    r.synthWallS.toFixed(2),
    r.synthPeakRssMb.toFixed(0),
    r.validateS.toFixed(2),
    num(r.planS, 2),
    num(r.hclValidateS, 2),
    num(r.hclPlanS, 2),
    Number.isFinite(r.synthFractionOfPlan)
      ? `${(r.synthFractionOfPlan * 100).toFixed(1)} %`
      : 'skipped',
    num(r.planVsHcl, 2),
  ]);
  console.log(
    `machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, node ${machine.node}, terraform ${machine.terraform}; median of ${runs} runs`,
  );
  console.log(table(header, rows));
  const policySizes = results.map((r) => JSON.stringify(r.policyStatementBytes));
  console.log(
    `IAM policy documents identical in size at every roster size: ${policySizes.every((p) => p === policySizes[0])}`,
  );
}

function printEnforcer(enforcer) {
  console.log(
    `enforcer (one process, in-memory fakes, ${enforcer[0].records} records in batches of ${enforcer[0].batchSize}):`,
  );
  for (const r of enforcer) {
    console.log(
      `  ${r.scenario}: ${r.recordsPerSecond} records/s, ${r.writesPerRecord} item writes/record, ${r.readsPerRecord} reads/record`,
    );
  }
}

async function main() {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  if (!values['skip-build']) {
    log('▶ building');
    buildWorkspaces();
  }
  const tfEnv = terraformEnv({
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
  });
  const machine = machineInfo(tfEnv);
  log(`machine: ${JSON.stringify(machine)}`);
  // Figures of the scenarios not run are kept; each scenario replaces its own, in the file as it
  // is when they are saved (another bench run may have saved others meanwhile).
  const save = (patch) => {
    const saved = readResults(values.out);
    writeResults(values.out, { ...saved, ...patch(saved) });
  };
  if (scenarios.includes('enforcer')) {
    log('▶ enforcer: records priced, attributed and aggregated per second');
    const enforcer = enforcerFigures();
    save(() => ({ enforcer }));
  }
  if (scenarios.includes('first-deploy')) {
    const results = await firstDeploy(tfEnv);
    save(() => ({ generatedAt: new Date().toISOString(), machine, results }));
  }
  let failures = [];
  const day2Scenarios = scenarios.filter((s) => DAY2_SCENARIOS.includes(s));
  if (day2Scenarios.length > 0) {
    const loadAtStart = loadavg();
    const teamSize = Number(values['team-size']);
    const one = (row) => (row ? [row] : []);
    const saveDay2 = (rows) =>
      save(({ day2 = {} }) => ({
        day2: {
          ...day2,
          generatedAt: new Date().toISOString(),
          machine: { ...machine, loadavgAtStart: loadAtStart, loadavgNow: loadavg() },
          roster: rosterNote(teamSize),
          setup: mergeRows(day2.setup, one(rows.setup)),
          addDeveloper: mergeRows(day2.addDeveloper, one(rows.addDeveloper)),
          refresh: mergeRows(day2.refresh, one(rows.refresh)),
        },
      }));
    ({ failures } = await runDay2({
      scenarios: day2Scenarios,
      sizes: numbers(values['day2-sizes']),
      refreshSizes: numbers(values['refresh-sizes']),
      variants,
      runs,
      refreshRuns: Number(values['refresh-runs'] ?? runs),
      work: WORK,
      hclMax: Number(values['hcl-day2-max']),
      teamSize,
      concurrency: Number(values['day2-concurrency']),
      onRows: saveDay2,
    }));
  }
  const saved = readResults(values.out);
  if (saved.results && scenarios.includes('first-deploy')) printFirstDeploy(machine, saved.results);
  if (saved.enforcer && scenarios.includes('enforcer')) printEnforcer(saved.enforcer);
  if (saved.day2 && day2Scenarios.length > 0) console.log(day2Tables(saved.day2));
  log(`wrote ${values.out}`);
  if (failures.length > 0) {
    for (const f of failures) console.error(`${f.developers} developers, ${f.variant}: ${f.error}`);
    process.exit(1);
  }
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
