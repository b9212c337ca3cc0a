import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { developerGroup, developerGroupLabel } from '@claude-code-bedrock/core';
import { Block, expandForEach } from '@claude-code-bedrock/testing';
import {
  BudgetActionRole,
  DeveloperBudgetActionProps,
  DeveloperBudgetProps,
  DeveloperBudgets,
  DeveloperBudgetsProps,
  PlatformBudgets,
} from '../src';
import { spendCapPolicyName } from '../src/naming';
import { ACCOUNT, REGION, Synthesized, dependencies, forEachResources, synth } from './helpers';

const EMAILS = ['finops@example.com'];
const TOPIC_ARN = '${aws_sns_topic.Topic.arn}';
const DEVELOPER_ROLE_NAME = '${aws_iam_role.DeveloperRole.name}';
const DEVELOPER_ROLE_ARN = '${aws_iam_role.DeveloperRole.arn}';
const PROFILES = `arn:aws:bedrock:${REGION}:${ACCOUNT}:application-inference-profile/*`;

/** 300 developers: every one of the 64 groups gets some. */
const ROSTER: DeveloperBudgetProps[] = Array.from({ length: 300 }, (_, i) => ({
  id: `dev${i}@example.com`,
  monthlyBudgetUsd: 10 + (i % 7),
}));
const FEW = ROSTER.slice(0, 5);

type Props = Omit<DeveloperBudgetsProps, 'topic' | 'budgetAction'> & {
  /** `true`: the backstop with this scope's developer role, in ACCOUNT and REGION. */
  budgetAction?: true | ((scope: Construct, role: IamRole) => DeveloperBudgetActionProps);
};

const base: Props = { project: 'acme', alertEmails: EMAILS, developers: FEW, budgetAction: true };

function developerRole(scope: Construct, id = 'DeveloperRole'): IamRole {
  return new IamRole(scope, id, { name: `acme-${id}`, assumeRolePolicy: '{}' });
}

function build(scope: Construct, props: Props): DeveloperBudgets {
  const { budgetAction, ...rest } = props;
  const role = developerRole(scope);
  const action =
    budgetAction === true
      ? { developerRole: role, accountId: ACCOUNT, region: REGION }
      : budgetAction?.(scope, role);
  return new DeveloperBudgets(scope, 'Dev', {
    ...rest,
    topic: dependencies(scope).topic,
    budgetAction: action,
  });
}

function synthesizedWith(props: Props): Synthesized {
  return synth((scope) => build(scope, props));
}

/** Only `fields` of a for_each block (with its for_each): the parts an instance evaluates alone. */
const pick = (body: Block, fields: readonly string[]): Block =>
  Object.fromEntries(['for_each', ...fields].map((f) => [f, body[f]]));

/**
 * `fields` of each for_each instance of every group resource of a type, by developer id (other
 * arguments may refer to other resources, which the evaluator does not know).
 */
function instances(
  out: Synthesized,
  type: string,
  fields: readonly string[] = [],
): Record<string, Block> {
  return Object.assign(
    {},
    ...forEachResources(out, type).map((g) => expandForEach(pick(g.body, fields), out.locals)),
  ) as Record<string, Block>;
}

/** The same, for the for_each data sources of a type. */
function dataInstances(
  out: Synthesized,
  type: string,
  fields: readonly string[] = ['statement'],
): Record<string, Block> {
  return Object.assign(
    {},
    ...Object.values(out.data?.[type] ?? {})
      .filter((body) => body.for_each !== undefined)
      .map((body) => expandForEach(pick(body, fields), out.locals)),
  ) as Record<string, Block>;
}

/** The group label in a group resource's logical id (`Dev_BudgetActionG07_<hash>` -> `G07`). */
function labelOf(logicalId: string): string {
  const match = /_[A-Za-z]*(G\d\d)_[0-9A-F]{8}$/.exec(logicalId);
  if (!match) throw new Error(`not a group resource: ${logicalId}`);
  return match[1];
}

