#!/usr/bin/env node
// Adopts application inference profiles that exist in AWS but not in Terraform state.
//
// An interrupted `terraform apply` (Ctrl-C, a killed CI job) can cancel a create after AWS has made
// the profile but before Terraform recorded it; the next apply then fails with ConflictException
// ("name already exists") instead of converging. Profile names are deterministic (project,
// developer id, tier), so each orphan is matched to its for_each key by name and imported.
// It writes Terraform `import` blocks (reconcile-imports.tf.json next to cdk.tf.json); the next
// `terraform apply` adopts the profiles while planning (unlike `terraform import`, import blocks
// cope with values still unknown in a half-applied stack). Nothing is created or deleted.
// Fixed-name resources of the other types whose create fails on an existing object (buckets,
// roles, managed policies, log groups, Glue database and table, the Athena workgroup, the trail,
// budgets) are matched by name and imported the same way.
//
// Usage: node scripts/reconcile.mjs --dir <synthesized stack dir> [--dry-run]
//   (talks to the emulator when CCB_EMULATOR_ENDPOINT is set, else to AWS with your credentials)
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { must, run, terraformEnv } from './lib.mjs';

const { values } = parseArgs({
  options: { dir: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } },
});
if (!values.dir) {
  console.error('usage: node scripts/reconcile.mjs --dir <stack dir> [--dry-run]');
  process.exit(2);
}
const dir = values.dir;
const env = terraformEnv();
const tf = JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8'));

/** Desired profiles: Terraform address -> profile name, from the for_each locals. */
function desiredProfiles() {
  const out = new Map();
  for (const [name, r] of Object.entries(tf.resource?.aws_bedrock_inference_profile ?? {})) {
    const local = /^\$\{local\.([\w-]+)\}$/.exec(r.for_each ?? '')?.[1];
    const entries = local ? tf.locals?.[local] : r.for_each;
    if (!entries || typeof entries !== 'object') continue;
    for (const [key, entry] of Object.entries(entries)) {
      out.set(`aws_bedrock_inference_profile.${name}[${JSON.stringify(key)}]`, entry.name);
    }
  }
  return out;
}

/** Application profiles that exist remotely: name -> id. */
function remoteProfiles() {
  const endpoint = process.env.CCB_EMULATOR_ENDPOINT;
  const base = [
    'bedrock',
    'list-inference-profiles',
    '--type-equals',
    'APPLICATION',
    '--output',
    'json',
  ];
  const args = endpoint ? [...base, '--endpoint-url', endpoint] : base;
  const byName = new Map();
  let token;
  do {
    const res = must('aws', token ? [...args, '--next-token', token] : args, { env });
    const page = JSON.parse(res.stdout);
    for (const p of page.inferenceProfileSummaries ?? []) {
      byName.set(p.inferenceProfileName, p.inferenceProfileId);
    }
    token = page.nextToken;
  } while (token);
  return byName;
}

const state = run('terraform', ['state', 'list'], { cwd: dir, env, capture: true });
const inState = new Set(state.status === 0 ? state.stdout.split('\n').filter(Boolean) : []);
const remote = remoteProfiles();
const imports = [];
for (const [address, name] of desiredProfiles()) {
  if (inState.has(address) || !remote.has(name)) continue;
  console.log(`adopt ${address} <- ${name} (${remote.get(name)})`);
  imports.push({ to: address, id: remote.get(name) });
}
// Fixed-name resources whose import id is their name: adopt the ones that exist but are not in
// state (a create cancelled after AWS made the resource).
const endpointArgs = process.env.CCB_EMULATOR_ENDPOINT
  ? ['--endpoint-url', process.env.CCB_EMULATOR_ENDPOINT]
  : [];
const exists = (args) =>
  run('aws', [...args, ...endpointArgs], { env, capture: true }).status === 0;
const literal = (v) => typeof v === 'string' && !v.includes('${');
/**
 * A value as written, or the literal attribute of another resource it references
 * (`${aws_lambda_function.fn.function_name}` -> that resource's `function_name`); else undefined.
 */
const resolved = (v) => {
  if (literal(v)) return v;
  const ref = /^\$\{([a-z0-9_]+)\.([\w-]+)\.([a-z_]+)\}$/.exec(String(v));
  const target = ref && tf.resource?.[ref[1]]?.[ref[2]]?.[ref[3]];
  return literal(target) ? target : undefined;
};
let accountId;
const account = () =>
  (accountId ??= JSON.parse(
    must('aws', ['sts', 'get-caller-identity', '--output', 'json', ...endpointArgs], { env })
      .stdout,
  ).Account);
