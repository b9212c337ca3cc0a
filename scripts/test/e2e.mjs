// Shared set-up of the end-to-end tests: a private emulator per test file, a scratch directory,
// and helpers to synthesize the dev app for it and drive terraform and the aws CLI.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before } from 'node:test';
import { parse, stringify } from 'yaml';
import { AWS_CLI_SERVER_ENV, startAwsCliServer } from '../aws-cli.mjs';
import { stackParallelism } from '../deploy/run.mjs';
import { startEmulator } from '../emulator.mjs';
import { ROOT, must, run, synthApp, terraformEnv } from '../lib.mjs';

export const ACCOUNT = '123456789012';
export const baseConfig = parse(readFileSync(join(ROOT, 'apps', 'dev', 'config.yaml'), 'utf8'));

/** Registers before/after hooks and returns the helpers (valid once the hooks ran). */
export function e2e(name) {
  const ctx = {
    WORK: join(os.tmpdir(), `ccb-${name}-${process.pid}`),
    emulator: undefined,
    tfEnv: undefined,
  };
  before(async () => {
    rmSync(ctx.WORK, { recursive: true, force: true });
    mkdirSync(ctx.WORK, { recursive: true });
    ctx.emulator = await startEmulator({ logFile: join(ctx.WORK, 'emulator.log') });
    // The aws CLI, kept warm: this file's aws calls, and those of the scripts it runs (they inherit
    // the variable), go to one Python process instead of a new one each (scripts/aws-cli.mjs).
    // Without it (no awscli for python3, another CLI on the PATH) the calls run as processes.
    ctx.awsCli = await startAwsCliServer({ logFile: join(ctx.WORK, 'aws-cli-server.log') }).catch(
      (err) => console.error(`  the aws CLI is not kept warm: ${err.message}`),
    );
    if (ctx.awsCli) process.env[AWS_CLI_SERVER_ENV] = ctx.awsCli.url;
    ctx.tfEnv = terraformEnv({
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_REGION: 'us-east-1',
      AWS_PAGER: '',
    });
  });
  after(async () => {
    delete process.env[AWS_CLI_SERVER_ENV];
    await ctx.awsCli?.stop();
    await ctx.emulator?.stop();
  });

  ctx.aws = (args) => {
    const res = must(
      'aws',
      [...args, '--endpoint-url', ctx.emulator.endpoint, '--output', 'json'],
      {
        env: ctx.tfEnv,
      },
    );
    return res.stdout.trim() ? JSON.parse(res.stdout) : {};
  };

  /** Synthesizes the dev app for the emulator with `config` into `dir`; returns the stack dir. */
  ctx.synth = (dir, config) => {
    mkdirSync(dir, { recursive: true });
    const configPath = join(dir, 'config.yaml');
    writeFileSync(configPath, stringify(config));
    const [stackDir] = synthApp('dev', {
      outdir: join(dir, 'cdktf.out'),
      env: {
        CCB_CONFIG: configPath,
        CCB_TARGET: 'local',
        CCB_EMULATOR_ENDPOINT: ctx.emulator.endpoint,
        CCB_STATE_DIR: dir,
      },
    });
    return stackDir;
  };

  ctx.tf = (stackDir, args, opts = {}) =>
    run('terraform', [...args, '-no-color'], {
      cwd: stackDir,
      env: ctx.tfEnv,
      capture: true,
      ...opts,
    });

  /** `terraform apply`; with `plan`, applies that saved plan (no second refresh and plan). */
  ctx.apply = (stackDir, { plan } = {}) => {
    // As npm run deploy runs one stack.
    const parallelism = `-parallelism=${stackParallelism(1)}`;
    const res = ctx.tf(
      stackDir,
      plan
        ? ['apply', '-input=false', parallelism, plan]
        : ['apply', '-auto-approve', '-input=false', parallelism],
    );
    assert.equal(
      res.status,
      0,
      `terraform apply failed:\n${res.stdout.slice(-3000)}\n${res.stderr}`,
    );
  };

  /**
   * The gzipped JSON-lines objects under `prefix` of `bucket` (the invocation logs as Bedrock
   * delivers them): `[{ key, records }]`, each record parsed.
   */
  ctx.gzippedJsonLines = (bucket, prefix = '') => {
    const listed = ctx.aws(['s3api', 'list-objects-v2', '--bucket', bucket, '--prefix', prefix]);
    return (listed.Contents ?? []).map(({ Key: key }) => {
      const file = join(ctx.WORK, 'object.gz');
      ctx.aws(['s3api', 'get-object', '--bucket', bucket, '--key', key, file]);
      const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n');
      return { key, records: lines.filter((l) => l.trim()).map((l) => JSON.parse(l)) };
    });
  };

  /** Planned changes as [address, actions] pairs, no-ops left out; the plan is kept in plan.bin. */
  ctx.plannedChanges = (stackDir) => {
    const p = ctx.tf(stackDir, ['plan', '-input=false', '-out=plan.bin']);
    assert.equal(p.status, 0, `terraform plan failed:\n${p.stderr}`);
    const shown = JSON.parse(ctx.tf(stackDir, ['show', '-json', 'plan.bin']).stdout);
    return (shown.resource_changes ?? [])
      .filter((c) => !(c.change.actions.length === 1 && c.change.actions[0] === 'no-op'))
      .map((c) => [c.address, c.change.actions.join('+')]);
  };
  return ctx;
}
