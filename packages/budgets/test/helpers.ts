import { readFileSync } from 'fs';
import { join } from 'path';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { Testing } from 'cdktf';
import { Construct } from 'constructs';
// Declares cdktf's jest matchers (registered at runtime by jest.setup.js).
import type {} from 'cdktf/lib/testing/adapters/jest';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

/** Synthesizes what `build` adds to a fresh scope and returns the parsed Terraform JSON. */
export function synth(build: (scope: Construct) => void): Synthesized {
  return JSON.parse(Testing.synthScope(build)) as Synthesized;
}

export interface Synthesized {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  locals?: Record<string, unknown>;
}

/** Every resource of a type, keyed by logical id. */
export function resources(out: Synthesized, type: string): Record<string, Record<string, unknown>> {
  return out.resource?.[type] ?? {};
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
    .map(([logicalId, body]) => {
      const match = /^\$\{local\.([A-Za-z_][A-Za-z0-9_-]*)\}$/.exec(String(body.for_each));
      if (typeof body.for_each !== 'string' || !match) {
        throw new Error(
          `${logicalId}: for_each is not a reference to a local: ${JSON.stringify(body.for_each)}`,
        );
      }
      const local = match[1];
      if (!out.locals || !Object.prototype.hasOwnProperty.call(out.locals, local)) {
        throw new Error(`${logicalId}: no local ${local}`);
      }
      return { logicalId, local, entries: out.locals[local] as Record<string, unknown>, body };
    })
    .sort((a, b) => (a.logicalId < b.logicalId ? -1 : a.logicalId > b.logicalId ? 1 : 0));
}

/** The single resource of a type whose `key` equals `value`. */
export function resourceWhere(
  out: Synthesized,
  type: string,
  key: string,
  value: unknown,
): Record<string, unknown> {
  const found = Object.values(resources(out, type)).filter((r) => r[key] === value);
  if (found.length !== 1) {
    throw new Error(`expected one ${type} with ${key}=${String(value)}, found ${found.length}`);
  }
  return found[0];
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
