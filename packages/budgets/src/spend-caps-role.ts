import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { BUDGET_STATE_TAG } from '@claude-code-bedrock/core';
import { Construct } from 'constructs';

export interface EnforcerRoleInput {
  readonly name: string;
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly tableArn: string;
  readonly topicArn: string;
  readonly topicKmsKeyArn?: string;
  readonly capsObjectArn: string;
  readonly functionLogGroupArn: string;
}

/**
 * The enforcer's execution role: its own log group, its usage table (the items a transaction
 * writes, reads and condition-checks), publishing alerts, reading the caps document, and setting or
 * removing the one `BudgetState` tag on the account's application inference profiles (it may not
 * touch any other tag).
 */
export function enforcerRole(
  scope: Construct,
  p: EnforcerRoleInput,
): { role: IamRole; arn: string; policy: IamRolePolicy } {
  const trust = new DataAwsIamPolicyDocument(scope, 'RoleTrust', {
    statement: [
      {
        effect: 'Allow',
        principals: [{ type: 'Service', identifiers: ['lambda.amazonaws.com'] }],
        actions: ['sts:AssumeRole'],
        condition: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [p.accountId] }],
      },
    ],
  });
  const role = new IamRole(scope, 'Role', {
    name: `${p.name}-enforcer`,
    description: 'Execution role of the spend-cap enforcer function',
    assumeRolePolicy: trust.json,
  });
  const profiles = `arn:${p.partition}:bedrock:${p.region}:${p.accountId}:application-inference-profile/*`;
  const document = new DataAwsIamPolicyDocument(scope, 'RolePolicyDocument', {
    statement: [
      {
        sid: 'OwnLogs',
        effect: 'Allow',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [`${p.functionLogGroupArn}:*`],
      },
      {
        sid: 'UsageTable',
        effect: 'Allow',
        actions: [
          'dynamodb:ConditionCheckItem',
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:Query',
          'dynamodb:UpdateItem',
        ],
        resources: [p.tableArn],
      },
      {
        sid: 'PublishAlerts',
        effect: 'Allow',
        actions: ['sns:Publish'],
        resources: [p.topicArn],
      },
      ...(p.topicKmsKeyArn !== undefined
        ? [
            {
              sid: 'EncryptAlerts',
              effect: 'Allow',
              actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
              resources: [p.topicKmsKeyArn],
            },
          ]
        : []),
      {
        sid: 'ReadCaps',
        effect: 'Allow',
        actions: ['s3:GetObject'],
        resources: [p.capsObjectArn],
      },
      {
        sid: 'ReadProfileTags',
        effect: 'Allow',
        actions: ['bedrock:ListTagsForResource'],
        resources: [profiles],
      },
      {
        sid: 'SetBudgetStateTagOnly',
        effect: 'Allow',
        actions: ['bedrock:TagResource', 'bedrock:UntagResource'],
        resources: [profiles],
        condition: [
          {
            test: 'ForAllValues:StringEquals',
            variable: 'aws:TagKeys',
            values: [BUDGET_STATE_TAG],
          },
        ],
      },
    ],
  });
  const policy = new IamRolePolicy(scope, 'RolePolicy', {
    name: 'spend-caps-enforcer',
    role: role.name,
    policy: document.json,
  });
  return { role, arn: role.arn, policy };
}
