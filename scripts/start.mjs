#!/usr/bin/env node
// The main job: start the local AWS emulator, deploy the dev environment to it with Terraform,
// and print `terraform output -json`. The emulator is stopped afterwards unless --keep is given.
// After the apply, the environment's SCP document (output scp_policy_json) is attached to the
// emulator's organization root, as the platform team does in the management account, so the
// emulator's Bedrock data plane evaluates it like AWS would.
// It ends with a short summary (developers and their default-tier profiles, where the full
// outputs were saved, the next command); --json prints `terraform output -json` instead, --quiet
// nothing.
// Usage: npm start [-- --env dev] [--keep] [--synth-only] [--json | --quiet]
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, attachScp, must, summarize, synthApp, terraformEnv } from './lib.mjs';

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
must('npx', ['turbo', 'run', 'build', '--output-logs=errors-only']);

if (values['synth-only']) {
  const [dir] = synthApp(env);
  console.log(JSON.stringify({ stack: dir, ...summarize(dir) }, null, 2));
  process.exit(0);
}

const { startEmulator } = await import('./emulator.mjs');
step('starting the local AWS emulator');
// With --keep the emulator runs in the background and outlives this command.
// --keep reuses an emulator that already runs in the background (another environment's, say).
const emulator = await startEmulator({ background: values.keep, reuse: values.keep });
console.error(`  emulator at ${emulator.endpoint}`);
let exitCode = 1;
try {
  const work = join(ROOT, 'out', 'local', env);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  step(`synthesizing apps/${env} for the local target`);
  const [dir] = synthApp(env, {
    outdir: join(work, 'cdktf.out'),
    env: { CCB_TARGET: 'local', CCB_EMULATOR_ENDPOINT: emulator.endpoint, CCB_STATE_DIR: work },
  });
  const s = summarize(dir);
  console.error(`  ${s.resourceTotal} resources, ${s.outputs.length} outputs`);
  const tfEnv = terraformEnv({
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
  });
  step('terraform init');
  must('terraform', ['init', '-input=false', '-no-color'], { cwd: dir, env: tfEnv });
  step('terraform apply');
  const started = Date.now();
  must('terraform', ['apply', '-auto-approve', '-input=false', '-no-color', '-parallelism=20'], {
    cwd: dir,
    env: tfEnv,
  });
  console.error(`  applied in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const outputs = must('terraform', ['output', '-json'], { cwd: dir, env: tfEnv }).stdout;
  writeFileSync(join(work, 'outputs.json'), outputs);
  step('attaching the SCP document to the emulated organization');
  attachScp(
    emulator.endpoint,
    `claude-code-bedrock-${env}`,
    JSON.parse(outputs).scp_policy_json.value,
  );
  if (values.json) process.stdout.write(outputs);
  else if (!values.quiet) console.log(summary(JSON.parse(outputs), join(work, 'outputs.json')));
  else console.error(`\n  outputs saved to ${join(work, 'outputs.json')}`);
  exitCode = 0;
} catch (err) {
  console.error(err.message);
} finally {
  if (values.keep) {
    console.error(
      `\nemulator left running at ${emulator.endpoint}; stop it with 'npm run emulator -- stop'`,
    );
  } else {
    await emulator.stop();
  }
}
process.exit(exitCode);
