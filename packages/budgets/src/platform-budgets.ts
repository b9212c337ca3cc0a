import { BudgetsBudget, BudgetsBudgetNotification } from '@cdktf/provider-aws/lib/budgets-budget';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { Construct } from 'constructs';
import { stableConstructId, validateWith } from '@claude-code-bedrock/core';
import { developerBudgetName, monthlyBudgetName, tagKeyValue, teamBudgetName } from './naming';
import { PlatformBudgetsPropsSchema } from './validation';

/** Alert thresholds, in percent of the budgeted amount. */
export interface Thresholds {
  /** Notify when actual spend exceeds these percentages. */
  readonly actual: readonly number[];
  /** Notify when forecast spend for the month exceeds these percentages. */
  readonly forecast: readonly number[];
}

export interface TeamBudgetProps {
  /** Team id; matches the `Team` cost allocation tag on the team's inference profiles. */
  readonly id: string;
  readonly monthlyBudgetUsd: number;
  /**
   * Extra recipients of this team's alerts, added to `alertEmails`.
   * @default - only `alertEmails`
   */
  readonly alertEmails?: readonly string[];
}

export interface DeveloperBudgetProps {
  /** Developer id; matches the `User` cost allocation tag on the developer's profiles. */
  readonly id: string;
  readonly monthlyBudgetUsd: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { actual: [50, 80, 100], forecast: [100] };
export const DEFAULT_TEAM_THRESHOLDS: Thresholds = { actual: [80, 100], forecast: [100] };
export const DEFAULT_DEVELOPER_THRESHOLDS: Thresholds = { actual: [100], forecast: [] };

export interface PlatformBudgetsProps {
  /** Project name: prefix of every budget name. */
  readonly project: string;
  /**
   * Value of the `Project` cost allocation tag that the platform-wide budget filters on.
   * @default - `project`
   */
  readonly projectTagValue?: string;
  /** Topic every notification is also sent to (see `BudgetAlertTopic`). */
  readonly topic: SnsTopic;
  /**
   * Policy that lets AWS Budgets publish to `topic`; budgets are created after it.
   * @default - no explicit ordering
   */
  readonly topicPolicy?: SnsTopicPolicy;
  /** E-mail recipients of every notification; at most 10 (AWS Budgets limit). */
  readonly alertEmails: readonly string[];
  /** Monthly amount of the platform-wide budget, in USD. */
  readonly monthlyUsd: number;
  /**
   * Thresholds of the platform-wide budget.
   * @default { actual: [50, 80, 100], forecast: [100] }
   */
  readonly thresholds?: Thresholds;
  /** One budget per team, keyed by team id. */
  readonly teams: readonly TeamBudgetProps[];
  /**
   * Thresholds of each team budget.
   * @default { actual: [80, 100], forecast: [100] }
   */
  readonly teamThresholds?: Thresholds;
  /**
   * One budget per developer, keyed by developer id.
   * @default - no per-developer budgets
   */
  readonly developers?: readonly DeveloperBudgetProps[];
  /**
   * Thresholds of each developer budget.
   * @default { actual: [100], forecast: [] }
   */
  readonly developerThresholds?: Thresholds;
}

/**
 * Monthly AWS Budgets (COST, USD) for the platform, each team and optionally each developer,
 * filtered by cost allocation tags (`Project`, `Team`, `User`) rather than by service: Claude
 * usage on Bedrock can be billed as AWS Marketplace products, which a filter on the "Amazon
 * Bedrock" service would miss. Every notification goes to the alert topic and the e-mails.
 */
export class PlatformBudgets extends Construct {
  public readonly monthly: BudgetsBudget;
  public readonly teamBudgets: Readonly<Record<string, BudgetsBudget>>;
  public readonly developerBudgets: Readonly<Record<string, BudgetsBudget>>;
  /** Names of every budget created, platform budget first. */
  public readonly budgetNames: string[];

  constructor(scope: Construct, id: string, props: PlatformBudgetsProps) {
    super(scope, id);
    const { topic, topicPolicy, ...checked } = props;
    validateWith(PlatformBudgetsPropsSchema, checked, `PlatformBudgets '${this.node.path}'`);

    const { project } = props;
    const notify = (thresholds: Thresholds, emails: readonly string[]) =>
      notifications(thresholds, topic.arn, emails);
    const dependsOn = topicPolicy ? [topicPolicy] : undefined;

    this.monthly = new BudgetsBudget(this, 'Monthly', {
      name: monthlyBudgetName(project),
      budgetType: 'COST',
      timeUnit: 'MONTHLY',
      limitAmount: amount(props.monthlyUsd),
      limitUnit: 'USD',
      costFilter: [
        { name: 'TagKeyValue', values: [tagKeyValue('Project', props.projectTagValue ?? project)] },
      ],
      notification: notify(props.thresholds ?? DEFAULT_THRESHOLDS, props.alertEmails),
      dependsOn,
    });

    const teams: Record<string, BudgetsBudget> = {};
    const teamThresholds = props.teamThresholds ?? DEFAULT_TEAM_THRESHOLDS;
    for (const team of props.teams) {
      const emails = [...new Set([...props.alertEmails, ...(team.alertEmails ?? [])])];
      teams[team.id] = new BudgetsBudget(this, `Team-${stableConstructId(team.id)}`, {
        name: teamBudgetName(project, team.id),
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        limitAmount: amount(team.monthlyBudgetUsd),
        limitUnit: 'USD',
        costFilter: [{ name: 'TagKeyValue', values: [tagKeyValue('Team', team.id)] }],
        notification: notify(teamThresholds, emails),
        dependsOn,
      });
    }
    this.teamBudgets = teams;

    const developers: Record<string, BudgetsBudget> = {};
    const developerThresholds = props.developerThresholds ?? DEFAULT_DEVELOPER_THRESHOLDS;
    for (const developer of props.developers ?? []) {
      developers[developer.id] = new BudgetsBudget(
        this,
        `Developer-${stableConstructId(developer.id)}`,
        {
          name: developerBudgetName(project, developer.id),
          budgetType: 'COST',
          timeUnit: 'MONTHLY',
          limitAmount: amount(developer.monthlyBudgetUsd),
          limitUnit: 'USD',
          costFilter: [{ name: 'TagKeyValue', values: [tagKeyValue('User', developer.id)] }],
          notification: notify(developerThresholds, props.alertEmails),
          dependsOn,
        },
      );
    }
    this.developerBudgets = developers;

    this.budgetNames = [
      monthlyBudgetName(project),
      ...props.teams.map((t) => teamBudgetName(project, t.id)),
      ...(props.developers ?? []).map((d) => developerBudgetName(project, d.id)),
    ];
  }
}

/** Budgets stores amounts as decimal strings. */
function amount(usd: number): string {
  return String(usd);
}

function notifications(
  thresholds: Thresholds,
  topicArn: string,
  emails: readonly string[],
): BudgetsBudgetNotification[] {
  const make = (type: 'ACTUAL' | 'FORECASTED', threshold: number): BudgetsBudgetNotification => ({
    notificationType: type,
    comparisonOperator: 'GREATER_THAN',
    threshold,
    thresholdType: 'PERCENTAGE',
    subscriberSnsTopicArns: [topicArn],
    subscriberEmailAddresses: emails.length > 0 ? [...emails] : undefined,
  });
  return [
    ...thresholds.actual.map((t) => make('ACTUAL', t)),
    ...thresholds.forecast.map((t) => make('FORECASTED', t)),
  ];
}
