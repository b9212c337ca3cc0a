// The S3 backend with native locking (use_lockfile) on the emulator: a second concurrent apply
// fails on the lock and the state stays intact.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { must } from '../lib.mjs';
import { baseConfig, e2e } from './e2e.mjs';

const ctx = e2e('locking');

describe('S3 backend with native locking', { concurrency: false }, () => {
  it('refuses a second concurrent apply and keeps the state intact', async () => {
    const dir = join(ctx.WORK, 'locking');
    ctx.aws(['s3api', 'create-bucket', '--bucket', 'ccb-state']);
    const config = {
      ...baseConfig,
      project: 'acme-lock',
      bucketPrefix: 'acme-lock-dev',
      logging: { ...baseConfig.logging, manageInvocationLogging: false },
      backend: { s3: { bucket: 'ccb-state', key: 'lock-test/terraform.tfstate' } },
    };
    const stackDir = ctx.synth(dir, config);
    const backendFile = join(dir, 'backend.hcl');
    writeFileSync(
      backendFile,
      [
        `endpoints = { s3 = "${ctx.emulator.endpoint}" }`,
        'use_path_style = true',
        'skip_credentials_validation = true',
        'skip_requesting_account_id = true',
        'skip_metadata_api_check = true',
        'skip_region_validation = true',
        '',
      ].join('\n'),
    );
    const tfJson = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8'));
    assert.equal(tfJson.terraform.backend.s3.use_lockfile, true);
    must('terraform', ['init', '-input=false', '-no-color', `-backend-config=${backendFile}`], {
      cwd: stackDir,
      env: ctx.tfEnv,
    });
    const start = () =>
      new Promise((resolve) => {
        const child = spawn(
          'terraform',
          ['apply', '-auto-approve', '-input=false', '-no-color', '-lock-timeout=0s'],
          {
            cwd: stackDir,
            env: ctx.tfEnv,
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        child.on('exit', (code) => resolve({ code, out }));
      });
    const first = start();
    await new Promise((r) => setTimeout(r, 1500));
    const second = await start();
    const firstResult = await first;
    assert.equal(firstResult.code, 0, firstResult.out.slice(-3000));
    assert.notEqual(second.code, 0, 'the second apply must not run concurrently');
    assert.match(second.out, /Error acquiring the state lock|state lock/i);
    const res = ctx.tf(stackDir, ['plan', '-detailed-exitcode', '-input=false']);
    assert.equal(res.status, 0, `state must be intact and complete:\n${res.stdout.slice(-2000)}`);
  });
});
