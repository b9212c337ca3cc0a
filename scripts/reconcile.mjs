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
// Other resource types with fixed names (buckets, roles, the trail)
// are reported by Terraform itself on the next apply and can be adopted with `terraform import`.
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
const FIXED_NAME = {
  aws_s3_bucket: (r) =>
    r.bucket && exists(['s3api', 'head-bucket', '--bucket', r.bucket]) && r.bucket,
  aws_iam_role: (r) => r.name && exists(['iam', 'get-role', '--role-name', r.name]) && r.name,
};
for (const [type, probe] of Object.entries(FIXED_NAME)) {
  for (const [name, r] of Object.entries(tf.resource?.[type] ?? {})) {
    const address = `${type}.${name}`;
    if (
      inState.has(address) ||
      typeof (r.bucket ?? r.name) !== 'string' ||
      (r.bucket ?? r.name).includes('${')
    )
      continue;
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