const region = () => tf.provider?.aws?.[0]?.region ?? process.env.AWS_REGION ?? 'us-east-1';
/**
 * Resource types with a fixed name whose create fails when the object already exists, with the
 * import id Terraform expects and a read-only probe. Types whose create is idempotent
 * (PutMetricFilter, PutMetricAlarm, PutRolePolicy, CreateTopic) need no adoption.
 */
const FIXED_NAME = {
  aws_s3_bucket: (r) =>
    literal(r.bucket) && exists(['s3api', 'head-bucket', '--bucket', r.bucket]) && r.bucket,
  aws_iam_role: (r) =>
    literal(r.name) && exists(['iam', 'get-role', '--role-name', r.name]) && r.name,
  aws_iam_policy: (r) => {
    if (!literal(r.name)) return undefined;
    const arn = `arn:aws:iam::${account()}:policy${r.path ?? '/'}${r.name}`;
    return exists(['iam', 'get-policy', '--policy-arn', arn]) && arn;
  },
  aws_cloudwatch_log_group: (r) =>
    literal(r.name) &&
    JSON.parse(
      run(
        'aws',
        [
          'logs',
          'describe-log-groups',
          '--log-group-name-prefix',
          r.name,
          '--output',
          'json',
          ...endpointArgs,
        ],
        { env, capture: true },
      ).stdout || '{"logGroups":[]}',
    ).logGroups.some((g) => g.logGroupName === r.name) &&
    r.name,
  aws_glue_catalog_database: (r) =>
    literal(r.name) &&
    exists(['glue', 'get-database', '--name', r.name]) &&
    `${account()}:${r.name}`,
  aws_glue_catalog_table: (r) =>
    literal(r.name) &&
    literal(r.database_name) &&
    exists(['glue', 'get-table', '--database-name', r.database_name, '--name', r.name]) &&
    `${account()}:${r.database_name}:${r.name}`,
  aws_athena_workgroup: (r) =>
    literal(r.name) && exists(['athena', 'get-work-group', '--work-group', r.name]) && r.name,
  aws_cloudtrail: (r) =>
    literal(r.name) &&
    exists(['cloudtrail', 'get-trail', '--name', r.name]) &&
    `arn:aws:cloudtrail:${region()}:${account()}:trail/${r.name}`,
  aws_dynamodb_table: (r) =>
    literal(r.name) && exists(['dynamodb', 'describe-table', '--table-name', r.name]) && r.name,
  aws_lambda_function: (r) =>
    literal(r.function_name) &&
    exists(['lambda', 'get-function', '--function-name', r.function_name]) &&
    r.function_name,
  aws_lambda_permission: (r) => {
    const fn = resolved(r.function_name);
    if (!fn || !literal(r.statement_id)) return undefined;
    const res = run(
      'aws',
      ['lambda', 'get-policy', '--function-name', fn, '--output', 'json', ...endpointArgs],
      {
        env,
        capture: true,
      },
    );
    if (res.status !== 0) return undefined;
    const statements = JSON.parse(JSON.parse(res.stdout).Policy).Statement ?? [];
    return statements.some((st) => st.Sid === r.statement_id) && `${fn}/${r.statement_id}`;
  },
  aws_cloudwatch_event_rule: (r) =>
    literal(r.name) && exists(['events', 'describe-rule', '--name', r.name]) && r.name,
  aws_budgets_budget: (r) =>
    literal(r.name) &&
    exists(['budgets', 'describe-budget', '--account-id', account(), '--budget-name', r.name]) &&
    `${account()}:${r.name}`,
};
for (const [type, probe] of Object.entries(FIXED_NAME)) {
  for (const [name, r] of Object.entries(tf.resource?.[type] ?? {})) {
    const address = `${type}.${name}`;
    if (inState.has(address) || r.for_each || r.count) continue;
    const id = probe(r);
    if (!id) continue;
    console.log(`adopt ${address} <- ${id}`);
    imports.push({ to: address, id });
  }
}
const file = join(dir, 'reconcile-imports.tf.json');
if (imports.length > 0 && !values['dry-run']) {
  writeFileSync(file, JSON.stringify({ import: imports }, null, 2) + '\n');
  console.log(
    `${imports.length} orphaned resource(s): wrote ${file}; run terraform apply to adopt them`,
  );
} else {
  if (!values['dry-run']) rmSync(file, { force: true });
  console.log(`${imports.length} orphaned resource(s)${values['dry-run'] ? ' found' : ''}`);
}
