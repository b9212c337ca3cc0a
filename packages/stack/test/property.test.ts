import {
  EnvironmentConfigInput,
  roleSessionName,
  slugify,
  validateConfig,
} from '@claude-code-bedrock/core';
import { Testing } from 'cdktf';
import fc from 'fast-check';
import { ClaudeCodeBedrockStack } from '../src';

/*
 * Property: every config the schema accepts synthesizes, passes the policy checks (synth with
 * validations on throws on any error finding) and yields one profile per entitled tier.
 */
const idChar = fc.constantFrom(
  ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:/=+@-é山'.split(''),
);
const developerId = fc
  .array(idChar, { minLength: 2, maxLength: 70 }) // a role session name has at least 2
  .map((cs) => cs.join(''))
  .filter((s) => /[\p{L}\p{N}]/u.test(s));
const teamId = fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/);

const configArb = fc
  .record({
    teams: fc.uniqueArray(teamId, { minLength: 1, maxLength: 4 }),
    developers: fc
      .uniqueArray(developerId, {
        minLength: 1,
        maxLength: 12,
        selector: slugify, // ids that collide after sanitisation are (rightly) rejected
      })
      // ... and so are ids that share a role session name.
      .filter((ids) => new Set(ids.map(roleSessionName)).size === ids.length),
    opusGroup: fc.boolean(),
    perDeveloper: fc.boolean(),
    objectLock: fc.option(fc.constantFrom('GOVERNANCE', 'COMPLIANCE'), { nil: undefined }),
    cloudtrail: fc.boolean(),
    guardrail: fc.boolean(),
    identity: fc.constantFrom('principalTag', 'username'),
    budget: fc.integer({ min: 1, max: 100000 }),
  })
  .map(
    (r): EnvironmentConfigInput => ({
      project: 'prop-test',
      environment: 'prop',
      region: 'us-east-1',
      accountId: '123456789012',
      bucketPrefix: 'prop-test-env',
      models: {
        sonnet: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
        opus: r.opusGroup
          ? { profileId: 'us.anthropic.claude-opus-4-6-v1', group: 'opus' }
          : 'us.anthropic.claude-opus-4-6-v1',
        haiku: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
      },
      fastModel: 'haiku',
      prices: {
        sonnet: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
        opus: { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
        haiku: { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
      },
      teams: r.teams.map((id, i) => ({ id, costCenter: `CC-${i}`, monthlyBudgetUsd: r.budget })),
      developers: r.developers.map((id, i) => ({
        id,
        team: r.teams[i % r.teams.length],
        ...(i % 2 === 0 ? { groups: ['opus'] } : {}),
      })),
      access: {
        developers: { principals: ['arn:aws:iam::123456789012:root'] },
        identity: r.identity as 'principalTag' | 'username',
      },
      budgets: {
        monthlyUsd: r.budget,
        alertEmails: ['finops@example.com'],
        perDeveloper: { enabled: r.perDeveloper },
        guardrail: { enabled: r.guardrail },
      },
      logging: {
        ...(r.objectLock ? { objectLock: { mode: r.objectLock as 'GOVERNANCE', days: 30 } } : {}),
        cloudtrail: { enabled: r.cloudtrail },
      },
    }),
  );

describe('random valid configs', () => {
  it('always synthesize and pass the policy checks', () => {
    fc.assert(
      fc.property(configArb, (raw) => {
        const config = validateConfig(raw);
        const app = Testing.app();
        const stack = new ClaudeCodeBedrockStack(app, 'prop', { config, localStateDir: '/tmp' });
        const tf = JSON.parse(Testing.synth(stack, true));
        const profiles = stack.profiles!.profileCount;
        const expected = config.developers.reduce(
          (n, d) =>
            n +
            (config.models.opus &&
            (typeof config.models.opus === 'string' || d.groups?.includes('opus'))
              ? 3
              : 2),
          0,
        );
        expect(profiles).toBe(expected);
        expect(Object.keys(tf.output)).toContain('inference_profile_arns');
      }),
      { numRuns: 25 },
    );
  });
});
