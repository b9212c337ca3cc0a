import { Testing } from 'cdktf';
import { Construct } from 'constructs';
import { DeploymentContext } from '@claude-code-bedrock/core';
import { TerraformJson, synthesized } from '@claude-code-bedrock/testing';
import { BedrockAuditLogging, BedrockAuditLoggingProps } from '../src';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** The deployment the constructs under test live in. */
export const CONTEXT: DeploymentContext = {
  project: 'acme',
  accountId: '123456789012',
  region: 'us-east-1',
};

export const BASE_PROPS: BedrockAuditLoggingProps = { context: CONTEXT, bucketPrefix: 'acme-dev' };

export const LOG_BUCKET = 'acme-dev-bedrock-invocation-logs';
export const TRAIL_BUCKET = 'acme-dev-cloudtrail';
export const TRAIL_ARN = 'arn:aws:cloudtrail:us-east-1:123456789012:trail/acme-bedrock-trail';

/** A synthesized stack as parsed JSON, its blocks read loosely. */
export type Manifest = TerraformJson<any>;

export interface Statement {
  sid?: string;
  effect?: string;
  actions?: string[];
  resources?: string[];
  principals?: { type: string; identifiers: string[] }[];
  condition?: { test: string; variable: string; values: string[] }[];
}

export function synthJson(
  props: Partial<BedrockAuditLoggingProps> = {},
  extra?: (scope: Construct, logging: BedrockAuditLogging) => void,
): string {
  return Testing.synthScope((scope) => {
    const logging = new BedrockAuditLogging(scope, 'logs', { ...BASE_PROPS, ...props });
    extra?.(scope, logging);
  });
}

export function manifest(
  props: Partial<BedrockAuditLoggingProps> = {},
  extra?: (scope: Construct, logging: BedrockAuditLogging) => void,
): Manifest {
  return JSON.parse(synthJson(props, extra)) as Manifest;
}

export function resourcesOf(m: Manifest, type: string): any[] {
  return Object.values(synthesized(m).resources(type));
}

/** The single resource of a type whose `pick` matches, failing loudly otherwise. */
export function one(m: Manifest, type: string, pick?: (r: any) => boolean): any {
  return synthesized(m).only(type, pick);
}

/** Statements of the policy document an expression like `${data.aws_iam_policy_document.X.json}` names. */
export function documentStatements(m: Manifest, ref: string): Statement[] {
  const match = /\$\{data\.aws_iam_policy_document\.([\w-]+)\.json\}/.exec(ref);
  if (!match) throw new Error(`not a policy document reference: ${ref}`);
  return synthesized(m).dataSource('aws_iam_policy_document', match[1]).statement as Statement[];
}

/** The logical id of the bucket with this name. */
export function bucketId(m: Manifest, bucketName: string): string {
  return synthesized(m).nameOf('aws_s3_bucket', (b) => b.bucket === bucketName);
}

/** Every resource of `type` attached to the bucket named `bucketName` (by `bucket = ...id`). */
export function attachedTo(m: Manifest, type: string, bucketName: string): any[] {
  const id = bucketId(m, bucketName);
  return resourcesOf(m, type).filter((r) => r.bucket === `\${aws_s3_bucket.${id}.id}`);
}

export function bucketPolicyStatements(m: Manifest, bucketName: string): Statement[] {
  const policies = attachedTo(m, 'aws_s3_bucket_policy', bucketName);
  expect(policies).toHaveLength(1);
  return documentStatements(m, policies[0].policy);
}

export function roleByName(m: Manifest, name: string): { id: string; role: any } {
  const s = synthesized(m);
  const id = s.nameOf('aws_iam_role', (r) => r.name === name);
  return { id, role: s.resource('aws_iam_role', id) };
}

export function trustStatements(m: Manifest, roleName: string): Statement[] {
  return documentStatements(m, roleByName(m, roleName).role.assume_role_policy);
}

export function rolePolicies(m: Manifest, roleName: string): any[] {
  const { id } = roleByName(m, roleName);
  return resourcesOf(m, 'aws_iam_role_policy').filter(
    (p) => p.role === `\${aws_iam_role.${id}.name}`,
  );
}

export function bySid(statements: Statement[], sid: string): Statement {
  const found = statements.filter((s) => s.sid === sid);
  if (found.length !== 1) throw new Error(`expected one statement ${sid}, found ${found.length}`);
  return found[0];
}

export function conditionsOf(s: Statement): Record<string, string[]> {
  return Object.fromEntries((s.condition ?? []).map((c) => [`${c.test} ${c.variable}`, c.values]));
}

/** Every statement of every policy document in the manifest. */
export function allStatements(m: Manifest): Statement[] {
  return Object.values(m.data?.aws_iam_policy_document ?? {}).flatMap(
    (d: any) => (d.statement ?? []) as Statement[],
  );
}
