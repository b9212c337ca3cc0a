import type {} from 'cdktf/lib/testing/adapters/jest';
import {
  EnvironmentConfig,
  EnvironmentConfigInput,
  validateConfig,
} from '@claude-code-bedrock/core';
import { forEachMap, synthesized } from '@claude-code-bedrock/testing';
import { Testing } from 'cdktf';
import { readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { ClaudeCodeBedrockStack, DeployTarget } from '../src';

export const APPS_DIR = join(__dirname, '../../../apps');

/** The raw YAML of an app's config, as an object to tweak in tests. */
export function rawConfig(env: string): EnvironmentConfigInput {
  return parse(readFileSync(join(APPS_DIR, env, 'config.yaml'), 'utf8'));
}

export function config(
  env: string,
  tweak?: (c: EnvironmentConfigInput) => void,
): EnvironmentConfig {
  const raw = rawConfig(env);
  tweak?.(raw);
  return validateConfig(raw);
}

export interface Synthesized {
  readonly stack: ClaudeCodeBedrockStack;
  readonly json: string;
  readonly tf: {
    resource: Record<string, Record<string, Record<string, unknown>>>;
    data?: Record<string, Record<string, Record<string, unknown>>>;
    output: Record<string, { value: unknown; description?: string; sensitive?: boolean }>;
    provider: { aws: Record<string, unknown>[] };
    terraform: { backend?: Record<string, Record<string, unknown>> };
  };
}

export function synth(c: EnvironmentConfig, target?: DeployTarget): Synthesized {
  const app = Testing.app();
  const stack = new ClaudeCodeBedrockStack(app, c.environment, {
    config: c,
    target,
    localStateDir: '/tmp',
  });
  const json = Testing.synth(stack);
  return { stack, json, tf: JSON.parse(json) };
}

/** Every resource of a type, by logical name. */
export function resources(s: Synthesized, type: string): Record<string, Record<string, unknown>> {
  return synthesized(s.tf).resources(type);
}

/**
 * The for_each entries of every aws_bedrock_inference_profile, keyed "<developer id>/<tier>"
 * (the maps live in locals; an inline map is read as is). Fails on anything else.
 */
export function profileEntries(tf: {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  locals?: Record<string, unknown>;
}): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const r of Object.values(synthesized(tf).resources('aws_bedrock_inference_profile'))) {
    const inline = typeof r.for_each === 'object' && r.for_each !== null;
    Object.assign(out, inline ? r.for_each : forEachMap(r.for_each, tf.locals));
  }
  return out;
}
