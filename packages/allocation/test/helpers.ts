// Brings cdktf's Jest matcher types (toHaveResourceWithProperties, toBeValidTerraform...) into scope.
import type {} from 'cdktf/lib/testing/adapters/jest';
import { ResolvedTier, resolveTiers } from '@claude-code-bedrock/core';
import { Testing } from 'cdktf';
import { DeveloperProfileSpec, DeveloperProfiles, DeveloperProfilesProps } from '../src';

export const TIERS: ResolvedTier[] = resolveTiers({
  models: {
    sonnet: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
    opus: 'us.anthropic.claude-opus-4-6-v1',
    haiku: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
  },
});

export const ROSTER: DeveloperProfileSpec[] = [
  {
    id: 'jane.doe@example.com',
    team: 'platform',
    costCenter: 'CC-100',
    tiers: ['sonnet', 'opus', 'haiku'],
  },
  { id: 'bob.smith', team: 'platform', costCenter: 'CC-100', tiers: ['sonnet', 'haiku'] },
  { id: 'Carol+ML@example.com', team: 'payments', costCenter: 'CC-200', tiers: ['sonnet'] },
  { id: 'dave.o-neil', team: 'payments', costCenter: 'CC-210', tiers: ['sonnet', 'haiku'] },
];

/** Logical id of the for_each resource of a `DeveloperProfiles` with construct id `profiles`. */
export const LOGICAL_ID = 'profiles_FC7986CD';

export function props(overrides: Partial<DeveloperProfilesProps> = {}): DeveloperProfilesProps {
  return {
    project: 'acme-claude',
    region: 'us-east-1',
    accountId: '123456789012',
    tiers: TIERS,
    developers: ROSTER,
    ...overrides,
  };
}

/** One value of the resource's `for_each` map. */
export interface ProfileEntry {
  readonly name: string;
  readonly description: string;
  readonly user: string;
  readonly team: string;
  readonly cost_center: string;
  readonly tier: string;
}

/**
 * The `aws_bedrock_inference_profile` as synthesized: `for_each` is `${local.<Entries>}` and
 * `copy_from` looks the tier up in `local.<ModelSources>`. The maps themselves are in `locals`.
 */
export interface SynthesizedResourceJson {
  readonly for_each: string;
  readonly name: string;
  readonly description: string;
  readonly model_source: { copy_from: string }[];
  readonly tags: Record<string, string>;
}

/**
 * The for_each resource with its references to locals resolved as Terraform evaluates them: the
 * `for_each` map is the value of the Entries local and `model_sources` (tier -> ARN) the value of
 * the ModelSources local that `copy_from` looks up. Every other argument is as synthesized.
 */
export interface SynthesizedResource {
  readonly for_each: Record<string, ProfileEntry>;
  readonly model_sources: Record<string, string>;
  readonly name: string;
  readonly description: string;
  readonly model_source: { copy_from: string }[];
  readonly tags: Record<string, string>;
}

/** One profile as Terraform would create it: the resource's arguments for one for_each entry. */
export interface PlannedProfile {
  readonly name: string;
  readonly description: string;
  readonly copy_from: string;
  readonly tags: Record<string, string>;
}

/** The parts of a synthesized configuration the tests read. */
export interface SynthesizedConfig {
  readonly locals?: Record<string, unknown>;
  readonly resource?: {
    readonly aws_bedrock_inference_profile?: Record<string, SynthesizedResourceJson>;
  };
  readonly output?: Record<string, { readonly value: unknown }>;
}

/** A local's name: what cdktf renders for a `TerraformLocal` id inside the construct. */
const LOCAL_NAME = '[A-Za-z_][A-Za-z0-9_-]*';

/** The value of `locals[name]`; throws when the configuration has no such local. */
function localValue(locals: SynthesizedConfig['locals'], name: string): unknown {
  if (!locals || !Object.prototype.hasOwnProperty.call(locals, name)) {
    throw new Error(`no local ${name} (locals: ${Object.keys(locals ?? {}).join(', ')})`);
  }
  return locals[name];
}

/**
 * The map a whole-string `${local.<name>}` refers to (what cdktf renders for a `for_each` over a
 * `TerraformLocal`). Throws on any other form (an inline map included) or a non-map local.
 */
export function forEachMap(
  forEach: unknown,
  locals: SynthesizedConfig['locals'],
): Record<string, unknown> {
  const match =
    typeof forEach === 'string'
      ? new RegExp(`^\\$\\{local\\.(${LOCAL_NAME})\\}$`).exec(forEach)
      : null;
  if (!match) throw new Error(`for_each is not a reference to a local: ${JSON.stringify(forEach)}`);
  const value = localValue(locals, match[1]);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`local ${match[1]} is not a map: ${JSON.stringify(value)}`);
  }
  return value as Record<string, unknown>;
}

