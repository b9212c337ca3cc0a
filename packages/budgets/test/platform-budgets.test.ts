import { BudgetsBudget } from '@cdktf/provider-aws/lib/budgets-budget';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { TerraformOutput, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { developerGroup, developerGroupLabel } from '@claude-code-bedrock/core';
import {
  DeveloperBudgets,
  PlatformBudgets,
  PlatformBudgetsProps,
  developerBudgetName,
} from '../src';
import { dependencies, forEachResources, resourceWhere, resources, synth } from './helpers';

const TOPIC_ARN = '${aws_sns_topic.Topic.arn}';
const EMAILS = ['finops@example.com', 'platform@example.com'];

type Props = Omit<PlatformBudgetsProps, 'topic'>;

const base: Props = {
  project: 'acme',
  alertEmails: EMAILS,
  monthlyUsd: 1000,
  teams: [
    { id: 'platform', monthlyBudgetUsd: 500 },
    { id: 'payments', monthlyBudgetUsd: 300, alertEmails: ['payments-lead@example.com'] },
  ],
};

function build(scope: Construct, props: Props): PlatformBudgets {
  return new PlatformBudgets(scope, 'Budgets', { ...props, topic: dependencies(scope).topic });
}

function budget(props: Props, name: string): Record<string, unknown> {
  return resourceWhere(
    synth((scope) => build(scope, props)),
    'aws_budgets_budget',
    'name',
    name,
  );
}

function notification(type: string, threshold: number, emails: string[] = EMAILS) {
  return {
    comparison_operator: 'GREATER_THAN',
    notification_type: type,
    threshold,
    threshold_type: 'PERCENTAGE',
    subscriber_sns_topic_arns: [TOPIC_ARN],
    subscriber_email_addresses: emails,
  };
}

describe('PlatformBudgets', () => {
  describe('platform budget', () => {
    test('is a monthly USD cost budget of monthlyUsd named {project}-monthly', () => {
      expect(budget(base, 'acme-monthly')).toMatchObject({
        budget_type: 'COST',
        time_unit: 'MONTHLY',
        limit_amount: '1000',
        limit_unit: 'USD',
      });
    });

    test('filters on the Project cost allocation tag, not on the Bedrock service', () => {
      expect(budget(base, 'acme-monthly').cost_filter).toEqual([
        { name: 'TagKeyValue', values: ['user:Project$acme'] },
      ]);
    });

    test('can filter on a different Project tag value', () => {
      expect(
        budget({ ...base, projectTagValue: 'acme-claude' }, 'acme-monthly').cost_filter,
      ).toEqual([{ name: 'TagKeyValue', values: ['user:Project$acme-claude'] }]);
    });

    test('notifies the topic and e-mails at 50/80/100 % actual and 100 % forecast by default', () => {
      expect(budget(base, 'acme-monthly').notification).toEqual([
        notification('ACTUAL', 50),
        notification('ACTUAL', 80),
        notification('ACTUAL', 100),
        notification('FORECASTED', 100),
      ]);
    });

    test('uses configured thresholds', () => {
      const props = { ...base, thresholds: { actual: [90], forecast: [75, 110] } };
      expect(budget(props, 'acme-monthly').notification).toEqual([
        notification('ACTUAL', 90),
        notification('FORECASTED', 75),
        notification('FORECASTED', 110),
      ]);
    });

    test('notifies only the topic when there are no alert e-mails', () => {
      const [first] = budget({ ...base, alertEmails: [] }, 'acme-monthly').notification as Record<
        string,
        unknown
      >[];
      expect(first.subscriber_sns_topic_arns).toEqual([TOPIC_ARN]);
      expect(first.subscriber_email_addresses).toBeUndefined();
    });
  });

  describe('team budgets', () => {
    test('filter each team on its Team cost allocation tag with its own amount', () => {
      expect(budget(base, 'acme-team-platform')).toMatchObject({
        budget_type: 'COST',
        time_unit: 'MONTHLY',
        limit_amount: '500',
        limit_unit: 'USD',
        cost_filter: [{ name: 'TagKeyValue', values: ['user:Team$platform'] }],
      });
      expect(budget(base, 'acme-team-payments')).toMatchObject({
        limit_amount: '300',
        cost_filter: [{ name: 'TagKeyValue', values: ['user:Team$payments'] }],
      });
    });

    test('notify at 80/100 % actual and 100 % forecast by default', () => {
      expect(budget(base, 'acme-team-platform').notification).toEqual([
        notification('ACTUAL', 80),
        notification('ACTUAL', 100),
        notification('FORECASTED', 100),
      ]);
    });

    test("add the team's own alert e-mails to the shared ones", () => {
      const emails = [...EMAILS, 'payments-lead@example.com'];
      expect(budget(base, 'acme-team-payments').notification).toEqual([
        notification('ACTUAL', 80, emails),
        notification('ACTUAL', 100, emails),
        notification('FORECASTED', 100, emails),
      ]);
    });

    test('use configured team thresholds', () => {
      const props = { ...base, teamThresholds: { actual: [100], forecast: [] } };
      expect(budget(props, 'acme-team-platform').notification).toEqual([
        notification('ACTUAL', 100),
      ]);
    });

    test('are keyed by team id, so reordering teams changes no logical id', () => {
      const ids = (teams: Props['teams']) =>
        Object.fromEntries(
          Object.entries(
            resources(
              synth((scope) => build(scope, { ...base, teams })),
              'aws_budgets_budget',
            ),
          ).map(([id, b]) => [b.name, id]),
        );
      expect(ids([...base.teams].reverse())).toEqual(ids(base.teams));
    });

    test('are exposed by team id', () => {
      Testing.synthScope((scope) => {
        const budgets = build(scope, base);
        expect(Object.keys(budgets.teamBudgets)).toEqual(['platform', 'payments']);
        expect(budgets.teamBudgets.payments).toBeInstanceOf(BudgetsBudget);
      });
    });
  });

  describe('developer budgets', () => {
    const developers = [
      { id: 'jane.doe@example.com', monthlyBudgetUsd: 200 },
      { id: 'bob.smith', monthlyBudgetUsd: 50.5 },
    ];

    /** The developers' for_each budgets as synthesized, with their maps read from the locals. */
    function developerGroups(props: Props) {
      return forEachResources(
        synth((scope) => build(scope, props)),
        'aws_budgets_budget',
      );
    }

    test('are off by default', () => {
      const out = synth((scope) => build(scope, base));
      expect(Object.keys(resources(out, 'aws_budgets_budget'))).toHaveLength(3);
      expect(out.locals).toBeUndefined();
    });

    test('create no resource and no local for an empty roster', () => {
      const out = synth((scope) => build(scope, { ...base, developers: [] }));
      expect(Object.keys(resources(out, 'aws_budgets_budget'))).toHaveLength(3);
      expect(out.locals).toBeUndefined();
    });

    test('are DeveloperBudgets with construct id Developers', () => {
      Testing.synthScope((scope) => {
        const budgets = build(scope, { ...base, developers });
        expect(budgets.developerBudgets).toBeInstanceOf(DeveloperBudgets);
        expect(budgets.developerBudgets!.node.id).toBe('Developers');
        expect(budgets.developerBudgets!.budgetCount).toBe(2);
      });
    });

    test('are for_each resources, one per developer group, mapping each id to name and amount', () => {
      const groups = developerGroups({ ...base, developers });
      const labels = [...new Set(developers.map((d) => developerGroupLabel(developerGroup(d.id))))];
      expect(groups.map((g) => g.logicalId)).toEqual(
        labels
          .sort()
          .map((label) =>
            expect.stringMatching(new RegExp(`^Budgets_Developers_${label}_[0-9A-F]{8}$`)),
          ),
      );
      expect(Object.assign({}, ...groups.map((g) => g.entries))).toEqual({
        'bob.smith': { name: 'acme-dev-bob-smith', amount: '50.5' },
        'jane.doe@example.com': { name: 'acme-dev-jane-doe-example-com', amount: '200' },
      });
      for (const { body } of groups) {
        expect(body).toMatchObject({
          name: '${each.value.name}',
          limit_amount: '${each.value.amount}',
          budget_type: 'COST',
          time_unit: 'MONTHLY',
          limit_unit: 'USD',
        });
        // Nothing per developer is written into the resource itself.
        expect(JSON.stringify(body)).not.toMatch(/bob|jane|acme-dev/);
      }
    });

    test('filter each developer on the User cost allocation tag of their id', () => {
      // `user:User$${each.key}` would be the literal text `${each.key}` (`$${` is an escape).
      for (const { body } of developerGroups({ ...base, developers })) {
        expect(body.cost_filter).toEqual([
          { name: 'TagKeyValue', values: ['${format("user:User$%s", each.key)}'] },
        ]);
      }
    });

    test('notify the topic and e-mails at 100 % actual by default', () => {
      for (const { body } of developerGroups({ ...base, developers })) {
        expect(body.notification).toEqual([notification('ACTUAL', 100)]);
      }
    });

    test('use configured developer thresholds', () => {
      const props = { ...base, developers, developerThresholds: { actual: [80], forecast: [100] } };
      for (const { body } of developerGroups(props)) {
        expect(body.notification).toEqual([
          notification('ACTUAL', 80),
          notification('FORECASTED', 100),
        ]);
      }
    });

    test('synthesize byte-identical JSON whatever the order of the roster', () => {
      const roster = Array.from({ length: 50 }, (_, i) => ({
        id: `dev${(i * 37) % 50}@example.com`,
        monthlyBudgetUsd: 10 + i,
      }));
      // The stack outputs budgetNames, so its order is part of the synthesized JSON too.
      const json = (devs: Props['developers']) =>
        Testing.synthScope((scope) => {
          const budgets = build(scope, { ...base, developers: devs });
          new TerraformOutput(scope, 'budget_names', { value: budgets.budgetNames });
        });
      expect(json([...roster].reverse())).toBe(json(roster));
      expect(
        json([...roster].sort((a, b) => (a.monthlyBudgetUsd % 7) - (b.monthlyBudgetUsd % 7))),
      ).toBe(json(roster));
    });

    test('are exposed with a map of developer id to budget name', () => {
      Testing.synthScope((scope) => {
        const budgets = build(scope, { ...base, developers });
        expect(budgets.developerBudgetNames).toEqual({
          'bob.smith': 'acme-dev-bob-smith',
          'jane.doe@example.com': 'acme-dev-jane-doe-example-com',
        });
        expect(budgets.developerBudgetNames).toBe(budgets.developerBudgets!.budgetNames);
      });
    });

    test('leave developerBudgets undefined when off', () => {
      Testing.synthScope((scope) => {
        const budgets = build(scope, base);
        expect(budgets.developerBudgets).toBeUndefined();
        expect(budgets.developerBudgetNames).toEqual({});
      });
    });

    test('get valid, unique, stable names when the id is very long', () => {
      const long = `${'very.long.name.'.repeat(8)}x@example.com`;
      const other = `${'very.long.name.'.repeat(8)}y@example.com`;
      const name = developerBudgetName('acme', long);
      expect(name.length).toBeLessThanOrEqual(100);
      expect(name).toMatch(/^acme-dev-[a-z0-9-]+-[0-9a-f]{8}$/);
      expect(name).not.toMatch(/[:\\]/);
      expect(developerBudgetName('acme', other)).not.toBe(name);
      expect(developerBudgetName('acme', long)).toBe(name);
    });
  });

  test('lists every budget name: platform, teams in order, developers sorted by id', () => {
    Testing.synthScope((scope) => {
      const budgets = build(scope, {
        ...base,
        developers: [
          { id: 'zoe', monthlyBudgetUsd: 50 },
          { id: 'bob.smith', monthlyBudgetUsd: 50 },
        ],
      });
      expect(budgets.budgetNames).toEqual([
        'acme-monthly',
        'acme-team-platform',
        'acme-team-payments',
        'acme-dev-bob-smith',
        'acme-dev-zoe',
      ]);
    });
  });

  test('creates every budget after the topic policy when given one', () => {
    const out = Testing.synthScope((scope) => {
      const { topic } = dependencies(scope);
      const topicPolicy = new SnsTopicPolicy(scope, 'TopicPolicy', {
        arn: topic.arn,
        policy: '{}',
      });
      new PlatformBudgets(scope, 'Budgets', {
        ...base,
        developers: [{ id: 'bob', monthlyBudgetUsd: 5 }],
        topic,
        topicPolicy,
      });
    });
    expect(out).toHaveResourceWithProperties(BudgetsBudget, {
      name: 'acme-monthly',
      depends_on: ['aws_sns_topic_policy.TopicPolicy'],
    });
    const budgets = Object.values(resources(JSON.parse(out), 'aws_budgets_budget'));
    expect(budgets).toHaveLength(4);
    expect(budgets.every((b) => (b.depends_on as string[]).length === 1)).toBe(true);
  });

  describe('validation', () => {
    const attempt = (props: Props) => () => synth((scope) => build(scope, props));

    test('rejects more than 10 alert e-mails', () => {
      const alertEmails = Array.from({ length: 11 }, (_, i) => `user${i}@example.com`);
      expect(attempt({ ...base, alertEmails })).toThrow(
        /alertEmails: AWS Budgets allows at most 10 e-mail subscribers per notification \(got \["user0@example.com"/,
      );
    });

    test("rejects team e-mails that push a team's notification past 10 subscribers", () => {
      const alertEmails = Array.from({ length: 9 }, (_, i) => `user${i}@example.com`);
      const teams = [
        { id: 'platform', monthlyBudgetUsd: 1, alertEmails: ['a@example.com', 'b@example.com'] },
      ];
      expect(attempt({ ...base, alertEmails, teams })).toThrow(
        /teams\[0\]\.alertEmails: with alertEmails makes 11 e-mail subscribers.*\(got \["a@example.com","b@example.com"\]\)/,
      );
    });

    test('rejects negative amounts, listing each with its value', () => {
      expect(
        attempt({
          ...base,
          monthlyUsd: -5,
          teams: [{ id: 'platform', monthlyBudgetUsd: -10 }],
          developers: [{ id: 'bob', monthlyBudgetUsd: -1 }],
        }),
      ).toThrow(
        /3 problems[\s\S]*monthlyUsd: must be a positive amount in USD \(got -5\)[\s\S]*teams\[0\]\.monthlyBudgetUsd: .*\(got -10\)[\s\S]*developers\[0\]\.monthlyBudgetUsd: .*\(got -1\)/,
      );
    });

    test('rejects duplicate team ids', () => {
      const teams = [
        { id: 'platform', monthlyBudgetUsd: 1 },
        { id: 'platform', monthlyBudgetUsd: 2 },
      ];
      expect(attempt({ ...base, teams })).toThrow(
        /teams\[1\]\.id: duplicates teams\[0\]\.id \(got "platform"\)/,
      );
    });

    test('reports cross-field problems together with field problems', () => {
      const teams = [
        { id: 'platform', monthlyBudgetUsd: 1 },
        { id: 'platform', monthlyBudgetUsd: -2 },
      ];
      expect(attempt({ ...base, teams })).toThrow(
        /2 problems[\s\S]*teams\[1\]\.monthlyBudgetUsd: .*\(got -2\)[\s\S]*teams\[1\]\.id: duplicates teams\[0\]\.id/,
      );
    });

    test('rejects a malformed team id', () => {
      expect(attempt({ ...base, teams: [{ id: 'Team One', monthlyBudgetUsd: 1 }] })).toThrow(
        /teams\[0\]\.id: .*\(got "Team One"\)/,
      );
    });

    test('rejects duplicate developer ids', () => {
      const developers = [
        { id: 'bob', monthlyBudgetUsd: 1 },
        { id: 'bob', monthlyBudgetUsd: 2 },
      ];
      expect(attempt({ ...base, developers })).toThrow(
        /developers\[1\]\.id: duplicates developers\[0\]\.id \(got "bob"\)/,
      );
    });

    test('rejects developer ids whose budget names would collide', () => {
      const developers = [
        { id: 'Jane.Doe', monthlyBudgetUsd: 1 },
        { id: 'jane-doe', monthlyBudgetUsd: 2 },
      ];
      expect(attempt({ ...base, developers })).toThrow(
        /developers\[1\]\.id: collides with 'Jane\.Doe'.*'jane-doe' \(got "jane-doe"\)/,
      );
    });

    test('rejects a repeated threshold and more than 10 notifications per budget', () => {
      expect(
        attempt({
          ...base,
          thresholds: { actual: [80, 80], forecast: [] },
          teamThresholds: { actual: [10, 20, 30, 40, 50, 60], forecast: [70, 80, 90, 100, 110] },
        }),
      ).toThrow(
        /thresholds\.actual: must not repeat a percentage \(got \[80,80\]\)[\s\S]*teamThresholds: AWS Budgets allows at most 10 notifications/,
      );
    });

    test('rejects a roster that needs more budgets than the account quota', () => {
      const developers = Array.from({ length: 20_000 }, (_, i) => ({
        id: `dev${i}`,
        monthlyBudgetUsd: 10,
      }));
      expect(attempt({ ...base, developers })).toThrow(
        /developers: needs 20003 budgets, more than the AWS Budgets quota of 20000 per account.*\(got "2 teams \+ 20000 developers \+ 1"\)/,
      );
    });
  });
});
