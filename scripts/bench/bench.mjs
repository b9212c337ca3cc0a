#!/usr/bin/env node
// Scale benchmark: synthesizes the environment stack for rosters of 10 .. 5,000 developers and
// times synthesis, `terraform validate` and `terraform plan -refresh=false` (against the local
// emulator), next to an equivalent hand-written HCL configuration that uses for_each over the same
// roster; then the spend-cap enforcer's throughput (packages/enforcer/bench.mjs, its defaults).
// Prints the tables and writes bench/results.json. Not a test: it prints numbers.
//
// Usage: npm run bench [-- --sizes 10,100,1000,5000 --runs 3 --plan-max 5000 --hcl-max 100
//                          --out bench/results.json]
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { ROOT, must, summarize, terraformEnv } from '../lib.mjs';
import { benchConfig } from './roster.mjs';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10,100,1000,5000' },
    runs: { type: 'string', default: '3' },
    // Largest roster whose configuration is planned (ours), and the largest for which the
    // plain-HCL baseline is generated, validated and planned. The baseline keeps one for_each per
    // resource type, which Terraform plans in O(n²): ~1 min a run at 1,000 developers and over 15
    // at 5,000 here, so by default it is measured up to 100 developers only, which keeps the whole
    // bench under 15 minutes (--hcl-max 1000 adds ~4 minutes).
    'plan-max': { type: 'string', default: '5000' },
    'hcl-max': { type: 'string', default: '100' },
    out: { type: 'string', default: join(ROOT, 'bench', 'results.json') },
    work: { type: 'string', default: join(os.tmpdir(), 'ccb-bench') },
  },
});
const sizes = values.sizes.split(',').map(Number);
const runs = Math.max(1, Number(values.runs));
const WORK = values.work;
const MAIN = join(ROOT, 'apps', 'dev', 'dist', 'main.js');
const log = (msg) => process.stderr.write(`${msg}\n`);
const num = (x, digits) => (Number.isFinite(x) ? x.toFixed(digits) : 'skipped');
const finiteOrNull = (x) => (Number.isFinite(x) ? x : null);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Times a command `runs` times as a whole process; returns median wall (s) and peak RSS (MB). */
function measure(cmd, args, { cwd = ROOT, env = process.env, times = runs } = {}) {
  const samples = [];
  for (let i = 0; i < times; i++) {
    const out = execFileSync(
      'python3',
      [
        join(ROOT, 'scripts', 'bench', 'measure.py'),
        '--log',
        join(WORK, 'commands.log'),
        '--',
        cmd,
        ...args,
      ],
      { cwd, env, encoding: 'utf8' },
    );
    const m = JSON.parse(out);
    if (m.status !== 0)
      throw new Error(`${cmd} ${args.join(' ')} exited ${m.status} (see ${WORK}/commands.log)`);
    samples.push(m);
  }
  return {
    wall: median(samples.map((s) => s.wall)),
    maxrssMb: median(samples.map((s) => s.maxrss_mb)),
    samples: samples.map((s) => s.wall),
  };
}

/**
 * The plain-Terraform baseline: the roster-sized resources (one profile per developer and tier,
 * one budget per developer) written by hand as one `for_each` each over input variables, plus the fixed
 * part of the environment (roles, buckets, logging, Athena, team budgets, alarms, outputs), which
 * does not grow with the roster and is taken from the synthesized stack with its references
 * renamed, so both configurations hold the same resources with the same arguments and tags.
 */
