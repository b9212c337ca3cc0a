import { BudgetsBudget } from '@cdktf/provider-aws/lib/budgets-budget';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import {
  DEVELOPER_GROUPS,
  developerGroup,
  developerGroupLabel,
  groupByDeveloper,
} from '@claude-code-bedrock/core';
import { DeveloperBudgetProps, DeveloperBudgets, DeveloperBudgetsProps } from '../src';
import { Synthesized, dependencies, forEachResources, synth } from './helpers';

const TOPIC_ARN = '${aws_sns_topic.Topic.arn}';
const EMAILS = ['finops@example.com'];

type Props = Omit<DeveloperBudgetsProps, 'topic'>;

/** 300 developers: every one of the 64 groups gets some. */
const ROSTER: DeveloperBudgetProps[] = Array.from({ length: 300 }, (_, i) => ({
  id: `dev${i}@example.com`,
  monthlyBudgetUsd: 10 + (i % 7),
}));

const base: Props = { project: 'acme', alertEmails: EMAILS, developers: ROSTER };

function build(scope: Construct, props: Props): DeveloperBudgets {
  return new DeveloperBudgets(scope, 'Dev', { ...props, topic: dependencies(scope).topic });
}

function synthesized(props: Props): Synthesized {
  return synth((scope) => build(scope, props));
}

let full: Synthesized | undefined;
/** The synthesized `base` (the whole ROSTER), computed once: tests only read it. */
function synthesizedRoster(): Synthesized {
  full ??= synthesized(base);
  return full;
}

/** The group label in a group resource's logical id (`Dev_G07_<hash>` -> `G07`). */
function labelOf(logicalId: string): string {
  const match = /^Dev_(G\d\d)_[0-9A-F]{8}$/.exec(logicalId);
  if (!match) throw new Error(`not a group resource: ${logicalId}`);
  return match[1];
}

