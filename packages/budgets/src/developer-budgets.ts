import { BudgetsBudget } from '@cdktf/provider-aws/lib/budgets-budget';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { Annotations, Fn, TerraformIterator, TerraformLocal, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import {
  ConfigError,
  compareCodeUnits,
  groupByDeveloper,
  validateWith,
} from '@claude-code-bedrock/core';
import {
  BudgetActionRole,
  DeveloperBudgetActionProps,
  GroupBackstop,
  GroupBackstopResources,
  checkExecutionRole,
  groupBackstop,
} from './budget-action';
import { developerBudgetName, spendCapPolicyName, tagKeyValue } from './naming';
import { Thresholds, budgetAmount, budgetNotifications } from './notifications';
import { partitionIn } from './partition';
import { DeveloperBudgetsPropsSchema } from './validation';

/** IAM's default quota of customer-managed policies per account (adjustable in Service Quotas). */
export const DEFAULT_CUSTOMER_MANAGED_POLICY_QUOTA = 1500;

export interface DeveloperBudgetProps {
  /** Developer id; matches the `User` cost allocation tag on the developer's profiles. */
  readonly id: string;
  readonly monthlyBudgetUsd: number;
}

export const DEFAULT_DEVELOPER_THRESHOLDS: Thresholds = { actual: [100], forecast: [] };

export interface DeveloperBudgetsProps {
  /** Project name: prefix of every budget name (`{project}-dev-<slug>`). */
  readonly project: string;
  /**
   * Topic every notification is also sent to (see `BudgetAlertTopic`). It may live in another
   * stack of the same app; cdktf then reads its ARN through remote state.
   */
  readonly topic: SnsTopic;
  /**
   * Policy that lets AWS Budgets publish to `topic`; the budgets are created after it. It must be
   * in the same stack as this construct: omit it when the topic lives in another stack (that
   * stack, policy included, is then applied first anyway).
   * @default - no explicit ordering
   */
  readonly topicPolicy?: SnsTopicPolicy;
  /** E-mail recipients of every notification; at most 10 (AWS Budgets limit). */
  readonly alertEmails: readonly string[];
  /** One budget per developer, keyed by developer id; ids must be unique. */
  readonly developers: readonly DeveloperBudgetProps[];
  /**
   * Thresholds of each developer budget.
   * @default { actual: [100], forecast: [] }
   */
  readonly thresholds?: Thresholds;
  /**
   * The billing backstop: per developer, a customer-managed policy `{project}-spend-cap-<slug>`
   * denying invoke on the application inference profiles tagged `User = <id>` and
   * `Project = <project>`, and an AWS Budgets action that attaches it to the developer role when
   * the developer's budget reaches 100 % of actual spend (billing data, hours late). Its
   * subscribers are the topic and `alertEmails`.
   * @default - no budget actions
   */
  readonly budgetAction?: DeveloperBudgetActionProps;
}

/** What a group's `for_each` map holds for each developer id. */
interface DeveloperBudgetEntry {
  /** Budget name, `{project}-dev-<slug>`. */
  readonly name: string;
  /** Monthly limit in USD, as the decimal string AWS Budgets stores. */
  readonly amount: string;
  /** Spend-cap policy name, `{project}-spend-cap-<slug>` (with `budgetAction` only). */
  readonly policy?: string;
}

/**
 * One monthly AWS Budget (COST, USD) per developer, filtered on the `User` cost allocation tag
 * of the developer id; every notification goes to the alert topic and the e-mails.
 *
 * The budgets are instances of `for_each` resources, one per non-empty developer group (core's
 * `developerGroup`: a stable hash of the developer id into 64 groups), with construct ids
 * `G00` .. `G63`; a developer's budget is `aws_budgets_budget.<group logical id>["<developer
 * id>"]`, and the group depends only on the id. Why groups: `terraform plan` re-evaluates a
 * resource's whole `for_each` value for every instance it plans, so a single `for_each` over n
 * developers plans in O(n²) time; 64 resources keep it linear for any realistic roster.
 *
 * Each group's map is a local (construct id `Entries<label>`, e.g. `EntriesG07`), sorted by
 * developer id, so reordering the roster synthesizes byte-identical JSON and adding a developer
 * changes only their group's local. No resource or local is created for an empty roster.
 *
 * With `budgetAction`, each group also gets a spend-cap policy document, policy and budget action
 * over the same map (construct ids `SpendCapPolicyDocument<label>`, `SpendCapPolicy<label>`,
 * `BudgetAction<label>`): the billing backstop, hours behind the spend-cap enforcer.
 */
export class DeveloperBudgets extends Construct {
  /** The `for_each` budget of every non-empty developer group, in group order. */
  public readonly resources: readonly BudgetsBudget[];
  /** Developer id -> budget name, sorted by developer id. */
  public readonly budgetNames: Readonly<Record<string, string>>;
  /**
   * Every budget name, by developer id in code-unit order. (`Object.values(budgetNames)` is not:
   * integer-like keys, such as a developer id `42`, come first in any object.)
   */
  public readonly orderedBudgetNames: readonly string[];
  /** Number of budgets (one per developer), for account quota bookkeeping. */
  public readonly budgetCount: number;
  /**
   * The backstop's resources of every non-empty group, in group order (see `budgetAction`):
   * empty without it.
   */
  public readonly budgetActions: readonly GroupBackstopResources[];
  /** The role AWS Budgets runs the actions with; undefined without `budgetAction`. */
  public readonly budgetActionRole?: BudgetActionRole;

  constructor(scope: Construct, id: string, props: DeveloperBudgetsProps) {
    super(scope, id);
    const { topic, topicPolicy, budgetAction, ...checked } = props;
    const source = `DeveloperBudgets '${this.node.path}'`;
    validateWith(
      DeveloperBudgetsPropsSchema,
      {
        ...checked,
        budgetAction: budgetAction && {
          accountId: budgetAction.accountId,
          region: budgetAction.region,
        },
      },
      source,
    );
    if (budgetAction?.executionRole) {
      const { developerRole, accountId } = budgetAction;
      const expected = { developerRole, project: props.project, accountId };
      checkExecutionRole(budgetAction.executionRole, expected, source);
    }
    if (topicPolicy && TerraformStack.of(topicPolicy) !== TerraformStack.of(this)) {
      // cdktf would write depends_on = [<remote state output>], which Terraform rejects.
      const stackOf = (c: Construct) => TerraformStack.of(c).node.path;
      throw new ConfigError(
        [
          {
            path: 'topicPolicy',
            value: `'${topicPolicy.node.path}'`,
            message: `is in stack '${stackOf(topicPolicy)}', not in this construct's stack '${stackOf(this)}'; depends_on cannot refer to another stack's resource, so omit topicPolicy (the topic's stack is applied first anyway)`,
          },
        ],
        source,
      );
    }

    const { project } = props;
    // Sorted by id (code-unit order, independent of locale) so that reordering the roster leaves
    // the synthesized JSON byte-identical.
    const developers = [...props.developers].sort((a, b) => compareCodeUnits(a.id, b.id));
    this.orderedBudgetNames = developers.map((d) => developerBudgetName(project, d.id));
    // Object.fromEntries defines own properties, whatever the id (`constructor`, `toString`, ...).
    this.budgetNames = Object.fromEntries(
      developers.map((d, i) => [d.id, this.orderedBudgetNames[i]]),
    );
    this.budgetCount = developers.length;

    const thresholds = props.thresholds ?? DEFAULT_DEVELOPER_THRESHOLDS;
    const dependsOn = topicPolicy ? [topicPolicy] : undefined;
    const backstop =
      budgetAction && developers.length > 0
        ? this.backstop(props, budgetAction, { topicArn: topic.arn, dependsOn })
        : undefined;
    this.budgetActionRole = backstop?.executionRole;
    const actions: GroupBackstopResources[] = [];

    this.resources = groupByDeveloper(developers, (d) => d.id).map(([label, group]) => {
      const entries: Record<string, DeveloperBudgetEntry> = Object.fromEntries(
        group.map((d) => [
          d.id,
          {
            name: this.budgetNames[d.id],
            amount: budgetAmount(d.monthlyBudgetUsd),
            ...(backstop ? { policy: spendCapPolicyName(project, d.id) } : {}),
          },
        ]),
      );
      // The map lives in a local: a large literal map inline in the resource's for_each makes
      // `terraform plan` markedly slower than the same map in a local.
      const each = TerraformIterator.fromMap(
        new TerraformLocal(this, `Entries${label}`, entries).asAnyMap,
      );
      const budget = new BudgetsBudget(this, label, {
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
        notification: budgetNotifications(thresholds, topic.arn, props.alertEmails),
        dependsOn,
      });
      // The same map: one policy and one action per developer, keyed by developer id.
      if (backstop) actions.push(groupBackstop(this, label, each, budget, backstop));
      return budget;
    });
    this.budgetActions = actions;
  }

  /** What every group's backstop shares, with the execution role passed in or a new one. */
  private backstop(
    props: DeveloperBudgetsProps,
    p: DeveloperBudgetActionProps,
    shared: Pick<GroupBackstop, 'topicArn' | 'dependsOn'>,
  ): GroupBackstop {
    const { project } = props;
    const { developerRole, accountId, region } = p;
    const count = this.budgetCount;
    if (count > DEFAULT_CUSTOMER_MANAGED_POLICY_QUOTA) {
      Annotations.of(this).addWarning(
        `budgetAction creates ${count} customer-managed IAM policies (one per developer), more than IAM's default quota of ${DEFAULT_CUSTOMER_MANAGED_POLICY_QUOTA} per account; raise the quota in Service Quotas before deploying`,
      );
    }
    return {
      ...shared,
      project,
      partition: partitionIn(this, region),
      accountId,
      region,
      developerRole,
      alertEmails: props.alertEmails,
      executionRole:
        p.executionRole ??
        new BudgetActionRole(this, 'ActionRole', {
          context: { project, accountId, region },
          developerRole,
        }),
    };
  }
}
