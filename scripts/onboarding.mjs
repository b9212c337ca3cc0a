#!/usr/bin/env node
// Writes developer onboarding files for one environment:
//   <out>/managed-settings.json            organization policy (/etc/claude-code/managed-settings.json)
//   <out>/developers/<slug>/settings.json  ~/.claude/settings.json for that developer
//   <out>/developers/<slug>/aws-config     ~/.aws/config snippet, with what to run
// ARNs come from the applied stack (`terraform output -json`): the deployment of apps/<env>, else
// the local one left by `npm start` (out/local/<env>), or the file given with --outputs; before any
// deploy the files are written with PENDING placeholders and the command says so.
// Usage: npm run onboarding -- --env <env> [--out <dir>] [--outputs <file>] [--local]
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from './lib.mjs';
import { deployedOutputs, onboardingFiles, packages } from './onboarding-files.mjs';

const usage = 'usage: npm run onboarding -- --env <env> [--out <dir>] [--outputs <file>] [--local]';
let values;
try {
  ({ values } = parseArgs({
    options: {
      env: { type: 'string' },
      out: { type: 'string' },
      outputs: { type: 'string' },
      local: { type: 'boolean', default: false },
    },
  }));
} catch (err) {
  console.error(`${err.message}\n${usage}`);
  process.exit(2);
}
if (!values.env) {
  console.error(usage);
  process.exit(2);
}
const env = values.env;
const appDir = join(ROOT, 'apps', env);
if (!existsSync(join(appDir, 'cdktf.json'))) {
  console.error(`no environment app apps/${env}`);
  process.exit(2);
}

let config;
try {
  config = packages().core.loadConfigFile(process.env.CCB_CONFIG ?? join(appDir, 'config.yaml'));
} catch (err) {
  console.error(err.message);
  process.exit(1);
}

const { outputs, source, missing } = deployedOutputs(env, {
  outputsFile: values.outputs,
  local: values.local,
});
if (source) console.log(`outputs of ${source}`);
if (missing.length > 0) console.log(`not applied yet: ${missing.join(', ')}`);
const out = resolve(values.out ?? join(ROOT, 'out', 'onboarding', env));
const { files, pending } = onboardingFiles(config, outputs);
for (const file of files) {
  mkdirSync(dirname(join(out, file.path)), { recursive: true });
  writeFileSync(join(out, file.path), file.content);
}
console.log(
  `wrote onboarding files for ${config.developers.length} developers of '${env}' to ${out}`,
);
if (pending > 0) {
  console.log(
    `${pending} profile ARN(s) are placeholders: deploy the environment (or 'npm start' for the local one), then run this again.`,
  );
}
