import { BudgetsBudget } from '@cdktf/provider-aws/lib/budgets-budget';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { Construct } from 'constructs';
import { stableConstructId, validateWith } from '@claude-code-bedrock/core';
import { DeveloperBudgetActionProps } from './budget-action';
import { DeveloperBudgetProps, DeveloperBudgets } from './developer-budgets';
import { monthlyBudgetName, tagKeyValue, teamBudgetName } from './naming';
import { Thresholds, budgetAmount, budgetNotifications } from './notifications';
import { PlatformBudgetsPropsSchema } from './validation';

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

export const DEFAULT_THRESHOLDS: Thresholds = { actual: [50, 80, 100], forecast: [100] };
export const DEFAULT_TEAM_THRESHOLDS: Thresholds = { actual: [80, 100], forecast: [100] };

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
   * One budget per developer, keyed by developer id: a `DeveloperBudgets` (construct id
   * `Developers`) whose `for_each` resources each hold one group of developers.
   * @default - no per-developer budgets
   */
  readonly developers?: readonly DeveloperBudgetProps[];
  /**
   * Thresholds of each developer budget.
   * @default { actual: [100], forecast: [] }
   */
  readonly developerThresholds?: Thresholds;
  /**
   * The billing backstop on every developer budget (`budgetAction` of `DeveloperBudgets`): at
   * 100 % of actual spend, AWS Budgets attaches a deny policy scoped to that developer's profiles
   * to the developer role. Needs `developers`.
   * @default - no budget actions
   */
  readonly developerBudgetAction?: DeveloperBudgetActionProps;
}

/**
 * Monthly AWS Budgets (COST, USD) for the platform, each team and optionally each developer,
 * filtered by cost allocation tags (`Project`, `Team`, `User`) rather than by service: Claude
 * usage on Bedrock can be billed as AWS Marketplace products, which a filter on the "Amazon
 * Bedrock" service would miss. Every notification goes to the alert topic and the e-mails.
 *
 * The platform and team budgets are one resource each. The developer budgets are a
 * `DeveloperBudgets` (construct id `Developers`): `for_each` resources over maps keyed by
 * developer id, one resource per developer group (`G00` .. `G63`, a stable hash of the id), so
 * synthesis stays fast for rosters of thousands and `terraform plan` stays linear in the roster
 * (one `for_each` over every developer plans in quadratic time).
 */
export class PlatformBudgets extends Construct {
  public readonly monthly: BudgetsBudget;
  public readonly teamBudgets: Readonly<Record<string, BudgetsBudget>>;
  /**
   * The per-developer budgets (one `for_each` resource per developer group, see
   * `DeveloperBudgets`); undefined when there are no developers.
   */
  public readonly developerBudgets?: DeveloperBudgets;
  /** Developer id -> budget name, sorted by developer id. */
  public readonly developerBudgetNames: Readonly<Record<string, string>>;
  /**
   * Names of every budget created: the platform budget, then the team budgets in the order of
   * `teams`, then the developer budgets sorted by developer id.
   */
  public readonly budgetNames: string[];

  constructor(scope: Construct, id: string, props: PlatformBudgetsProps) {
    super(scope, id);
    const { topic, topicPolicy, developerBudgetAction: action, ...checked } = props;
    validateWith(
      PlatformBudgetsPropsSchema,
      {
        ...checked,
        developerBudgetAction: action && { accountId: action.accountId, region: action.region },
      },
      `PlatformBudgets '${this.node.path}'`,
    );

    const { project } = props;
    const notify = (thresholds: Thresholds, emails: readonly string[]) =>
      budgetNotifications(thresholds, topic.arn, emails);
    const dependsOn = topicPolicy ? [topicPolicy] : undefined;

    this.monthly = new BudgetsBudget(this, 'Monthly', {
      name: monthlyBudgetName(project),
      budgetType: 'COST',
      timeUnit: 'MONTHLY',
      limitAmount: budgetAmount(props.monthlyUsd),
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
        limitAmount: budgetAmount(team.monthlyBudgetUsd),
        limitUnit: 'USD',
        costFilter: [{ name: 'TagKeyValue', values: [tagKeyValue('Team', team.id)] }],
        notification: notify(teamThresholds, emails),
        dependsOn,
      });
    }
    this.teamBudgets = teams;

    const developers: readonly DeveloperBudgetProps[] = props.developers ?? [];
    if (developers.length > 0) {
      this.developerBudgets = new DeveloperBudgets(this, 'Developers', {
        project,
        topic,
        topicPolicy,
        alertEmails: props.alertEmails,
        developers,
        thresholds: props.developerThresholds,
        budgetAction: action,
      });
    }
    this.developerBudgetNames = this.developerBudgets?.budgetNames ?? {};

    this.budgetNames = [
      monthlyBudgetName(project),
      ...props.teams.map((t) => teamBudgetName(project, t.id)),
      ...(this.developerBudgets?.orderedBudgetNames ?? []),
    ];
  }
}
