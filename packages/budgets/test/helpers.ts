import { readFileSync } from 'fs';
import { join } from 'path';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { Testing } from 'cdktf';
import { Construct } from 'constructs';
import { DeploymentContext } from '@claude-code-bedrock/core';
import { TerraformJson, forEachLocal, forEachMap, synthesized } from '@claude-code-bedrock/testing';
// Declares cdktf's jest matchers (registered at runtime by jest.setup.js).
import type {} from 'cdktf/lib/testing/adapters/jest';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
/** The deployment the constructs under test live in. */
export const CONTEXT: DeploymentContext = { project: 'acme', accountId: ACCOUNT, region: REGION };

/** Synthesizes what `build` adds to a fresh scope and returns the parsed Terraform JSON. */
export function synth(build: (scope: Construct) => void): Synthesized {
  return JSON.parse(Testing.synthScope(build)) as Synthesized;
}

export type Synthesized = TerraformJson;

/** Every resource of a type, keyed by logical id. */
export function resources(out: Synthesized, type: string): Record<string, Record<string, unknown>> {
  return synthesized(out).resources(type);
}

/** A `for_each` resource whose `for_each` refers to a local, with that local's value. */
export interface ForEachResource {
  readonly logicalId: string;
  /** Name of the local that `for_each` refers to. */
  readonly local: string;
  /** The local's value: the for_each map as Terraform evaluates it. */
  readonly entries: Record<string, unknown>;
  /** The resource as synthesized (`for_each` is still the reference). */
  readonly body: Record<string, unknown>;
}

/**
 * Every `for_each` resource of a type, in logical-id order, with `for_each = "${local.<name>}"`
 * resolved to `locals.<name>`. Throws on any other for_each form or a missing local.
 */
export function forEachResources(out: Synthesized, type: string): ForEachResource[] {
  return Object.entries(resources(out, type))
    .filter(([, body]) => body.for_each !== undefined)
    .map(([logicalId, body]) => ({
      logicalId,
      local: forEachLocal(body.for_each),
      entries: forEachMap(body.for_each, out.locals),
      body,
    }))
    .sort((a, b) => (a.logicalId < b.logicalId ? -1 : a.logicalId > b.logicalId ? 1 : 0));
}

/** The single resource of a type whose `key` equals `value`. */
export function resourceWhere(
  out: Synthesized,
  type: string,
  key: string,
  value: unknown,
): Record<string, unknown> {
  return synthesized(out).only(type, (r) => r[key] === value);
}

/** A topic and a log group to hand to the constructs under test. */
export function dependencies(scope: Construct): { topic: SnsTopic; logGroup: CloudwatchLogGroup } {
  return {
    topic: new SnsTopic(scope, 'Topic', { name: 'acme-budget-alerts' }),
    logGroup: new CloudwatchLogGroup(scope, 'LogGroup', { name: '/aws/bedrock/acme-invocations' }),
  };
}

/** The sample Bedrock invocation log records (one JSON object per line). */
export function sampleRecords(): Record<string, unknown>[] {
  return readFileSync(join(__dirname, 'fixtures', 'bedrock-invocation-log-sample.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