function writeHclBaseline(tf, dir, config) {
  mkdirSync(dir, { recursive: true });
  const fixed = structuredClone(tf);
  // The for_each maps live in locals; the baseline takes them from tfvars instead.
  const fromLocal = (r) => {
    const name = /^\$\{local\.([\w-]+)\}$/.exec(r.for_each)?.[1];
    if (!name) return r.for_each;
    const value = fixed.locals[name];
    delete fixed.locals[name];
    return value;
  };
  // Our instance-group resources of one type become a single for_each over the merged map.
  const takeGroups = (type) => {
    const groups = Object.entries(fixed.resource[type]).filter(([, r]) => r.for_each);
    for (const [name] of groups) delete fixed.resource[type][name];
    if (Object.keys(fixed.resource[type]).length === 0) delete fixed.resource[type];
    return {
      names: groups.map(([name]) => name),
      first: groups[0][1],
      entries: Object.assign({}, ...groups.map(([, r]) => fromLocal(r))),
    };
  };
  const profiles = takeGroups('aws_bedrock_inference_profile');
  const budgets = takeGroups('aws_budgets_budget');
  const modelSources = /local\.([\w-]+)/.exec(profiles.first.model_source[0].copy_from)?.[1];
  if (modelSources) delete fixed.locals[modelSources];
  // The ARN map locals merge the group resources; the baseline has one resource to read. Then any
  // other reference (a single group, instance references: keys are unique across groups).
  const profileAddresses = profiles.names.map((name) => `aws_bedrock_inference_profile.${name}`);
  let renamed = JSON.stringify(fixed).replaceAll(
    `merge(${profileAddresses.join(', ')})`,
    'aws_bedrock_inference_profile.developer',
  );
  for (const address of profileAddresses) {
    renamed = renamed.replace(
      new RegExp(`${address.replace('.', '\\.')}(?![\\w-])`, 'g'),
      'aws_bedrock_inference_profile.developer',
    );
  }
  for (const name of [...profiles.names, ...budgets.names]) {
    if (renamed.includes(`.${name}`)) throw new Error(`baseline still refers to ${name}`);
  }
  writeFileSync(join(dir, 'fixed.tf.json'), renamed);

  const n = budgets.first.notification[0];
  const topicRef = n.subscriber_sns_topic_arns[0].replace(/^\$\{|\}$/g, '');
  const copyFrom = Object.fromEntries(
    Object.entries(config.models).map(([tier, m]) => [
      tier,
      `arn:aws:bedrock:${config.region}:${config.accountId}:inference-profile/${typeof m === 'string' ? m : m.profileId}`,
    ]),
  );
  writeFileSync(
    join(dir, 'terraform.tfvars.json'),
    JSON.stringify({ profiles: profiles.entries, developer_budgets: budgets.entries }),
  );
  writeFileSync(
    join(dir, 'roster.tf'),
    `variable "profiles" {
  type = map(object({
    name        = string
    description = string
    user        = string
    team        = string
    cost_center = string
    tier        = string
  }))
}

variable "developer_budgets" {
  type = map(object({
    name   = string
    amount = string
  }))
}

locals {
  copy_from = ${JSON.stringify(copyFrom, null, 2)
    .replace(/"(\w+)":/g, '$1 =')
    .replace(/,\n/g, '\n')}
}

resource "aws_bedrock_inference_profile" "developer" {
  for_each    = var.profiles
  name        = each.value.name
  description = each.value.description
  model_source {
    copy_from = local.copy_from[each.value.tier]
  }
  tags = {
    User       = each.value.user
    Team       = each.value.team
    Project    = "${config.project}"
    CostCenter = each.value.cost_center
    Tier       = each.value.tier
  }
}

resource "aws_budgets_budget" "developer" {
  for_each     = var.developer_budgets
  name         = each.value.name
  budget_type  = "COST"
  limit_amount = each.value.amount
  limit_unit   = "USD"
  time_unit    = "MONTHLY"
  cost_filter {
    name   = "TagKeyValue"
    values = [format("user:User$%s", each.key)]
  }
  notification {
    comparison_operator        = "${n.comparison_operator}"
    notification_type          = "${n.notification_type}"
    threshold                  = ${n.threshold}
    threshold_type             = "${n.threshold_type}"
    subscriber_email_addresses = ${JSON.stringify(n.subscriber_email_addresses)}
    subscriber_sns_topic_arns  = [${topicRef}]
  }
  depends_on = [${(budgets.first.depends_on ?? []).join(', ')}]
}
`,
  );
  return dir;
}

function terraformFigures(dir, env, withPlan) {
  must('terraform', ['init', '-input=false', '-no-color'], { cwd: dir, env });
  const validate = measure('terraform', ['validate', '-no-color'], { cwd: dir, env });
  const skipped = { wall: NaN, maxrssMb: NaN, samples: [] };
  const plan = withPlan
    ? measure(
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

async function main() {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  log('▶ building');
  must('npx', ['turbo', 'run', 'build', '--output-logs=errors-only']);
  const { startEmulator } = await import('../emulator.mjs');
  const emulator = await startEmulator();
  log(`▶ emulator at ${emulator.endpoint}`);
  const tfEnv = terraformEnv({
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
  });
  const terraformVersion = must('terraform', ['version', '-json']).stdout;
  const machine = {
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
  log(`machine: ${JSON.stringify(machine)}`);
  log('▶ enforcer: records priced, attributed and aggregated per second');
  const enforcer = enforcerFigures();
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
      const synth = measure('node', [MAIN], { env });
      const stackDir = join(outdir, 'stacks', 'bench');
      const tfPath = join(stackDir, 'cdk.tf.json');
      const tf = JSON.parse(readFileSync(tfPath, 'utf8'));
      const { resources: byType, resourceTotal: resources } = summarize(stackDir);
      log(`  ${resources} resources; terraform validate + plan (ours)`);
      const ours = terraformFigures(stackDir, tfEnv, size <= Number(values['plan-max']));
      const skipped = { wall: NaN, maxrssMb: NaN, samples: [] };
      let hcl = { validate: skipped, plan: skipped };
      if (size <= Number(values['hcl-max'])) {
        log('  terraform validate + plan (plain HCL, for_each)');
        const hclDir = writeHclBaseline(tf, join(dir, 'hcl'), config);
        hcl = terraformFigures(hclDir, tfEnv, true);
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
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padStart(widths[i])).join(' | ')} |`;
  console.log(
    `machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, node ${machine.node}, terraform ${machine.terraform}; median of ${runs} runs`,
  );
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
  const policySizes = results.map((r) => JSON.stringify(r.policyStatementBytes));
  console.log(
    `IAM policy documents identical in size at every roster size: ${policySizes.every((p) => p === policySizes[0])}`,
  );
  console.log(
    `enforcer (one process, in-memory fakes, ${enforcer[0].records} records in batches of ${enforcer[0].batchSize}):`,
  );
  for (const r of enforcer) {
    console.log(
      `  ${r.scenario}: ${r.recordsPerSecond} records/s, ${r.writesPerRecord} item writes/record, ${r.readsPerRecord} reads/record`,
    );
  }
  mkdirSync(join(values.out, '..'), { recursive: true });
  writeFileSync(
    values.out,
    JSON.stringify({ generatedAt: new Date().toISOString(), machine, results, enforcer }, null, 2) +
      '\n',
  );
  log(`wrote ${values.out}`);
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
