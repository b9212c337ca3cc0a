#!/usr/bin/env node
// Writes developer onboarding files for one environment:
//   <out>/managed-settings.json            organization policy (/etc/claude-code/managed-settings.json)
//   <out>/developers/<slug>/settings.json  ~/.claude/settings.json for that developer
//   <out>/developers/<slug>/aws-config     ~/.aws/config profile snippet
// ARNs come from the applied stack (`terraform output -json`) when it exists; otherwise the
// files are written with PENDING placeholders and the command says so.
// Usage: npm run onboarding -- --env <env> [--out <dir>] [--outputs <terraform-output.json>]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, environmentOutputs } from './lib.mjs';

const require = createRequire(import.meta.url);
const { values } = parseArgs({
  options: { env: { type: 'string' }, out: { type: 'string' }, outputs: { type: 'string' } },
});
if (!values.env) {
  console.error('usage: npm run onboarding -- --env <env> [--out <dir>] [--outputs <file>]');
  process.exit(2);
}
const env = values.env;
const appDir = join(ROOT, 'apps', env);
if (!existsSync(join(appDir, 'cdktf.json'))) {
  console.error(`no environment app apps/${env}`);
  process.exit(2);
}
const core = require(join(ROOT, 'packages/core/dist/index.js'));
const stack = require(join(ROOT, 'packages/stack/dist/index.js'));

let config;
try {
  config = core.loadConfigFile(process.env.CCB_CONFIG ?? join(appDir, 'config.yaml'));
} catch (err) {
  console.error(err.message);
  process.exit(1);
}

/** Outputs of the environment stack and, when sharded, of every team stack, merged. */
function appliedOutputs() {
  if (values.outputs) return JSON.parse(readFileSync(values.outputs, 'utf8'));
  const outdir = join(appDir, 'cdktf.out');
  if (!existsSync(join(outdir, 'manifest.json'))) return undefined;
  const { outputs, missing } = environmentOutputs(outdir);
  if (missing.length > 0 && Object.keys(outputs).length > 0) {
    console.log(`not applied yet: ${missing.join(', ')}`);
  }
  return Object.keys(outputs).length > 0 ? outputs : undefined;
}

const outputs = appliedOutputs();
const profiles = outputs?.inference_profiles?.value ?? {};
const roleArn = outputs?.developer_role_arn?.value ?? `PENDING-DEPLOY:${config.project}-developer`;
const out = resolve(values.out ?? join(ROOT, 'out', 'onboarding', env));
mkdirSync(join(out, 'developers'), { recursive: true });

let pending = 0;
for (const dev of core.resolveDevelopers(config)) {
  const arns = Object.fromEntries(
    dev.tiers.map((tier) => {
      const arn = profiles[dev.id]?.[tier];
      if (!arn) pending++;
      return [tier, arn ?? `PENDING-DEPLOY:${dev.profileNames[tier]}`];
    }),
  );
  const settings = stack.developerSettings(config, arns);
  for (const banned of stack.FORBIDDEN_SETTINGS_ENV) {
    if (banned in settings.env) throw new Error(`refusing to write ${banned}`);
  }
  const dir = join(out, 'developers', dev.slug);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'settings.json'), JSON.stringify(settings, null, 2) + '\n');
  writeFileSync(join(dir, 'aws-config'), stack.awsCliProfile(config, dev, roleArn));
}
writeFileSync(
  join(out, 'managed-settings.json'),
  JSON.stringify(stack.managedSettings(config), null, 2) + '\n',
);
console.log(
  `wrote onboarding files for ${config.developers.length} developers of '${env}' to ${out}`,
);
if (pending > 0) {
  console.log(
    `${pending} profile ARN(s) are placeholders: deploy the environment, then run this again.`,
  );
}
