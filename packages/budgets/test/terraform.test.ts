import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { compareCodeUnits, developerGroup, developerGroupLabel } from '@claude-code-bedrock/core';
import { terraformPlan, terraformValidate } from '@claude-code-bedrock/testing';
import { BedrockGuardrail } from '@claude-code-bedrock/foundation';
import { BudgetAlertTopic, CostAnomalyDetection, PlatformBudgets, UsageAlarms } from '../src';
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
    new AwsProvider(stack, 'aws', {
      region: 'us-east-1',
      accessKey: 'AKIAEXAMPLE',
      secretKey: 'example',
      skipCredentialsValidation: true,
      skipRequestingAccountId: true,
      skipMetadataApiCheck: 'true',
    });
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
});

interface PlannedBudget {
  name: string;
  limit_amount: string;
  cost_filter: { name: string; values: string[] }[];
}
