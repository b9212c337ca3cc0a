import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { compareCodeUnits, developerGroup, developerGroupLabel } from '@claude-code-bedrock/core';
import { planningProvider, terraformPlan, terraformValidate } from '@claude-code-bedrock/testing';
import { BedrockGuardrail } from '@claude-code-bedrock/foundation';
import {
  BudgetAlertTopic,
  CostAnomalyDetection,
  DeveloperBudgets,
  PlatformBudgets,
  UsageAlarms,
} from '../src';
// `terraform init` installs hashicorp/aws from the machine's filesystem mirror.
describe('the whole package in a stack', () => {
  test('is valid Terraform, with the account id read at plan time', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'budgets');
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    const caller = new DataAwsCallerIdentity(stack, 'caller');
    const context = { project: 'acme', accountId: caller.accountId, region: 'us-east-1' };
    const alerts = new BudgetAlertTopic(stack, 'Alerts', {
      context,
      emails: ['finops@example.com'],
      kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    });
    const developerRole = new IamRole(stack, 'DeveloperRole', {
      name: 'acme-developer',
      assumeRolePolicy: TRUST_ACCOUNT_ROOT,
    });
    const budgets = new PlatformBudgets(stack, 'Budgets', {
      project: 'acme',
      topic: alerts.topic,
      topicPolicy: alerts.policy,
      alertEmails: ['finops@example.com'],
      monthlyUsd: 1000,
      teams: [{ id: 'platform', monthlyBudgetUsd: 500, alertEmails: ['lead@example.com'] }],
      developers: [
        { id: 'jane.doe@example.com', monthlyBudgetUsd: 100 },
        { id: 'bob', monthlyBudgetUsd: 25 },
      ],
      // The billing backstop, with the account id read at plan time too.
      developerBudgetAction: { developerRole, accountId: caller.accountId, region: 'us-east-1' },
    });
    const logGroup = new CloudwatchLogGroup(stack, 'Logs', {
      name: '/aws/bedrock/acme-invocations',
    });
    new UsageAlarms(stack, 'Usage', { context, logGroup, topic: alerts.topic });
    new CostAnomalyDetection(stack, 'Anomaly', {
      project: 'acme',
      topic: alerts.topic,
      topicPolicy: alerts.policy,
    });
    const guardrail = new BedrockGuardrail(stack, 'Guardrail', { project: 'acme' });
    new TerraformOutput(stack, 'sns_topic_arn', { value: alerts.topicArn });
    new TerraformOutput(stack, 'budget_names', { value: budgets.budgetNames });
    new TerraformOutput(stack, 'guardrail_id', { value: guardrail.guardrailId });

    expect(terraformValidate(stack)).toMatchObject({ valid: true });
  });

  test("plans each developer's budget with its name, amount and User tag filter", () => {
    // Planning new resources without refresh makes no AWS call; the credentials are dummies.
    const app = Testing.app();
    const stack = new TerraformStack(app, 'plan');
    planningProvider(stack);
    const topic = new SnsTopic(stack, 'Topic', { name: 'acme-budget-alerts' });
    new PlatformBudgets(stack, 'Budgets', {
      project: 'acme',
      topic,
      alertEmails: [],
      monthlyUsd: 1000,
      teams: [],
      developers: [
        { id: 'jane.doe@example.com', monthlyBudgetUsd: 100 },
        { id: 'svc:ci/bot=1+x', monthlyBudgetUsd: 12.5 },
      ],
    });
    const plan = terraformPlan<PlannedBudget>(stack);

    const developers = plan.resource_changes
      .filter((r) => r.index !== undefined)
      .map((r) => ({
        address: r.address,
        name: r.change.after.name,
        amount: r.change.after.limit_amount,
        filter: r.change.after.cost_filter,
      }))
      .sort((a, b) => compareCodeUnits(a.name, b.name));
    // Each instance is in the for_each resource of its developer's group.
    const address = (id: string) =>
      expect.stringMatching(
        new RegExp(
          `^aws_budgets_budget\\.Budgets_Developers_${developerGroupLabel(developerGroup(id))}_[0-9A-F]{8}\\[${JSON.stringify(id).replace(/[.+/[\]]/g, '\\$&')}\\]$`,
        ),
      );
    expect(developers).toEqual([
      {
        address: address('jane.doe@example.com'),
        name: 'acme-dev-jane-doe-example-com',
        amount: '100',
        filter: [{ name: 'TagKeyValue', values: ['user:User$jane.doe@example.com'] }],
      },
      {
        address: address('svc:ci/bot=1+x'),
        name: 'acme-dev-svc-ci-bot-1-x',
        amount: '12.5',
        filter: [{ name: 'TagKeyValue', values: ['user:User$svc:ci/bot=1+x'] }],
      },
    ]);
  }, 60_000);

  test("plans each developer's spend-cap policy and budget action (the billing backstop)", () => {
    // GIVEN two developers, ten alert e-mails and the backstop
    const app = Testing.app();
    const stack = new TerraformStack(app, 'backstop');
    planningProvider(stack);
    const topic = new SnsTopic(stack, 'Topic', { name: 'acme-budget-alerts' });
    const developerRole = new IamRole(stack, 'DeveloperRole', {
      name: 'acme-developer',
      assumeRolePolicy: TRUST_ACCOUNT_ROOT,
    });
    const alertEmails = Array.from({ length: 10 }, (_, i) => `user${i}@example.com`);
    new DeveloperBudgets(stack, 'Dev', {
      project: 'acme',
      topic,
      alertEmails,
      developers: [
        { id: 'jane.doe@example.com', monthlyBudgetUsd: 100 },
        { id: 'svc:ci/bot=1+x', monthlyBudgetUsd: 12.5 },
      ],
      budgetAction: { developerRole, accountId: '123456789012', region: 'us-east-1' },
    });

    // WHEN Terraform plans it (the provider checks the schema: at most 11 subscribers)
    const plan = terraformPlan(stack);
    const planned = (type: string) =>
      Object.fromEntries(
        plan.resource_changes
          .filter((r) => r.type === type && r.index !== undefined)
          .map((r) => [r.index as string, r.change.after]),
      );

    // THEN each developer's policy denies invoke on the profiles tagged with their id
    const policies = planned('aws_iam_policy');
    expect(Object.keys(policies).sort()).toEqual(['jane.doe@example.com', 'svc:ci/bot=1+x']);
    for (const [id, policy] of Object.entries(policies)) {
      const document = JSON.parse(policy.policy as string) as { Statement: { Action: string[] }[] };
      document.Statement.forEach((st) => st.Action.sort());
      expect(document).toEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'DenyInvokeOverBudget',
            Effect: 'Deny',
            Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
            Resource: 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/*',
            Condition: {
              StringEquals: { 'aws:ResourceTag/User': id, 'aws:ResourceTag/Project': 'acme' },
            },
          },
        ],
      });
    }
    expect(policies['svc:ci/bot=1+x'].name).toBe('acme-spend-cap-svc-ci-bot-1-x');

    // AND each action applies it to the developer role on that developer's own budget
    const actions = planned('aws_budgets_budget_action');
    expect(Object.keys(actions).sort()).toEqual(Object.keys(policies).sort());
    expect(actions['jane.doe@example.com']).toMatchObject({
      budget_name: 'acme-dev-jane-doe-example-com',
      action_type: 'APPLY_IAM_POLICY',
      approval_model: 'AUTOMATIC',
      notification_type: 'ACTUAL',
      action_threshold: [{ action_threshold_type: 'PERCENTAGE', action_threshold_value: 100 }],
      definition: [
        {
          iam_action_definition: [expect.objectContaining({ roles: ['acme-developer'] })],
          scp_action_definition: [],
          ssm_action_definition: [],
        },
      ],
    });
    expect(actions['svc:ci/bot=1+x'].budget_name).toBe('acme-dev-svc-ci-bot-1-x');
    for (const action of Object.values(actions)) {
      expect(action.subscriber).toHaveLength(11);
    }
  }, 60_000);
});

/** A trust policy for test roles: the account itself. */
const TRUST_ACCOUNT_ROOT = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::123456789012:root' },
      Action: 'sts:AssumeRole',
    },
  ],
});

interface PlannedBudget {
  name: string;
  limit_amount: string;
  cost_filter: { name: string; values: string[] }[];
}