const statementOf = (doc: Record<string, unknown>) => (doc.statement as Block[])[0];

describe('DeveloperBudgets budgetAction (billing backstop)', () => {
  describe('off by default', () => {
    test('creates no policy, action, role or policy document', () => {
      const out = synthesizedWith({ ...base, budgetAction: undefined });
      expect(out.resource?.aws_iam_policy).toBeUndefined();
      expect(out.resource?.aws_budgets_budget_action).toBeUndefined();
      expect(Object.keys(out.resource?.aws_iam_role ?? {})).toEqual(['DeveloperRole']);
      expect(out.data).toBeUndefined();
    });

    test('leaves the budget entries as they were (no policy names)', () => {
      const out = synthesizedWith({ ...base, budgetAction: undefined });
      for (const { entries } of forEachResources(out, 'aws_budgets_budget')) {
        for (const entry of Object.values(entries))
          expect(Object.keys(entry as Block).sort()).toEqual(['amount', 'name']);
      }
      Testing.synthScope((scope) => {
        const budgets = build(scope, { ...base, budgetAction: undefined });
        expect(budgets.budgetActions).toEqual([]);
        expect(budgets.budgetActionRole).toBeUndefined();
      });
    });
  });

  describe('per developer', () => {
    let full: Synthesized | undefined;
    const roster = () => (full ??= synthesizedWith({ ...base, developers: ROSTER }));

    test('one policy and one action per developer, keyed by developer id', () => {
      const ids = ROSTER.map((d) => d.id).sort();
      expect(Object.keys(instances(roster(), 'aws_iam_policy')).sort()).toEqual(ids);
      expect(Object.keys(instances(roster(), 'aws_budgets_budget_action')).sort()).toEqual(ids);
      expect(Object.keys(dataInstances(roster(), 'aws_iam_policy_document'))).toEqual(
        expect.arrayContaining(ids),
      );
    });

    test("each group's policies and actions iterate over that group's budget map", () => {
      // GIVEN the roster spread over every group
      const out = roster();
      const budgetLocals = Object.fromEntries(
        forEachResources(out, 'aws_budgets_budget').map((g) => [labelOf(g.logicalId), g.local]),
      );
      // THEN each policy and action resource is in the group of its developers, over the same local
      for (const type of ['aws_iam_policy', 'aws_budgets_budget_action']) {
        const groups = forEachResources(out, type);
        expect(groups).toHaveLength(Object.keys(budgetLocals).length);
        for (const g of groups) {
          const label = labelOf(g.logicalId);
          expect(g.local).toBe(budgetLocals[label]);
          for (const id of Object.keys(g.entries)) {
            expect(developerGroupLabel(developerGroup(id))).toBe(label);
          }
        }
      }
    });

    test("a developer's policy and action do not depend on the rest of the roster", () => {
      const addressOf = (out: Synthesized, type: string, id: string) => {
        const found = forEachResources(out, type).find((g) =>
          Object.prototype.hasOwnProperty.call(g.entries, id),
        )!;
        return `${type}.${found.logicalId}["${id}"]`;
      };
      const { id } = ROSTER[0];
      const alone = synthesizedWith({ ...base, developers: [ROSTER[0]] });
      for (const type of ['aws_iam_policy', 'aws_budgets_budget_action']) {
        expect(addressOf(roster(), type, id)).toBe(addressOf(alone, type, id));
      }
    });

    test("adding a developer changes only their group's local", () => {
      const extra = { id: 'carol@example.com', monthlyBudgetUsd: 75 };
      const before = synthesizedWith({ ...base, developers: ROSTER });
      const after = synthesizedWith({ ...base, developers: [...ROSTER, extra] });

      expect(after.resource).toEqual(before.resource);
      expect(after.data).toEqual(before.data);
      const changed = Object.keys(after.locals!).filter(
        (k) => JSON.stringify(after.locals![k]) !== JSON.stringify(before.locals![k]),
      );
      expect(changed).toHaveLength(1);
      expect((after.locals![changed[0]] as Record<string, unknown>)[extra.id]).toEqual({
        name: 'acme-dev-carol-example-com',
        amount: '75',
        policy: 'acme-spend-cap-carol-example-com',
      });
    });

    test('names each policy {project}-spend-cap-<slug>, within the 128-character limit', () => {
      const long = `${'x'.repeat(116)}@example.com`; // 128 characters, the most a developer id has
      const developers = [
        { id: 'jane.doe@example.com', monthlyBudgetUsd: 1 },
        { id: long, monthlyBudgetUsd: 1 },
      ];
      const policies = instances(synthesizedWith({ ...base, developers }), 'aws_iam_policy', [
        'name',
      ]);

      expect(policies['jane.doe@example.com'].name).toBe('acme-spend-cap-jane-doe-example-com');
      expect(policies[long].name).toBe(spendCapPolicyName('acme', long));
      expect((policies[long].name as string).length).toBeLessThanOrEqual(128);
      expect(spendCapPolicyName('acme', `y${long.slice(1)}`)).not.toBe(policies[long].name);
    });
  });

  describe('the policy', () => {
    test("denies invoking the profiles tagged with the developer's id and the project", () => {
      // GIVEN two developers
      const out = synthesizedWith({ ...base, developers: FEW.slice(0, 2) });
      const docs = dataInstances(out, 'aws_iam_policy_document');

      // THEN each developer's document denies invoke on profiles tagged with their id only
      for (const { id } of FEW.slice(0, 2)) {
        expect(statementOf(docs[id])).toEqual({
          sid: 'DenyInvokeOverBudget',
          effect: 'Deny',
          actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
          resources: [PROFILES],
          condition: [
            { test: 'StringEquals', variable: 'aws:ResourceTag/User', values: [id] },
            { test: 'StringEquals', variable: 'aws:ResourceTag/Project', values: ['acme'] },
          ],
        });
      }
    });

    test("is the rendered document of the developer's own instance", () => {
      const out = synthesizedWith(base);
      for (const g of forEachResources(out, 'aws_iam_policy')) {
        expect(g.body.policy).toMatch(
          new RegExp(
            `^\\$\\{data\\.aws_iam_policy_document\\.Dev_SpendCapPolicyDocument${labelOf(g.logicalId)}_[0-9A-F]{8}\\[each\\.key\\]\\.json\\}$`,
          ),
        );
      }
    });

    test('uses the partition of the provider when the region is a token', () => {
      const out = synth((scope) => {
        build(scope, {
          ...base,
          budgetAction: (s, role) => ({
            developerRole: role,
            accountId: new DataAwsCallerIdentity(s, 'caller').accountId,
            region: new TerraformVariable(s, 'region', { type: 'string' }).stringValue,
          }),
        });
      });
      const partition = Object.keys(out.data!.aws_partition).find((k) =>
        k.startsWith('Dev_Partition'),
      );
      const [doc] = Object.entries(out.data!.aws_iam_policy_document)
        .filter(([k]) => k.includes('SpendCapPolicyDocument'))
        .map(([, body]) => body);
      expect(statementOf(doc).resources).toEqual([
        `arn:\${data.aws_partition.${partition}.partition}:bedrock:\${var.region}:\${data.aws_caller_identity.caller.account_id}:application-inference-profile/*`,
      ]);
    });
  });

  describe('the action', () => {
    test('attaches the policy to the developer role at 100 % of actual spend, automatically', () => {
      const out = synthesizedWith(base);
      const actions = forEachResources(out, 'aws_budgets_budget_action');
      const roleArn = `\${aws_iam_role.${Object.keys(out.resource!.aws_iam_role).find((k) => k.startsWith('Dev_ActionRole'))}.arn}`;
      for (const { logicalId, body } of actions) {
        const label = labelOf(logicalId);
        expect(body).toMatchObject({
          action_type: 'APPLY_IAM_POLICY',
          approval_model: 'AUTOMATIC',
          notification_type: 'ACTUAL',
          action_threshold: { action_threshold_type: 'PERCENTAGE', action_threshold_value: 100 },
          execution_role_arn: roleArn,
        });
        // The developer's own budget and policy instances (references, so Terraform orders them).
        expect(body.budget_name).toMatch(
          new RegExp(
            `^\\$\\{aws_budgets_budget\\.Dev_${label}_[0-9A-F]{8}\\[each\\.key\\]\\.name\\}$`,
          ),
        );
        expect(body.definition).toEqual({
          iam_action_definition: {
            policy_arn: expect.stringMatching(
              new RegExp(
                `^\\$\\{aws_iam_policy\\.Dev_SpendCapPolicy${label}_[0-9A-F]{8}\\[each\\.key\\]\\.arn\\}$`,
              ),
            ),
            roles: [DEVELOPER_ROLE_NAME],
          },
        });
      }
    });

    test('notifies the alert topic and every alert e-mail', () => {
      const alertEmails = Array.from({ length: 10 }, (_, i) => `user${i}@example.com`);
      const out = synthesizedWith({ ...base, alertEmails });
      for (const { body } of forEachResources(out, 'aws_budgets_budget_action')) {
        // 1 topic + 10 e-mails: the 11 subscribers AWS Budgets allows per action.
        expect(body.subscriber).toEqual([
          { subscription_type: 'SNS', address: TOPIC_ARN },
          ...alertEmails.map((address) => ({ subscription_type: 'EMAIL', address })),
        ]);
      }
    });

    test('notifies the topic alone without e-mails', () => {
      const out = synthesizedWith({ ...base, alertEmails: [] });
      for (const { body } of forEachResources(out, 'aws_budgets_budget_action')) {
        expect(body.subscriber).toEqual([{ subscription_type: 'SNS', address: TOPIC_ARN }]);
      }
    });
  });

  describe('the execution role', () => {
    const roleOf = (out: Synthesized) =>
      Object.entries(out.resource!.aws_iam_role).find(([k]) => k.startsWith('Dev_ActionRole'))!;
    const docOf = (out: Synthesized, id: string) =>
      Object.entries(out.data!.aws_iam_policy_document).find(([k]) =>
        k.startsWith(`Dev_ActionRole_${id}`),
      )![1];

    test('is one role for every action, named {project}-budget-actions', () => {
      const out = synthesizedWith({ ...base, developers: ROSTER });
      const [logicalId, role] = roleOf(out);
      expect(role.name).toBe('acme-budget-actions');
      const arns = new Set(
        forEachResources(out, 'aws_budgets_budget_action').map((g) => g.body.execution_role_arn),
      );
      expect([...arns]).toEqual([`\${aws_iam_role.${logicalId}.arn}`]);
      expect(Object.keys(out.resource!.aws_iam_role)).toHaveLength(2);
    });

    test('is trusted by AWS Budgets of this account only', () => {
      const out = synthesizedWith(base);
      expect(docOf(out, 'TrustPolicy').statement).toEqual([
        {
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: ['budgets.amazonaws.com'] }],
          actions: ['sts:AssumeRole'],
          condition: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [ACCOUNT] }],
        },
      ]);
    });

    test('may only attach and detach the spend-cap policies, on the developer role', () => {
      const out = synthesizedWith(base);
      expect(docOf(out, 'PolicyDocument').statement).toEqual([
        {
          sid: 'AttachSpendCapPoliciesToDeveloperRole',
          effect: 'Allow',
          actions: ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'],
          resources: [DEVELOPER_ROLE_ARN],
          condition: [
            {
              test: 'ArnLike',
              variable: 'iam:PolicyARN',
              values: [`arn:aws:iam::${ACCOUNT}:policy/acme-spend-cap-*`],
            },
          ],
        },
      ]);
      // Its only permissions: one inline policy, no attachment.
      expect(Object.keys(out.resource!.aws_iam_role_policy)).toHaveLength(1);
      expect(out.resource!.aws_iam_role_policy_attachment).toBeUndefined();
    });

    test('every spend-cap policy name matches the pattern the role may attach', () => {
      const out = synthesizedWith({ ...base, developers: ROSTER });
      for (const policy of Object.values(instances(out, 'aws_iam_policy', ['name']))) {
        expect(policy.name).toMatch(/^acme-spend-cap-/);
      }
    });

    test('a shared role is used instead of a new one', () => {
      const out = synth((scope) => {
        build(scope, {
          ...base,
          budgetAction: (s, role) => ({
            developerRole: role,
            accountId: ACCOUNT,
            region: REGION,
            executionRole: new BudgetActionRole(s, 'Shared', {
              context: { project: 'acme', accountId: ACCOUNT, region: REGION },
              developerRole: role,
            }),
          }),
        });
      });
      const roles = Object.keys(out.resource!.aws_iam_role);
      expect(roles.filter((k) => k.startsWith('Dev_'))).toEqual([]);
      const shared = roles.find((k) => k.startsWith('Shared'))!;
      for (const { body } of forEachResources(out, 'aws_budgets_budget_action')) {
        expect(body.execution_role_arn).toBe(`\${aws_iam_role.${shared}.arn}`);
      }
    });
  });

  describe('quotas', () => {
    const warnings = (developers: number) => {
      const app = Testing.app();
      const stack = new TerraformStack(app, 'stack');
      const budgets = build(stack, {
        ...base,
        developers: Array.from({ length: developers }, (_, i) => ({
          id: `d${i}`,
          monthlyBudgetUsd: 1,
        })),
      });
      return budgets.node.metadata
        .filter((m) => m.type === '@cdktf/warn')
        .map((m) => String(m.data));
    };

    test('warns beyond the default quota of 1,500 customer-managed policies', () => {
      expect(warnings(1501)).toEqual([
        expect.stringMatching(
          /budgetAction creates 1501 customer-managed IAM policies.*default quota of 1500 per account/,
        ),
      ]);
    });

    test('does not warn within it', () => {
      expect(warnings(1500)).toEqual([]);
    });
  });

  describe('empty roster', () => {
    test('creates nothing, not even the execution role', () => {
      const out = synthesizedWith({ ...base, developers: [] });
      expect(Object.keys(out.resource ?? {}).sort()).toEqual([
        'aws_cloudwatch_log_group',
        'aws_iam_role',
        'aws_sns_topic',
      ]);
      expect(Object.keys(out.resource!.aws_iam_role)).toEqual(['DeveloperRole']);
    });
  });

  describe('misuse', () => {
    const attempt = (props: Props) => () => synthesizedWith(props);
    const withRole =
      (executionRole: (s: Construct, role: IamRole) => BudgetActionRole, accountId = ACCOUNT) =>
      (s: Construct, role: IamRole): DeveloperBudgetActionProps => ({
        developerRole: role,
        accountId,
        region: REGION,
        executionRole: executionRole(s, role),
      });

    test('rejects an invalid account id and region, with their values', () => {
      expect(
        attempt({
          ...base,
          budgetAction: (_s, role) => ({
            developerRole: role,
            accountId: '12345',
            region: 'mars-1',
          }),
        }),
      ).toThrow(
        /DeveloperBudgets 'stack\/Dev' has 2 problems:[\s\S]*budgetAction\.accountId: must be a 12-digit AWS account id \(got "12345"\)[\s\S]*budgetAction\.region: must be an AWS region code.*\(got "mars-1"\)/,
      );
    });

    test('rejects an execution role made for another developer role', () => {
      expect(
        attempt({
          ...base,
          budgetAction: withRole(
            (s) =>
              new BudgetActionRole(s, 'Other', {
                context: { project: 'acme', accountId: ACCOUNT, region: REGION },
                developerRole: developerRole(s, 'OtherRole'),
              }),
          ),
        }),
      ).toThrow(
        /budgetAction\.executionRole: may attach policies only to 'stack\/OtherRole', not to budgetAction\.developerRole 'stack\/DeveloperRole'.*\(got 'stack\/Other'\)/,
      );
    });

    test('rejects an execution role of another project', () => {
      expect(
        attempt({
          ...base,
          budgetAction: withRole(
            (s, role) =>
              new BudgetActionRole(s, 'Other', {
                context: { project: 'other', accountId: ACCOUNT, region: REGION },
                developerRole: role,
              }),
          ),
        }),
      ).toThrow(
        /budgetAction\.executionRole: may attach only the 'other-spend-cap-\*' policies, not this construct's 'acme-spend-cap-\*'/,
      );
    });

    test('rejects an execution role of another account', () => {
      expect(
        attempt({
          ...base,
          budgetAction: withRole(
            (s, role) =>
              new BudgetActionRole(s, 'Other', {
                context: { project: 'acme', accountId: '210987654321', region: REGION },
                developerRole: role,
              }),
          ),
        }),
      ).toThrow(
        /budgetAction\.executionRole: is for account 210987654321, not budgetAction\.accountId 123456789012/,
      );
    });

    test('rejects a mismatched execution role even for an empty roster', () => {
      expect(
        attempt({
          ...base,
          developers: [],
          budgetAction: withRole(
            (s, role) =>
              new BudgetActionRole(s, 'Other', {
                context: { project: 'other', accountId: ACCOUNT, region: REGION },
                developerRole: role,
              }),
          ),
        }),
      ).toThrow(/budgetAction\.executionRole: may attach only the 'other-spend-cap-\*' policies/);
    });

    test('BudgetActionRole rejects an invalid context, with its values', () => {
      expect(() =>
        Testing.synthScope((scope) => {
          new BudgetActionRole(scope, 'Role', {
            context: { project: 'Not A Project', accountId: '1', region: REGION },
            developerRole: developerRole(scope),
          });
        }),
      ).toThrow(
        /BudgetActionRole 'stack\/Role' has 2 problems:[\s\S]*context\.project: .*\(got "Not A Project"\)[\s\S]*context\.accountId: must be a 12-digit AWS account id \(got "1"\)/,
      );
    });
  });
});

