import { BudgetsBudget } from '@cdktf/provider-aws/lib/budgets-budget';
import {
  BudgetsBudgetAction,
  BudgetsBudgetActionSubscriber,
} from '@cdktf/provider-aws/lib/budgets-budget-action';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { ITerraformDependable, Fn, MapTerraformIterator, Token } from 'cdktf';
import { Construct } from 'constructs';
import {
  ConfigError,
  ConfigProblem,
  DeploymentContext,
  validateWith,
} from '@claude-code-bedrock/core';
import {
  INVOKE_ACTIONS,
  PolicyStatement,
  applicationProfilesArn,
  toDocumentStatements,
} from '@claude-code-bedrock/foundation';
import { spendCapPolicyPrefix } from './naming';
import { partitionIn } from './partition';
import { BudgetActionRolePropsSchema } from './validation';

/*
 * The optional billing backstop of the per-developer budgets: at 100 % of a developer's budget
 * (billing data, hours late), AWS Budgets attaches a deny policy scoped to that developer's
 * application inference profiles to the developer role.
 */

export interface BudgetActionRoleProps {
  /**
   * `project`: role name `{project}-budget-actions`, and the policies it may attach
   * (`{project}-spend-cap-*`). `accountId` (may be a token): the account trusted in
   * `aws:SourceAccount` and of those policies. `region` (may be a token) gives the ARN partition.
   * `tags` are not used.
   */
  readonly context: DeploymentContext;
  /** The role developers assume (`DeveloperRole.role`): the only role the actions may change. */
  readonly developerRole: IamRole;
}

/**
 * The role AWS Budgets assumes to run the spend-cap budget actions: trusted by
 * `budgets.amazonaws.com` from this account only, allowed nothing but attaching and detaching the
 * `{project}-spend-cap-*` policies on the developer role. One per project and account: share it
 * between the `DeveloperBudgets` of an app (one per team stack, for example).
 */
export class BudgetActionRole extends Construct {
  /** The IAM role (construct id `Resource`), `{project}-budget-actions`. */
  public readonly role: IamRole;
  public readonly roleArn: string;
  /** Its only permissions (construct id `Policy`). */
  public readonly policy: IamRolePolicy;
  /** The role the actions attach the spend-cap policies to. */
  public readonly developerRole: IamRole;
  public readonly project: string;
  public readonly accountId: string;

  constructor(scope: Construct, id: string, props: BudgetActionRoleProps) {
    super(scope, id);
    const { developerRole, ...checked } = props;
    validateWith(BudgetActionRolePropsSchema, checked, `BudgetActionRole '${this.node.path}'`);
    const { project, accountId, region } = props.context;
    const partition = partitionIn(this, region);
    this.developerRole = developerRole;
    this.project = project;
    this.accountId = accountId;

    const trust = new DataAwsIamPolicyDocument(this, 'TrustPolicy', {
      statement: [
        {
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: ['budgets.amazonaws.com'] }],
          actions: ['sts:AssumeRole'],
          condition: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [accountId] }],
        },
      ],
    });
    this.role = new IamRole(this, 'Resource', {
      name: `${project}-budget-actions`,
      description: `AWS Budgets: attaches a developer's spend-cap policy to the ${project} developer role`,
      assumeRolePolicy: trust.json,
    });
    this.roleArn = this.role.arn;
    const document = new DataAwsIamPolicyDocument(this, 'PolicyDocument', {
      statement: [
        {
          sid: 'AttachSpendCapPoliciesToDeveloperRole',
          effect: 'Allow',
          actions: ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'],
          resources: [developerRole.arn],
          condition: [
            {
              test: 'ArnLike',
              variable: 'iam:PolicyARN',
              values: [
                `arn:${partition}:iam::${accountId}:policy/${spendCapPolicyPrefix(project)}*`,
              ],
            },
          ],
        },
      ],
    });
    this.policy = new IamRolePolicy(this, 'Policy', {
      name: 'spend-cap-budget-actions',
      role: this.role.name,
      policy: document.json,
    });
  }
}

/** The backstop of `DeveloperBudgets` (`budgetAction`). */
export interface DeveloperBudgetActionProps {
  /** The role developers assume (`DeveloperRole.role`); each action attaches a policy to it. */
  readonly developerRole: IamRole;
  /** Account of the developers' profiles and of the policies (may be a token). */
  readonly accountId: string;
  /** Region of the developers' application inference profiles (may be a token). */
  readonly region: string;
  /**
   * The role AWS Budgets runs the actions with; it must be for the same developer role, project
   * and account. Pass one shared role when several `DeveloperBudgets` use the backstop (its name
   * is fixed per project).
   * @default - a `BudgetActionRole` (construct id `ActionRole`) under the `DeveloperBudgets`
   */
  readonly executionRole?: BudgetActionRole;
}

/** The AWS Budgets action threshold: the developer's whole budget, actual spend. */
export const BUDGET_ACTION_THRESHOLD_PERCENT = 100;

/**
 * The deny statement of one developer's spend-cap policy: invoking any application inference
 * profile of the account tagged with that developer and project (their own profiles), without
 * naming their ARNs. `developerId` may be a Terraform expression (`each.key`).
 */
