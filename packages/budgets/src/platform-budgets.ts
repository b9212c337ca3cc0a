import { BudgetsBudget, BudgetsBudgetNotification } from '@cdktf/provider-aws/lib/budgets-budget';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { Fn, TerraformIterator, TerraformLocal } from 'cdktf';
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
   * One budget per developer, keyed by developer id. They are instances of a single
   * `for_each` resource (`developerBudget`), one per developer id.
   * @default - no per-developer budgets
   */
  readonly developers?: readonly DeveloperBudgetProps[];
  /**
   * Thresholds of each developer budget.
   * @default { actual: [100], forecast: [] }
   */
  readonly developerThresholds?: Thresholds;
}

/** What the per-developer `for_each` map holds for each developer id. */
interface DeveloperBudgetEntry {
  /** Budget name, `{project}-dev-<slug>`. */
  readonly name: string;
  /** Monthly limit in USD, as the decimal string AWS Budgets stores. */
  readonly amount: string;
}

/**
 * Monthly AWS Budgets (COST, USD) for the platform, each team and optionally each developer,
 * filtered by cost allocation tags (`Project`, `Team`, `User`) rather than by service: Claude
 * usage on Bedrock can be billed as AWS Marketplace products, which a filter on the "Amazon
 * Bedrock" service would miss. Every notification goes to the alert topic and the e-mails.
 *
 * Developer budgets are one `aws_budgets_budget` with `for_each` over a map keyed by developer
 * id (instances `aws_budgets_budget.<logical id>["<developer id>"]`), so synthesis stays fast
 * for rosters of thousands; the platform and team budgets are one resource each.
 */
export class PlatformBudgets extends Construct {
  public readonly monthly: BudgetsBudget;
  public readonly teamBudgets: Readonly<Record<string, BudgetsBudget>>;
  /**
   * The per-developer budgets: one resource whose `for_each` map is keyed by developer id
   * (`{ "<developer id>" = { name, amount } }`, sorted by id); undefined when there are no
   * developers.
   */
  public readonly developerBudget?: BudgetsBudget;
  /** Developer id -> budget name, sorted by developer id. */
  public readonly developerBudgetNames: Readonly<Record<string, string>>;
  /**
   * Names of every budget created: the platform budget, then the team budgets in the order of
   * `teams`, then the developer budgets sorted by developer id.
   */
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

    // Sorted by id (code-unit order, independent of locale) so that reordering the roster leaves
    // the synthesized JSON byte-identical.
    const developers = [...(props.developers ?? [])].sort((a, b) =>
      a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
    );
    const entries: Record<string, DeveloperBudgetEntry> = {};
    const names: Record<string, string> = {};
    for (const developer of developers) {
      const name = developerBudgetName(project, developer.id);
      entries[developer.id] = { name, amount: amount(developer.monthlyBudgetUsd) };
      names[developer.id] = name;
    }
    this.developerBudgetNames = names;

    if (developers.length > 0) {
      // The map lives in a local: a large literal map inline in the resource's for_each makes
      // `terraform plan` markedly slower than the same map in a local.
      const each = TerraformIterator.fromMap(
        new TerraformLocal(this, 'DeveloperEntries', entries).asAnyMap,
      );
      this.developerBudget = new BudgetsBudget(this, 'Developers', {
        forEach: each,
        name: each.getString('name'),
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        limitAmount: each.getString('amount'),
        limitUnit: 'USD',
        // Not `user:User$${each.key}`: in a Terraform template `$${` escapes to a literal `${`,
        // so the key would never be interpolated. format() keeps the `$` inside a literal.
        costFilter: [
          { name: 'TagKeyValue', values: [Fn.format(tagKeyValue('User', '%s'), [each.key])] },
        ],
        notification: notify(
          props.developerThresholds ?? DEFAULT_DEVELOPER_THRESHOLDS,
          props.alertEmails,
        ),
        dependsOn,
      });
    }

    this.budgetNames = [
      monthlyBudgetName(project),
      ...props.teams.map((t) => teamBudgetName(project, t.id)),
      // Not Object.values(names): integer-like keys (a developer id `42`) would come first.
      ...developers.map((d) => names[d.id]),
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
