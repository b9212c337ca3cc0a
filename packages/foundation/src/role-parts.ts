import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { ConfigError, TrustConfig, partitionOf } from '@claude-code-bedrock/core';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import {
  MANAGED_POLICY_MAX_CHARS,
  PolicyStatement,
  renderPolicyJson,
  toDocumentStatements,
} from './statements';
import { trustStatements } from './trust';

/** Partition of a region that may be an unresolved token (then the commercial partition). */
export function partitionFor(region: string): string {
  return Token.isUnresolved(region) ? 'aws' : partitionOf(region);
}

/**
 * Size of the policy as IAM counts it. An unresolved account id is counted as 12 digits, its
 * length once resolved.
 */
export function policySize(statements: readonly PolicyStatement[], accountId: string): number {
  const json = renderPolicyJson(statements);
  return Token.isUnresolved(accountId)
    ? json.split(accountId).join('123456789012').length
    : json.length;
}

export function assertFitsManagedPolicy(
  statements: readonly PolicyStatement[],
  accountId: string,
  source: string,
  path: string,
): number {
  const size = policySize(statements, accountId);
  if (size > MANAGED_POLICY_MAX_CHARS) {
    throw new ConfigError(
      [
        {
          path,
          value: `${size} characters`,
          message: `make the policy longer than the ${MANAGED_POLICY_MAX_CHARS}-character IAM managed-policy limit; use fewer tiers or share models between tiers`,
        },
      ],
      source,
    );
  }
  return size;
}

export interface RoleParts {
  readonly trustPolicyDocument: DataAwsIamPolicyDocument;
  readonly role: IamRole;
  readonly policyDocument: DataAwsIamPolicyDocument;
  readonly policy: IamPolicy;
  readonly attachment: IamRolePolicyAttachment;
}

/**
 * The resources both roles share: trust policy, role (`Resource`), permissions policy document,
 * customer-managed policy and its attachment. Construct ids are part of the public contract.
 */
export function createRoleParts(
  scope: Construct,
  p: {
    name: string;
    description: string;
    trust: TrustConfig;
    tagSession: boolean;
    maxSessionDurationSeconds: number;
    statements: readonly PolicyStatement[];
  },
): RoleParts {
  const trustPolicyDocument = new DataAwsIamPolicyDocument(scope, 'TrustPolicy', {
    version: '2012-10-17',
    statement: toDocumentStatements(trustStatements(p.trust, p.tagSession)),
  });
  const role = new IamRole(scope, 'Resource', {
    name: p.name,
    description: p.description,
    assumeRolePolicy: trustPolicyDocument.json,
    maxSessionDuration: p.maxSessionDurationSeconds,
  });
  const policyDocument = new DataAwsIamPolicyDocument(scope, 'PolicyDocument', {
    version: '2012-10-17',
    statement: toDocumentStatements(p.statements),
  });
  const policy = new IamPolicy(scope, 'Policy', {
    name: p.name,
    description: p.description,
    policy: policyDocument.json,
  });
  const attachment = new IamRolePolicyAttachment(scope, 'PolicyAttachment', {
    role: role.name,
    policyArn: policy.arn,
  });
  return { trustPolicyDocument, role, policyDocument, policy, attachment };
}