export function spendCapStatement(p: {
  partition: string;
  region: string;
  accountId: string;
  project: string;
  developerId: string;
}): PolicyStatement {
  return {
    sid: 'DenyInvokeOverBudget',
    effect: 'Deny',
    actions: INVOKE_ACTIONS,
    resources: [applicationProfilesArn(p)],
    conditions: [
      { test: 'StringEquals', variable: 'aws:ResourceTag/User', values: [p.developerId] },
      { test: 'StringEquals', variable: 'aws:ResourceTag/Project', values: [p.project] },
    ],
  };
}

/** The misuse of an execution role made for another developer role, project or account. */
export function executionRoleProblems(
  role: BudgetActionRole,
  expected: { developerRole: IamRole; project: string; accountId: string },
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const path = 'budgetAction.executionRole';
  const value = `'${role.node.path}'`;
  if (role.developerRole !== expected.developerRole) {
    problems.push({
      path,
      value,
      message: `may attach policies only to '${role.developerRole.node.path}', not to budgetAction.developerRole '${expected.developerRole.node.path}'; create the BudgetActionRole for the same developer role`,
    });
  }
  if (role.project !== expected.project) {
    problems.push({
      path,
      value,
      message: `may attach only the '${spendCapPolicyPrefix(role.project)}*' policies, not this construct's '${spendCapPolicyPrefix(expected.project)}*'; use a BudgetActionRole of project '${expected.project}'`,
    });
  }
  const literal = (v: string) => !Token.isUnresolved(v);
  if (
    literal(role.accountId) &&
    literal(expected.accountId) &&
    role.accountId !== expected.accountId
  ) {
    problems.push({
      path,
      value,
      message: `is for account ${role.accountId}, not budgetAction.accountId ${expected.accountId}`,
    });
  }
  return problems;
}

/** Throws the problems of `executionRoleProblems`, if any. */
export function checkExecutionRole(
  role: BudgetActionRole,
  expected: { developerRole: IamRole; project: string; accountId: string },
  source: string,
): void {
  const problems = executionRoleProblems(role, expected);
  if (problems.length > 0) throw new ConfigError(problems, source);
}

/** What one developer group's backstop resources need. */
export interface GroupBackstop {
  readonly project: string;
  readonly partition: string;
  readonly accountId: string;
  readonly region: string;
  readonly developerRole: IamRole;
  readonly executionRole: BudgetActionRole;
  readonly topicArn: string;
  readonly alertEmails: readonly string[];
  readonly dependsOn?: ITerraformDependable[];
}

/** The `for_each` resources of one group's backstop. */
export interface GroupBackstopResources {
  readonly policyDocument: DataAwsIamPolicyDocument;
  readonly policy: IamPolicy;
  readonly action: BudgetsBudgetAction;
}

/**
 * One group's backstop, over the same `for_each` map as its budgets (keyed by developer id, each
 * entry naming the developer's `policy`): a policy document and a customer-managed policy per
 * developer, and an action on the developer's budget that attaches that policy to the developer
 * role at 100 % of actual spend, without approval.
 */
export function groupBackstop(
  scope: Construct,
  label: string,
  each: MapTerraformIterator,
  budget: BudgetsBudget,
  p: GroupBackstop,
): GroupBackstopResources {
  const statement = spendCapStatement({ ...p, developerId: each.key });
  const policyDocument = new DataAwsIamPolicyDocument(scope, `SpendCapPolicyDocument${label}`, {
    forEach: each,
    version: '2012-10-17',
    statement: toDocumentStatements([statement]),
  });
  const policy = new IamPolicy(scope, `SpendCapPolicy${label}`, {
    forEach: each,
    name: each.getString('policy'),
    description: `Denies invoking the developer's ${p.project} profiles once their AWS Budget is spent`,
    policy: Fn.lookupNested(policyDocument, [each.key, 'json']),
  });
  const subscriber: BudgetsBudgetActionSubscriber[] = [
    { subscriptionType: 'SNS', address: p.topicArn },
    ...p.alertEmails.map((address) => ({ subscriptionType: 'EMAIL', address })),
  ];
  const action = new BudgetsBudgetAction(scope, `BudgetAction${label}`, {
    forEach: each,
    // The instance of this developer's budget, so the action is created after it.
    budgetName: Fn.lookupNested(budget, [each.key, 'name']),
    actionType: 'APPLY_IAM_POLICY',
    approvalModel: 'AUTOMATIC',
    notificationType: 'ACTUAL',
    actionThreshold: {
      actionThresholdType: 'PERCENTAGE',
      actionThresholdValue: BUDGET_ACTION_THRESHOLD_PERCENT,
    },
    definition: {
      iamActionDefinition: {
        policyArn: Fn.lookupNested(policy, [each.key, 'arn']),
        roles: [p.developerRole.name],
      },
    },
    executionRoleArn: p.executionRole.roleArn,
    subscriber,
    dependsOn: p.dependsOn,
  });
  return { policyDocument, policy, action };
}
