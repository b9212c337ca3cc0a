import { resolveDevelopers } from '@claude-code-bedrock/core';
import { forEachMap } from '@claude-code-bedrock/testing';
import { Testing } from 'cdktf';
import { readFileSync } from 'fs';
import { join } from 'path';
import { ClaudeCodeBedrockStack } from '../src';
import { config, synth } from './helpers';

type Tf = {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  locals?: Record<string, unknown>;
};

/** The developer ids of every budget action's for_each map. */
function actionKeys(tf: Tf): string[] {
  return Object.values(tf.resource?.aws_budgets_budget_action ?? {})
    .flatMap((a) => Object.keys(forEachMap(a.for_each, tf.locals)))
    .sort();
}

describe('budgets.perDeveloper.budgetAction (billing backstop)', () => {
  test('prod: one action per developer, run by one execution role, on the developer role', () => {
    // GIVEN the prod config (per-developer budgets with the backstop)
    const c = config('prod');
    const { tf } = synth(c);

    // THEN every developer has an action, all run by the environment's one execution role
    expect(actionKeys(tf)).toEqual(
      resolveDevelopers(c)
        .map((d) => d.id)
        .sort(),
    );
    const roles = Object.entries(tf.resource.aws_iam_role);
    const [executionRole] = roles.filter(([, r]) => r.name === `${c.project}-budget-actions`);
    const [developerRole] = roles.filter(([, r]) => r.name === `${c.project}-developer`);
    for (const action of Object.values(tf.resource.aws_budgets_budget_action)) {
      expect(action.execution_role_arn).toBe(`\${aws_iam_role.${executionRole[0]}.arn}`);
      expect(action.definition).toMatchObject({
        iam_action_definition: { roles: [`\${aws_iam_role.${developerRole[0]}.name}`] },
      });
    }
  });

  test('off: no action, spend-cap policy or execution role', () => {
    const { tf } = synth(
      config('prod', (raw) => {
        raw.budgets.perDeveloper = { ...raw.budgets.perDeveloper, budgetAction: false };
      }),
    );
    expect(tf.resource.aws_budgets_budget_action).toBeUndefined();
    const names = Object.values(tf.resource.aws_iam_role).map((r) => r.name);
    expect(names.filter((n) => String(n).endsWith('-budget-actions'))).toEqual([]);
  });

  test('sharded: each team stack holds its actions, run by the environment stack’s role', () => {
    // GIVEN prod sharded by team (spend caps need one stack, so they are off)
    const c = config('prod', (raw) => {
      raw.allocation = { ...(raw.allocation ?? {}), shardBy: 'team' };
      raw.budgets.perDeveloper = { ...raw.budgets.perDeveloper, enforce: false };
    });
    const app = Testing.app();
    const platform = new ClaudeCodeBedrockStack(app, c.environment, {
      config: c,
      localStateDir: '/state',
    });
    app.synth();
    const parse = (id: string) =>
      JSON.parse(readFileSync(join(app.outdir, 'stacks', id, 'cdk.tf.json'), 'utf8')) as Tf;
    const main = parse(platform.node.id);
    const shards = platform.shards.map((s) => parse(s.node.id));

    // THEN the environment stack has the one execution role and no action
    expect(main.resource?.aws_budgets_budget_action).toBeUndefined();
    expect(
      Object.values(main.resource?.aws_iam_role ?? {}).filter(
        (r) => r.name === `${c.project}-budget-actions`,
      ),
    ).toHaveLength(1);
    // AND the team stacks together hold one action per developer, reading both roles from it
    expect(shards.flatMap(actionKeys).sort()).toEqual(
      resolveDevelopers(c)
        .map((d) => d.id)
        .sort(),
    );
    for (const tf of shards) {
      expect(tf.resource?.aws_iam_role).toBeUndefined();
      for (const action of Object.values(tf.resource?.aws_budgets_budget_action ?? {})) {
        expect(action.execution_role_arn).toMatch(/^\$\{data\.terraform_remote_state\./);
        expect(action.definition).toMatchObject({
          iam_action_definition: {
            roles: [expect.stringMatching(/^\$\{data\.terraform_remote_state\./)],
          },
        });
      }
    }
  });
});
