#!/usr/bin/env node
// The main job: start the local AWS emulator, deploy an environment (default dev) to it with
// Terraform through the deploy core (scripts/deploy/core.mjs: every stack, backend included, as on
// AWS), and print `terraform output -json` (the stacks' outputs merged). The emulator is stopped
// afterwards unless --keep is given.
// After the apply, the environment's SCP document (output scp_policy_json) is attached to the
// emulator's organization root, as the platform team does in the management account, so the
// emulator's Bedrock data plane evaluates it like AWS would.
// It ends with a short summary (developers and their default-tier profiles, where the full
// outputs were saved, the next command); --json prints `terraform output -json` instead, --quiet
// nothing.
// Usage: npm start [-- --env dev] [--keep] [--synth-only] [--json | --quiet]
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { deployEnvironment, deployTerraformEnv } from './deploy/core.mjs';
import { useEmulator } from './deploy/local.mjs';
import {
  ROOT,
  attachScp,
  buildWorkspaces,
  environmentOutputs,
  summarize,
  synthApp,
} from './lib.mjs';
import { localDeploymentDir } from './onboarding-files.mjs';

const { values } = parseArgs({
  options: {
    env: { type: 'string', default: 'dev' },
    keep: { type: 'boolean', default: false },
    'synth-only': { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const env = values.env;
const step = (msg) => console.error(`\n▶ ${msg}`);

/** What a person wants after a deploy: who can use it, where the details are, what to run next. */
function summary(outputs, file) {
  const arns = outputs.inference_profile_arns?.value ?? {};
  const ids = Object.keys(arns);
  const width = Math.max(0, ...ids.map((id) => id.length));
  return [
    `'${env}' is deployed to the local emulator: ${ids.length} developers, default-tier profiles:`,
    ...ids.map((id) => `  ${id.padEnd(width)}  ${arns[id]}`),
    `all outputs (terraform output -json): ${file}`,
    values.keep && ids.length > 0
      ? `next: npm run claude -- --env ${env} --developer ${ids[0]} -- -p "hello"`
      : `next: npm start -- --env ${env} --keep, then npm run claude -- --env ${env} --developer <id>`,
  ].join('\n');
}

step('building packages and apps');
buildWorkspaces();

if (values['synth-only']) {
  const [dir] = synthApp(env);
  console.log(JSON.stringify({ stack: dir, ...summarize(dir) }, null, 2));
  process.exit(0);
}

step('starting the local AWS emulator');
// With --keep the emulator runs in the background and outlives this command; it reuses one that
// already runs in the background (another environment's, say). CCB_EMULATOR_ENDPOINT (as under
// `npm run emulator -- run -- npm start`) names one to use instead, left running.
const emulator = await useEmulator({ background: values.keep });
console.error(`  emulator at ${emulator.endpoint}`);
let exitCode = 1;
try {
  const work = localDeploymentDir(env);
  step(`synthesizing apps/${env} for the local target, then terraform init and apply`);
  const started = Date.now();
  // The deploy core (npm run deploy): every stack, the environment stack before its shards. A new
  // private emulator starts empty, so does the state; a reused one keeps the resources and the
  // state that describes them.
  const { stacks } = await deployEnvironment({
    env,
    root: ROOT,
    workDir: work,
    local: emulator,
    progress: (line) => console.error(`  ${line}`),
  });
  const failed = stacks.filter((s) => s.status !== 'applied');
  if (failed.length > 0) {
    throw new Error(
      failed
        .map((s) => `${s.name}: ${s.status}: ${s.reason}${s.log ? ` (log: ${s.log})` : ''}`)
        .join('\n'),
    );
  }
  console.error(`  applied in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const outdir = join(work, 'cdktf.out');
  const merged = environmentOutputs(outdir, deployTerraformEnv(true)).outputs;
  const outputs = `${JSON.stringify(merged, null, 2)}\n`;
  writeFileSync(join(work, 'outputs.json'), outputs);
  step('attaching the SCP document to the emulated organization');
  attachScp(emulator.endpoint, `claude-code-bedrock-${env}`, merged.scp_policy_json.value);
  if (values.json) process.stdout.write(outputs);
  else if (!values.quiet) console.log(summary(merged, join(work, 'outputs.json')));
  else console.error(`\n  outputs saved to ${join(work, 'outputs.json')}`);
  exitCode = 0;
} catch (err) {
  console.error(err.message);
} finally {
  if (values.keep) {
    console.error(
      `\nemulator left running at ${emulator.endpoint}; stop it with 'npm run emulator -- stop'`,
    );
  }
  await emulator.stop();
}
process.exit(exitCode);