/**
 * tier -> ARN from a `copy_from` of the form `${local.<name>[each.value.tier]}` (what cdktf renders
 * for `Fn.lookup(local.asStringMap, each.value.tier)`) or `${lookup(local.<name>, each.value.tier)}`
 * (the same in Terraform: both fail on a missing tier): the value of that local, which must map
 * tier names to strings. Throws on any other form.
 */
export function tierSources(
  copyFrom: string,
  locals: SynthesizedConfig['locals'],
): Record<string, string> {
  const match =
    new RegExp(`^\\$\\{local\\.(${LOCAL_NAME})\\[each\\.value\\.tier\\]\\}$`).exec(copyFrom) ??
    new RegExp(`^\\$\\{lookup\\(local\\.(${LOCAL_NAME}), each\\.value\\.tier\\)\\}$`).exec(
      copyFrom,
    );
  if (!match) throw new Error(`unexpected copy_from expression: ${copyFrom}`);
  const value = localValue(locals, match[1]);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`local ${match[1]} is not a map: ${JSON.stringify(value)}`);
  }
  for (const [tier, arn] of Object.entries(value)) {
    expect(tier).toMatch(/^[a-z0-9]+$/);
    expect(typeof arn).toBe('string');
  }
  return value as Record<string, string>;
}

/**
 * The for_each resource `logicalId` of a synthesized configuration with its `for_each` and
 * `copy_from` references resolved into the configuration's locals.
 */
export function resolveResource(
  json: SynthesizedConfig,
  logicalId: string = LOGICAL_ID,
): SynthesizedResource {
  const resource = json.resource?.aws_bedrock_inference_profile?.[logicalId];
  if (!resource) throw new Error(`no aws_bedrock_inference_profile.${logicalId}`);
  expect(resource.model_source).toHaveLength(1);
  return {
    ...resource,
    for_each: forEachMap(resource.for_each, json.locals) as Record<string, ProfileEntry>,
    model_sources: tierSources(resource.model_source[0].copy_from, json.locals),
  };
}

/** Synthesizes the construct (id `profiles`) and returns the whole configuration. */
export function synthJson(p: DeveloperProfilesProps): SynthesizedConfig {
  return JSON.parse(Testing.synthScope((scope) => new DeveloperProfiles(scope, 'profiles', p)));
}

/** Synthesizes the construct and returns its resources by logical id, as synthesized. */
export function synthResources(p: DeveloperProfilesProps): Record<string, SynthesizedResourceJson> {
  return synthJson(p).resource?.aws_bedrock_inference_profile ?? {};
}

/** Synthesizes the construct and returns its single for_each resource, locals resolved. */
export function synthResource(p: DeveloperProfilesProps): SynthesizedResource {
  const json = synthJson(p);
  expect(Object.keys(json.resource?.aws_bedrock_inference_profile ?? {})).toEqual([LOGICAL_ID]);
  return resolveResource(json);
}

/** Replaces a whole-string `${each.value.<field>}` with the entry's field; other strings as-is. */
function eachValue(template: string, entry: ProfileEntry): string {
  const match = /^\$\{each\.value\.([a-z_]+)\}$/.exec(template);
  if (!match) {
    if (template.includes('${')) throw new Error(`unexpected expression: ${template}`);
    return template;
  }
  const value = (entry as unknown as Record<string, unknown>)[match[1]];
  if (typeof value !== 'string')
    throw new Error(`no field ${match[1]} in ${JSON.stringify(entry)}`);
  return value;
}

/** The ARN the tier lookup yields; throws, as Terraform's lookup would, on an unknown tier. */
function modelSource(sources: Record<string, string>, tier: string): string {
  if (!Object.prototype.hasOwnProperty.call(sources, tier)) {
    throw new Error(`no model source for tier ${tier} in ${JSON.stringify(sources)}`);
  }
  return sources[tier];
}

/**
 * The profiles Terraform creates, keyed by for_each key: evaluates the resource's `each.value`
 * references and the tier lookup of `copy_from` for every entry.
 */
export function plan(resource: SynthesizedResource): Record<string, PlannedProfile> {
  const sources = resource.model_sources;
  expect(resource.model_source).toHaveLength(1);
  return Object.fromEntries(
    Object.entries(resource.for_each).map(([key, entry]) => [
      key,
      {
        name: eachValue(resource.name, entry),
        description: eachValue(resource.description, entry),
        copy_from: modelSource(sources, entry.tier),
        tags: Object.fromEntries(
          Object.entries(resource.tags).map(([k, v]) => [k, eachValue(v, entry)]),
        ),
      },
    ]),
  );
}

/** Synthesizes the construct and returns its profiles as Terraform would create them. */
export function synthProfiles(p: DeveloperProfilesProps): Record<string, PlannedProfile> {
  return plan(synthResource(p));
}
