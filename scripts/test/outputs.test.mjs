// Merging the outputs of a sharded environment (environment stack + one stack per team).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { appStacks, mergeOutputs } from '../lib.mjs';

const out = (value) => ({ sensitive: false, type: 'x', value });

test('merges per-developer maps across team stacks and keeps shared outputs', () => {
  const merged = mergeOutputs([
    ['prod', { developer_role_arn: out('arn:role'), budget_names: out(['m', 't1']) }],
    [
      'prod-a',
      {
        developer_role_arn: out('arn:role'),
        inference_profile_arns: out({ alice: 'arn:1' }),
        budget_names: out(['dev-alice']),
      },
    ],
    ['prod-b', { inference_profile_arns: out({ bob: 'arn:2' }) }],
  ]);
  assert.deepEqual(merged.inference_profile_arns.value, { alice: 'arn:1', bob: 'arn:2' });
  assert.deepEqual(merged.budget_names.value, ['m', 't1', 'dev-alice']);
  assert.equal(merged.developer_role_arn.value, 'arn:role');
});

test('does not modify its input', () => {
  const a = { inference_profiles: out({ alice: { opus: 'arn:1' } }) };
  mergeOutputs([
    ['a', a],
    ['b', { inference_profiles: out({ bob: { opus: 'arn:2' } }) }],
  ]);
  assert.deepEqual(a.inference_profiles.value, { alice: { opus: 'arn:1' } });
});

test('refuses a developer present in two stacks, naming them', () => {
  assert.throws(
    () =>
      mergeOutputs([
        ['prod-a', { inference_profile_arns: out({ alice: 'arn:1' }) }],
        ['prod-b', { inference_profile_arns: out({ alice: 'arn:9' }) }],
      ]),
    /inference_profile_arns: alice also in another stack \(prod-b\)/,
  );
});

test('refuses scalar outputs that differ between stacks', () => {
  assert.throws(
    () =>
      mergeOutputs([
        ['prod', { developer_role_arn: out('arn:1') }],
        ['prod-a', { developer_role_arn: out('arn:2') }],
      ]),
    /developer_role_arn differs between stacks \(prod-a\)/,
  );
});

test('lists the environment stack before the team stacks that depend on it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ccb-manifest-'));
  const stack = (name, dependencies) => ({
    name,
    dependencies,
    workingDirectory: `stacks/${name}`,
  });
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify({
      stacks: {
        'prod-b': stack('prod-b', ['prod']),
        prod: stack('prod', []),
        'prod-a': stack('prod-a', ['prod']),
      },
    }),
  );
  assert.deepEqual(
    appStacks(dir).map(([name, d]) => [name, d]),
    [
      ['prod', join(dir, 'stacks/prod')],
      ['prod-a', join(dir, 'stacks/prod-a')],
      ['prod-b', join(dir, 'stacks/prod-b')],
    ],
  );
});
