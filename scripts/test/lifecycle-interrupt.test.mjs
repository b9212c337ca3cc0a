// An apply interrupted with SIGINT converges on the next run, nothing duplicated or lost.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, must } from '../lib.mjs';
import { baseConfig, e2e } from './e2e.mjs';

const ctx = e2e('interrupt');

describe('interrupted apply', { concurrency: false }, () => {
  it('converges after SIGINT with nothing duplicated or lost', async () => {
    const dir = join(ctx.WORK, 'interrupt');
    const config = {
      ...baseConfig,
      project: 'acme-intr',
      bucketPrefix: 'acme-intr-dev',
      logging: { ...baseConfig.logging, manageInvocationLogging: false },
    };
    const stackDir = ctx.synth(dir, config);
    must('terraform', ['init', '-input=false', '-no-color'], { cwd: stackDir, env: ctx.tfEnv });
    const child = spawn('terraform', ['apply', '-auto-approve', '-input=false', '-no-color'], {
      cwd: stackDir,
      env: ctx.tfEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    await new Promise((resolve) => {
      child.stdout.on('data', (d) => {
        out += d;
        if ((out.match(/Creation complete/g) ?? []).length >= 10 && !child.killed)
          child.kill('SIGINT');
      });
      child.on('exit', resolve);
    });
    assert.ok(
      (out.match(/Creation complete/g) ?? []).length >= 10,
      'apply ended before the interrupt',
    );
    // Creates cancelled by the interrupt may have happened in AWS without reaching the state:
    // reconcile writes import blocks for those profiles (matched by their deterministic names),
    // and the next apply adopts them.
    must('node', [join(ROOT, 'scripts', 'reconcile.mjs'), '--dir', stackDir], {
      env: { ...ctx.tfEnv, CCB_EMULATOR_ENDPOINT: ctx.emulator.endpoint },
    });
    ctx.apply(stackDir);
    const res = ctx.tf(stackDir, ['plan', '-detailed-exitcode', '-input=false']);
    assert.equal(res.status, 0, res.stdout.slice(-2000));
    const profiles = ctx
      .aws(['bedrock', 'list-inference-profiles', '--type-equals', 'APPLICATION'])
      .inferenceProfileSummaries.filter((p) => p.inferenceProfileName.startsWith('acme-intr-'));
    const state = JSON.parse(ctx.tf(stackDir, ['show', '-json']).stdout);
    const inState = state.values.root_module.resources.filter(
      (r) => r.type === 'aws_bedrock_inference_profile',
    );
    assert.equal(profiles.length, inState.length, 'every profile in AWS is in state, once');
    assert.equal(new Set(profiles.map((p) => p.inferenceProfileName)).size, profiles.length);
  });
});
