// Budgets per account and team, usage alarms on the invocation log and their dashboard, cost
// anomaly detection and a Bedrock guardrail, all reporting to one alert topic; per-developer
// budgets in a second stack (as in a team shard), whose topic reference cdktf reads through remote
// state.
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { BedrockGuardrail } from '@claude-code-bedrock/foundation';
import {
  BudgetAlertTopic,
  CostAnomalyDetection,
  DeveloperBudgets,
  PlatformBudgets,
  UsageAlarms,
  UsageDashboard,
} from '@claude-code-bedrock/budgets';

class BudgetsStack extends TerraformStack {
  readonly alerts: BudgetAlertTopic;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, 'aws', { region: 'us-east-1' });
    // The log group Bedrock writes invocation logs to (BedrockAuditLogging's logGroup).
    const logGroup = new CloudwatchLogGroup(this, 'InvocationLogs', {
      name: '/aws/bedrock/acme-claude-invocations',
      retentionInDays: 30,
    });

    // #region platform
    const context = { project: 'acme-claude', accountId: '123456789012', region: 'us-east-1' };
    const alerts = new BudgetAlertTopic(this, 'Alerts', {
      context,
      emails: ['finops@example.com'],
    });

    const budgets = new PlatformBudgets(this, 'Budgets', {
      project: 'acme-claude',
      topic: alerts.topic,
      topicPolicy: alerts.policy,
      alertEmails: ['finops@example.com'],
      monthlyUsd: 1000,
      teams: [{ id: 'platform', monthlyBudgetUsd: 500 }],
    });

    const usage = new UsageAlarms(this, 'Usage', {
      context,
      logGroup, // the CloudwatchLogGroup Bedrock writes invocation logs to
      topic: alerts.topic,
    });

    new CostAnomalyDetection(this, 'Anomaly', {
      project: 'acme-claude',
      topic: alerts.topic,
      topicPolicy: alerts.policy,
      thresholdUsd: 100,
    });
    // #endregion platform

    // #region dashboard
    const dashboard = new UsageDashboard(this, 'Dashboard', {
      context,
      usage, // the UsageAlarms: calls, tokens, cost, errors, alarm states
      logGroup, // top callers by cost, from the invocation log
      prices: { sonnet: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 } },
      // spendCaps, // a SpendCaps: exact cost per team, blocked developers
    });
    // #endregion dashboard

    // Governance rather than spend: the guardrail is in @claude-code-bedrock/foundation.
    const guardrail = new BedrockGuardrail(this, 'Guardrail', { project: 'acme-claude' });

    this.alerts = alerts;
    new TerraformOutput(this, 'sns_topic_arn', { value: alerts.topicArn });
    new TerraformOutput(this, 'budget_names', { value: budgets.budgetNames });
    new TerraformOutput(this, 'guardrail_id', { value: guardrail.guardrailId });
    new TerraformOutput(this, 'dashboard_url', { value: dashboard.dashboardUrl });
  }
}

class TeamStack extends TerraformStack {
  constructor(scope: Construct, id: string, alerts: BudgetAlertTopic) {
    super(scope, id);
    new AwsProvider(this, 'aws', { region: 'us-east-1' });

    // #region developer-budgets
    new DeveloperBudgets(this, 'DeveloperBudgets', {
      project: 'acme-claude',
      topic: alerts.topic, // a BudgetAlertTopic of the main stack
      alertEmails: ['finops@example.com'],
      developers: [
        { id: 'jane.doe@example.com', monthlyBudgetUsd: 200 },
        { id: 'bob', monthlyBudgetUsd: 50 },
      ],
    });
    // #endregion developer-budgets
  }
}

const app = new App();
const main = new BudgetsStack(app, 'budgets');
new TeamStack(app, 'budgets-platform', main.alerts);
app.synth();
