import { Testing } from 'cdktf';
import { Construct } from 'constructs';
import { BedrockAuditLogging, BedrockAuditLoggingProps } from '../src';

/* eslint-disable @typescript-eslint/no-explicit-any */

export const BASE_PROPS: BedrockAuditLoggingProps = {
  project: 'acme',
  bucketPrefix: 'acme-dev',
  accountId: '123456789012',
  region: 'us-east-1',
};

export const LOG_BUCKET = 'acme-dev-bedrock-invocation-logs';
export const TRAIL_BUCKET = 'acme-dev-cloudtrail';
export const TRAIL_ARN = 'arn:aws:cloudtrail:us-east-1:123456789012:trail/acme-bedrock-trail';

/** A synthesized stack as parsed JSON. */
export interface Manifest {
  resource?: Record<string, Record<string, any>>;
  data?: Record<string, Record<string, any>>;
}

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
  return Object.values(m.resource?.[type] ?? {});
}

/** The single resource of a type whose `pick` matches, failing loudly otherwise. */
export function one(m: Manifest, type: string, pick: (r: any) => boolean = () => true): any {
  const found = resourcesOf(m, type).filter(pick);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0];
}

function logicalIdOf(m: Manifest, type: string, pick: (r: any) => boolean): string {
  const entries = Object.entries(m.resource?.[type] ?? {}).filter(([, r]) => pick(r));
  if (entries.length !== 1) throw new Error(`expected one ${type}, found ${entries.length}`);
  return entries[0][0];
}

/** Statements of the policy document an expression like `${data.aws_iam_policy_document.X.json}` names. */
export function documentStatements(m: Manifest, ref: string): Statement[] {
  const match = /\$\{data\.aws_iam_policy_document\.([\w-]+)\.json\}/.exec(ref);
  if (!match) throw new Error(`not a policy document reference: ${ref}`);
  const doc = m.data?.aws_iam_policy_document?.[match[1]];
  if (!doc) throw new Error(`no policy document ${match[1]}`);
  return doc.statement as Statement[];
}

/** The logical id of the bucket with this name. */
export function bucketId(m: Manifest, bucketName: string): string {
  return logicalIdOf(m, 'aws_s3_bucket', (b) => b.bucket === bucketName);
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
  const id = logicalIdOf(m, 'aws_iam_role', (r) => r.name === name);
  return { id, role: m.resource!.aws_iam_role[id] };
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