describe('PlatformBudgets developerBudgetAction', () => {
  const platform = {
    project: 'acme',
    alertEmails: EMAILS,
    monthlyUsd: 1000,
    teams: [],
  };

  test('adds the backstop to its per-developer budgets', () => {
    const out = synth((scope) => {
      const role = developerRole(scope);
      new PlatformBudgets(scope, 'Budgets', {
        ...platform,
        topic: dependencies(scope).topic,
        developers: FEW,
        developerBudgetAction: { developerRole: role, accountId: ACCOUNT, region: REGION },
      });
    });
    expect(Object.keys(instances(out, 'aws_budgets_budget_action')).sort()).toEqual(
      FEW.map((d) => d.id).sort(),
    );
    for (const g of forEachResources(out, 'aws_budgets_budget_action')) {
      expect(g.logicalId).toMatch(/^Budgets_Developers_BudgetActionG\d\d_/);
    }
  });

  test('rejects the backstop without developers', () => {
    expect(() =>
      synth((scope) => {
        new PlatformBudgets(scope, 'Budgets', {
          ...platform,
          topic: dependencies(scope).topic,
          developerBudgetAction: {
            developerRole: developerRole(scope),
            accountId: ACCOUNT,
            region: REGION,
          },
        });
      }),
    ).toThrow(
      /PlatformBudgets 'stack\/Budgets' has 1 problem:[\s\S]*developerBudgetAction: needs developers: the actions belong to the per-developer budgets/,
    );
  });

  test('validates its account id', () => {
    expect(() =>
      synth((scope) => {
        new PlatformBudgets(scope, 'Budgets', {
          ...platform,
          topic: dependencies(scope).topic,
          developers: FEW,
          developerBudgetAction: {
            developerRole: developerRole(scope),
            accountId: 'abc',
            region: REGION,
          },
        });
      }),
    ).toThrow(/developerBudgetAction\.accountId: must be a 12-digit AWS account id \(got "abc"\)/);
  });
});
