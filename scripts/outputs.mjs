#!/usr/bin/env node
// Prints the applied outputs of an environment as `terraform output -json` does, merged across its
// stacks: with `allocation.shardBy: team` the per-developer maps (inference_profile_arns,
// inference_profiles, developer_env_config, claude_settings) come from the team stacks and are
// merged into one map; lists (budget_names) are concatenated.
// Usage: npm run outputs -- --env <env> [--name <output>]
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, environmentOutputs } from './lib.mjs';

const { values } = parseArgs({ options: { env: { type: 'string' }, name: { type: 'string' } } });
if (!values.env) {
  console.error('usage: npm run outputs -- --env <env> [--name <output>]');
  process.exit(2);
}
const outdir = process.env.CDKTF_OUTDIR ?? join(ROOT, 'apps', values.env, 'cdktf.out');
if (!existsSync(join(outdir, 'manifest.json'))) {
  console.error(`${outdir} has no synthesized app: run 'npm run synth' (or cdktf deploy) first`);
  process.exit(1);
}
const { outputs, stacks, missing } = environmentOutputs(outdir);
if (stacks.length === 0) {
  console.error(`no applied stack under ${outdir} (not deployed yet: ${missing.join(', ')})`);
  process.exit(1);
}
if (missing.length > 0) console.error(`warning: not applied yet: ${missing.join(', ')}`);
if (values.name) {
  if (!Object.hasOwn(outputs, values.name)) {
    console.error(`no output '${values.name}' (outputs: ${Object.keys(outputs).join(', ')})`);
    process.exit(1);
  }
  console.log(JSON.stringify(outputs[values.name].value, null, 2));
} else {
  console.log(JSON.stringify(outputs, null, 2));
}