describe('DeveloperBudgets', () => {
  describe('groups', () => {
    test('each group resource maps exactly the developers of its group', () => {
      // GIVEN a roster spread over every group
      // WHEN synthesized
      const groups = forEachResources(synthesizedRoster(), 'aws_budgets_budget');

      // THEN there is one resource per group, and each map holds exactly that group's developers
      expect(groups).toHaveLength(DEVELOPER_GROUPS);
      for (const { logicalId, entries } of groups) {
        const label = labelOf(logicalId);
        const expected = ROSTER.filter((d) => developerGroupLabel(developerGroup(d.id)) === label);
        expect(Object.keys(entries).sort()).toEqual(expected.map((d) => d.id).sort());
      }
    });

    test('the groups together hold the roster, each developer once', () => {
      const groups = forEachResources(synthesizedRoster(), 'aws_budgets_budget');
      const keys = groups.flatMap((g) => Object.keys(g.entries));

      expect(new Set(keys).size).toBe(keys.length);
      expect(keys.sort()).toEqual(ROSTER.map((d) => d.id).sort());
    });

    test('creates resources only for non-empty groups', () => {
      // GIVEN three developers
      const developers = ROSTER.slice(0, 3);
      const labels = [...new Set(developers.map((d) => developerGroupLabel(developerGroup(d.id))))];

      // WHEN synthesized
      const out = synthesized({ ...base, developers });

      // THEN there is one resource and one local per group that has a developer
      const groups = forEachResources(out, 'aws_budgets_budget');
      expect(groups.map((g) => labelOf(g.logicalId))).toEqual(labels.sort());
      expect(Object.keys(out.locals ?? {})).toHaveLength(labels.length);
    });

    test('each map lives in its own local, named after the group', () => {
      const out = synthesizedRoster();
      const groups = forEachResources(out, 'aws_budgets_budget');

      for (const { logicalId, local } of groups) {
        expect(local).toMatch(new RegExp(`^Dev_Entries${labelOf(logicalId)}_[0-9A-F]{8}$`));
      }
      expect(Object.keys(out.locals ?? {}).sort()).toEqual(groups.map((g) => g.local).sort());
    });

    test('maps each developer id to budget name and amount', () => {
      const developers = [
        { id: 'jane.doe@example.com', monthlyBudgetUsd: 200 },
        { id: 'bob.smith', monthlyBudgetUsd: 50.5 },
      ];
      const groups = forEachResources(synthesized({ ...base, developers }), 'aws_budgets_budget');

      expect(Object.assign({}, ...groups.map((g) => g.entries))).toEqual({
        'bob.smith': { name: 'acme-dev-bob-smith', amount: '50.5' },
        'jane.doe@example.com': { name: 'acme-dev-jane-doe-example-com', amount: '200' },
      });
    });

    test('are exposed in group order, with the group labels as construct ids', () => {
      Testing.synthScope((scope) => {
        const budgets = build(scope, base);
        expect(budgets.resources.map((r) => r.node.id)).toEqual(
          groupByDeveloper(ROSTER, (d) => d.id).map(([label]) => label),
        );
        expect(budgets.resources.every((r) => r instanceof BudgetsBudget)).toBe(true);
      });
    });
  });

  describe('each budget', () => {
    // The resources differ only in their for_each map: a few groups are enough.
    const small: Props = { ...base, developers: ROSTER.slice(0, 10) };
    const bodies = (props: Props) =>
      forEachResources(synthesized(props), 'aws_budgets_budget').map((g) => g.body);

    test('is a monthly USD cost budget named and sized from its entry', () => {
      for (const body of bodies(small)) {
        expect(body).toMatchObject({
          name: '${each.value.name}',
          limit_amount: '${each.value.amount}',
          budget_type: 'COST',
          time_unit: 'MONTHLY',
          limit_unit: 'USD',
        });
      }
    });

    test('filters on the User cost allocation tag of the developer id', () => {
      // `user:User$${each.key}` would be the literal text `${each.key}` (`$${` is an escape).
      for (const body of bodies(small)) {
        expect(body.cost_filter).toEqual([
          { name: 'TagKeyValue', values: ['${format("user:User$%s", each.key)}'] },
        ]);
      }
    });

    test('notifies the topic and e-mails at 100 % actual by default', () => {
      for (const body of bodies(small)) {
        expect(body.notification).toEqual([
          {
            comparison_operator: 'GREATER_THAN',
            notification_type: 'ACTUAL',
            threshold: 100,
            threshold_type: 'PERCENTAGE',
            subscriber_sns_topic_arns: [TOPIC_ARN],
            subscriber_email_addresses: EMAILS,
          },
        ]);
      }
    });

    test('uses configured thresholds and only the topic without e-mails', () => {
      const props = { ...small, alertEmails: [], thresholds: { actual: [80], forecast: [100] } };
      for (const body of bodies(props)) {
        expect(body.notification).toEqual([
          expect.objectContaining({ notification_type: 'ACTUAL', threshold: 80 }),
          expect.objectContaining({ notification_type: 'FORECASTED', threshold: 100 }),
        ]);
        for (const n of body.notification as Record<string, unknown>[]) {
          expect(n.subscriber_sns_topic_arns).toEqual([TOPIC_ARN]);
          expect(n.subscriber_email_addresses).toBeUndefined();
        }
      }
    });

    test('is created after the topic policy when given one', () => {
      const out = JSON.parse(
        Testing.synthScope((scope) => {
          const { topic } = dependencies(scope);
          const topicPolicy = new SnsTopicPolicy(scope, 'TopicPolicy', {
            arn: topic.arn,
            policy: '{}',
          });
          new DeveloperBudgets(scope, 'Dev', { ...small, topic, topicPolicy });
        }),
      ) as Synthesized;
      for (const { body } of forEachResources(out, 'aws_budgets_budget')) {
        expect(body.depends_on).toEqual(['aws_sns_topic_policy.TopicPolicy']);
      }
    });
  });

  describe('stable plans', () => {
    test('reordering the roster synthesizes byte-identical JSON', () => {
      const json = (developers: readonly DeveloperBudgetProps[]) =>
        Testing.synthScope((scope) => {
          build(scope, { ...base, developers });
        });
      const shuffled = [...ROSTER].sort((a, b) => (a.id.length % 5) - (b.id.length % 5));

      expect(json([...ROSTER].reverse())).toBe(json(ROSTER));
      expect(json(shuffled)).toBe(json(ROSTER));
    });

    test("adding a developer changes only their group's local", () => {
      // GIVEN a full roster, and one more developer
      const extra = { id: 'carol@example.com', monthlyBudgetUsd: 75 };
      const before = synthesized(base);
      const after = synthesized({ ...base, developers: [...ROSTER, extra] });
      const groupLocal = forEachResources(after, 'aws_budgets_budget').find(
        (g) => labelOf(g.logicalId) === developerGroupLabel(developerGroup(extra.id)),
      )!.local;

      // THEN every resource is unchanged
      expect(after.resource).toEqual(before.resource);
      // AND only the developer's group local gains exactly their entry
      const { [groupLocal]: changedAfter, ...otherAfter } = after.locals!;
      const { [groupLocal]: changedBefore, ...otherBefore } = before.locals!;
      expect(otherAfter).toEqual(otherBefore);
      expect(changedAfter).toEqual({
        ...(changedBefore as object),
        [extra.id]: { name: 'acme-dev-carol-example-com', amount: '75' },
      });
    });

    test('a developer in a new group adds one resource and one local, changing nothing else', () => {
      // GIVEN one developer, and another in a different group
      const [first] = ROSTER;
      const second = ROSTER.find((d) => developerGroup(d.id) !== developerGroup(first.id))!;
      const before = synthesized({ ...base, developers: [first] });
      const after = synthesized({ ...base, developers: [first, second] });

      const resourcesBefore = before.resource!.aws_budgets_budget;
      const resourcesAfter = after.resource!.aws_budgets_budget;
      const added = Object.keys(resourcesAfter).filter((id) => !(id in resourcesBefore));
      expect(added).toHaveLength(1);
      expect(labelOf(added[0])).toBe(developerGroupLabel(developerGroup(second.id)));
      expect(resourcesAfter).toMatchObject(resourcesBefore);
      const addedLocals = Object.keys(after.locals!).filter((id) => !(id in before.locals!));
      expect(addedLocals).toHaveLength(1);
      expect(after.locals).toMatchObject(before.locals!);
    });

    test("a developer's address depends only on their id, not on the rest of the roster", () => {
      const addressOf = (id: string, out: Synthesized) => {
        const groups = forEachResources(out, 'aws_budgets_budget');
        const [found] = groups.filter((g) => Object.prototype.hasOwnProperty.call(g.entries, id));
        return `aws_budgets_budget.${found.logicalId}["${id}"]`;
      };
      const { id } = ROSTER[0];
      const alone = addressOf(id, synthesized({ ...base, developers: [ROSTER[0]] }));

      expect(addressOf(id, synthesizedRoster())).toBe(alone);
      expect(alone).toMatch(
        new RegExp(`^aws_budgets_budget\\.Dev_${developerGroupLabel(developerGroup(id))}_`),
      );
    });
  });

  describe('empty roster', () => {
    test('creates no budget and no local', () => {
      const out = synthesized({ ...base, developers: [] });
      expect(out.resource?.aws_budgets_budget).toBeUndefined();
      expect(out.locals).toBeUndefined();
    });

    test('exposes no resources, no names and a count of 0', () => {
      Testing.synthScope((scope) => {
        const budgets = build(scope, { ...base, developers: [] });
        expect(budgets.resources).toEqual([]);
        expect(budgets.budgetNames).toEqual({});
        expect(budgets.budgetCount).toBe(0);
      });
    });
  });

  describe('budget names', () => {
    test('map each developer id to its budget name, sorted by id', () => {
      Testing.synthScope((scope) => {
        const budgets = build(scope, {
          ...base,
          developers: [
            { id: 'zoe', monthlyBudgetUsd: 1 },
            { id: 'Bob', monthlyBudgetUsd: 1 },
            { id: 'alice', monthlyBudgetUsd: 1 },
          ],
        });
        expect(Object.entries(budgets.budgetNames)).toEqual([
          ['Bob', 'acme-dev-bob'],
          ['alice', 'acme-dev-alice'],
          ['zoe', 'acme-dev-zoe'],
        ]);
        expect(budgets.budgetCount).toBe(3);
      });
    });

    test('are listed in developer id order, integer-like ids included', () => {
      Testing.synthScope((scope) => {
        const budgets = build(scope, {
          ...base,
          developers: [
            { id: 'zoe', monthlyBudgetUsd: 1 },
            { id: '9', monthlyBudgetUsd: 1 },
            { id: '10', monthlyBudgetUsd: 1 },
          ],
        });
        // Code-unit order puts '10' before '9'; Object.values(budgetNames) would list 9, 10.
        expect(Object.values(budgets.budgetNames)).toEqual([
          'acme-dev-9',
          'acme-dev-10',
          'acme-dev-zoe',
        ]);
        expect(budgets.orderedBudgetNames).toEqual(['acme-dev-10', 'acme-dev-9', 'acme-dev-zoe']);
        expect(Object.values(budgets.budgetNames).sort()).toEqual(
          [...budgets.orderedBudgetNames].sort(),
        );
      });
    });

    test('are own properties whatever the id', () => {
      Testing.synthScope((scope) => {
        const budgets = build(scope, {
          ...base,
          developers: [
            { id: 'constructor', monthlyBudgetUsd: 1 },
            { id: 'toString', monthlyBudgetUsd: 1 },
          ],
        });
        expect(Object.keys(budgets.budgetNames)).toEqual(['constructor', 'toString']);
        expect(budgets.budgetNames.constructor).toBe('acme-dev-constructor');
      });
    });
  });

  describe('in a stack other than the topic', () => {
    function twoStacks() {
      const app = Testing.app();
      const main = new TerraformStack(app, 'main');
      new AwsProvider(main, 'aws', { region: 'us-east-1' });
      const topic = new SnsTopic(main, 'Topic', { name: 'acme-budget-alerts' });
      const shard = new TerraformStack(app, 'shard');
      new AwsProvider(shard, 'aws', { region: 'us-east-1' });
      new DeveloperBudgets(shard, 'Dev', {
        ...base,
        developers: ROSTER.slice(0, 5),
        topic,
      });
      return { main, shard };
    }

    test('reads the topic ARN through remote state', () => {
      // GIVEN the topic in the main stack and the budgets in a shard stack
      const { main, shard } = twoStacks();

      // WHEN the stacks are prepared as `cdktf synth` does
      main.prepareStack();
      shard.prepareStack();
      const shardJson = JSON.parse(Testing.synth(shard)) as Synthesized;
      const mainJson = JSON.parse(Testing.synth(main)) as { output: Record<string, unknown> };

      // THEN the shard's budgets notify the main stack's topic through a remote-state output
      const remote = Object.keys(shardJson.data?.terraform_remote_state ?? {});
      expect(remote).toHaveLength(1);
      const groups = forEachResources(shardJson, 'aws_budgets_budget');
      expect(groups.length).toBeGreaterThan(0);
      for (const { body } of groups) {
        const [n] = body.notification as { subscriber_sns_topic_arns: string[] }[];
        expect(n.subscriber_sns_topic_arns).toEqual([
          expect.stringMatching(
            new RegExp(`^\\$\\{data\\.terraform_remote_state\\.${remote[0]}\\.outputs\\.`),
          ),
        ]);
      }
      expect(Object.values(mainJson.output)).toContainEqual(
        expect.objectContaining({ value: TOPIC_ARN }),
      );
      expect(Object.keys(shardJson.resource ?? {})).toEqual(['aws_budgets_budget']);
    });

    test('rejects a topic policy of the other stack', () => {
      // GIVEN the topic and its policy in the main stack
      const app = Testing.app();
      const main = new TerraformStack(app, 'main');
      const topic = new SnsTopic(main, 'Topic', {});
      const topicPolicy = new SnsTopicPolicy(main, 'TopicPolicy', { arn: topic.arn, policy: '{}' });
      const shard = new TerraformStack(app, 'shard');

      // THEN budgets in the shard cannot depend on the policy (depends_on cannot cross stacks)
      expect(() => new DeveloperBudgets(shard, 'Dev', { ...base, topic, topicPolicy })).toThrow(
        /DeveloperBudgets 'shard\/Dev' has 1 problem:\n {2}- topicPolicy: is in stack 'main', not in this construct's stack 'shard'.* \(got 'main\/TopicPolicy'\)/,
      );
    });
  });

  describe('validation', () => {
    const attempt = (props: Props) => () => synthesized(props);

    test('rejects a duplicate developer id, naming it', () => {
      const developers = [
        { id: 'bob', monthlyBudgetUsd: 1 },
        { id: 'alice', monthlyBudgetUsd: 1 },
        { id: 'bob', monthlyBudgetUsd: 2 },
      ];
      expect(attempt({ ...base, developers })).toThrow(
        /DeveloperBudgets 'stack\/Dev' has 1 problem:[\s\S]*developers\[2\]\.id: duplicates developers\[0\]\.id \(got "bob"\)/,
      );
    });

    test('rejects a non-positive amount with its value', () => {
      expect(attempt({ ...base, developers: [{ id: 'bob', monthlyBudgetUsd: 0 }] })).toThrow(
        /developers\[0\]\.monthlyBudgetUsd: must be a positive amount in USD \(got 0\)/,
      );
    });

    test('reports every problem at once', () => {
      expect(
        attempt({
          project: 'acme',
          alertEmails: ['not-an-e-mail'],
          developers: [
            { id: 'bob', monthlyBudgetUsd: -1 },
            { id: 'bob', monthlyBudgetUsd: 1 },
            { id: 'has space', monthlyBudgetUsd: 1 },
          ],
          thresholds: { actual: [100, 100], forecast: [] },
        }),
      ).toThrow(
        /5 problems[\s\S]*alertEmails\[0\]: .*\(got "not-an-e-mail"\)[\s\S]*developers\[0\]\.monthlyBudgetUsd: .*\(got -1\)[\s\S]*developers\[2\]\.id: .*\(got "has space"\)[\s\S]*thresholds\.actual: must not repeat a percentage[\s\S]*developers\[1\]\.id: duplicates developers\[0\]\.id \(got "bob"\)/,
      );
    });

    test('rejects ids whose budget names would collide', () => {
      const developers = [
        { id: 'Jane.Doe', monthlyBudgetUsd: 1 },
        { id: 'jane-doe', monthlyBudgetUsd: 2 },
      ];
      expect(attempt({ ...base, developers })).toThrow(
        /developers\[1\]\.id: collides with 'Jane\.Doe'.*'jane-doe' \(got "jane-doe"\)/,
      );
    });

    test('rejects the id __proto__, which cdktf cannot write as a map key', () => {
      expect(attempt({ ...base, developers: [{ id: '__proto__', monthlyBudgetUsd: 1 }] })).toThrow(
        /developers\[0\]\.id: cannot be used with per-developer budgets.*\(got "__proto__"\)/,
      );
    });

    test('rejects more than 10 alert e-mails', () => {
      const alertEmails = Array.from({ length: 11 }, (_, i) => `user${i}@example.com`);
      expect(attempt({ ...base, alertEmails })).toThrow(
        /alertEmails: AWS Budgets allows at most 10 e-mail subscribers per notification/,
      );
    });

    test('rejects a roster larger than the account quota', () => {
      const developers = Array.from({ length: 20_001 }, (_, i) => ({
        id: `dev${i}`,
        monthlyBudgetUsd: 10,
      }));
      expect(attempt({ ...base, developers })).toThrow(
        /developers: needs 20001 budgets, more than the AWS Budgets quota of 20000 per account.*\(got "20001 developers"\)/,
      );
    });
  });
});
