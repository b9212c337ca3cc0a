// Brings cdktf's Jest matcher types (toHaveResourceWithProperties, toBeValidTerraform...) into scope.
import type {} from 'cdktf/lib/testing/adapters/jest';
import {
  DeploymentContext,
  ResolvedTier,
  compareCodeUnits,
  developerGroup,
  developerGroupLabel,
  resolveTiers,
} from '@claude-code-bedrock/core';
import {
  evaluateTemplate,
  forEachLocal,
  forEachMap,
  localValue,
  lookup,
} from '@claude-code-bedrock/testing';
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

/** The deployment the profiles under test live in. */
export const CONTEXT: DeploymentContext = {
  project: 'acme-claude',
  region: 'us-east-1',
  accountId: '123456789012',
};

/**
 * Props of the construct under test: {@link CONTEXT}, {@link TIERS} and {@link ROSTER}, with
 * `overrides`; a context field given at the top level (`region`, `tags`, ...) overrides that
 * field of the context.
 */
export function props(
  overrides: Omit<Partial<DeveloperProfilesProps>, keyof DeploymentContext> &
    Partial<DeploymentContext> = {},
): DeveloperProfilesProps {
  const { project, accountId, region, tags, ...rest } = overrides;
  const given = Object.entries({ project, accountId, region, tags }).filter(
    ([, v]) => v !== undefined,
  );
  return {
    context: { ...CONTEXT, ...Object.fromEntries(given) },
    tiers: TIERS,
    developers: ROSTER,
    ...rest,
  };
}

/** One value of a group resource's `for_each` map. */
export interface ProfileEntry {
  readonly name: string;
  readonly description: string;
  readonly user: string;
  readonly team: string;
  readonly cost_center: string;
  readonly tier: string;
}

/**
 * One group's `aws_bedrock_inference_profile` as synthesized: `for_each` is `${local.<Entries>}`
 * and `copy_from` looks the tier up in `local.<ModelSources>`. The maps themselves are in `locals`.
 */
export interface SynthesizedResourceJson {
  readonly for_each: string;
  readonly name: string;
  readonly description: string;
  readonly model_source: { copy_from: string }[];
  readonly tags: Record<string, string>;
}

/**
 * The group resources merged into one, with their references to locals resolved as Terraform
 * evaluates them: `for_each` is the union of every group's Entries local (keys sorted by code
 * unit) and `model_sources` (tier -> ARN) the value of the ModelSources local that `copy_from`
 * looks up. Every other argument is as synthesized (the same in every group resource).
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

// The generic for_each/locals evaluation is @claude-code-bedrock/testing's; re-exported for the
// tests that read it from here.
export { forEachLocal, forEachMap };

/** A local's name: what cdktf renders for a `TerraformLocal` id inside the construct. */
const LOCAL_NAME = '[A-Za-z_][A-Za-z0-9_-]*';

/**
 * The logical id of a group resource, `<construct path>_<group label>_<hash>` (for example
 * `profiles_G07_1A2B3C4D`); the first group is the label.
 */
const GROUP_LOGICAL_ID = /^[A-Za-z0-9_-]+_(G[0-9]{2})_[0-9A-F]{8}$/;

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

/** The `aws_bedrock_inference_profile` resources of a configuration by logical id (maybe none). */
export function profileResources(json: SynthesizedConfig): Record<string, SynthesizedResourceJson> {
  return json.resource?.aws_bedrock_inference_profile ?? {};
}

/**
 * The name of the construct's ARN map local (`profiles_Arns_<hash>` for construct id `profiles`):
 * the one local of the configuration with that name. Throws when there is none or more than one.
 */
export function arnsLocalName(json: SynthesizedConfig, constructId = 'profiles'): string {
  const pattern = new RegExp(`^${constructId}_Arns_[0-9A-F]{8}$`);
  const names = Object.keys(json.locals ?? {}).filter((name) => pattern.test(name));
  if (names.length !== 1) throw new Error(`expected one ${pattern} local, got [${names}]`);
  return names[0];
}

/** The name of the developer -> tier -> ARN local of the DeveloperProfiles construct `constructId`. */
export function developerArnsLocalName(json: SynthesizedConfig, constructId = 'profiles'): string {
  const pattern = new RegExp(`^${constructId}_DeveloperArns_[0-9A-F]{8}$`);
  const names = Object.keys(json.locals ?? {}).filter((name) => pattern.test(name));
  if (names.length !== 1) throw new Error(`expected one ${pattern} local, got [${names}]`);
  return names[0];
}

/**
 * The resource addresses the ARN map local gathers from, in the order it lists them: the value must
 * be `${ { for key, profile in merge(<address>, ...) : key => profile.arn } }`, or the same over a
 * single address without `merge()`, or `{}` (no address). Throws on any other form.
 */
export function arnsLocalSources(json: SynthesizedConfig, constructId = 'profiles'): string[] {
  const name = arnsLocalName(json, constructId);
  const value = localValue(json.locals, name);
  if (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 0
  ) {
    return [];
  }
  const address = 'aws_bedrock_inference_profile\\.[A-Za-z0-9_-]+';
  const match =
    typeof value === 'string'
      ? new RegExp(
          `^\\$\\{ \\{ for key, profile in (?:merge\\((${address}(?:, ${address})+)\\)|(${address})) : key => profile\\.arn \\} \\}$`,
        ).exec(value)
      : null;
  if (!match) throw new Error(`unexpected value of local ${name}: ${JSON.stringify(value)}`);
  return match[1] ? match[1].split(', ') : [match[2]];
}

/** The token of a profile's ARN: `${local.<ARN map local>["<key>"]}`. */
export const arnRef = (json: SynthesizedConfig, key: string): string =>
  `\${local.${arnsLocalName(json)}[${JSON.stringify(key)}]}`;

/** The group label (`G00` .. `G63`) in a group resource's logical id; throws on any other id. */
export function groupLabelOf(logicalId: string): string {
  const match = GROUP_LOGICAL_ID.exec(logicalId);
  if (!match) throw new Error(`not the logical id of a group resource: ${logicalId}`);
  return match[1];
}

/** The developer id of a for_each key `"<developer id>/<tier>"` (a tier never contains `/`). */
export function developerOfKey(key: string): string {
  const slash = key.lastIndexOf('/');
  if (slash < 1) throw new Error(`not a "<developer id>/<tier>" key: ${key}`);
  return key.slice(0, slash);
}

/** The label of a developer's instance group, as the construct derives it from the id alone. */
export const groupOf = (developerId: string): string =>
  developerGroupLabel(developerGroup(developerId));

/**
 * The logical id of the resource that holds a developer's profiles: the one resource of the
 * configuration whose logical id carries the label of the developer's group. Throws when there is
 * no such resource or more than one.
 */
export function logicalIdFor(json: SynthesizedConfig, developerId: string): string {
  const label = groupOf(developerId);
  const ids = Object.keys(profileResources(json)).filter((id) => groupLabelOf(id) === label);
  if (ids.length !== 1) {
    throw new Error(`expected one resource of group ${label} for ${developerId}, got [${ids}]`);
  }
  return ids[0];
}

/** The name of the local that the resource holding a developer's profiles iterates over. */
export function entriesLocalFor(json: SynthesizedConfig, developerId: string): string {
  return forEachLocal(profileResources(json)[logicalIdFor(json, developerId)].for_each);
}

/**
 * All group resources of a synthesized configuration merged into one resolved view, after
 * checking the grouping: every resource has the same arguments apart from `for_each`, iterates
 * over a non-empty local whose keys all belong to developers of the group in its logical id, and
 * no key appears in two resources. Throws when there is no profile resource at all.
 */
export function resolveResource(json: SynthesizedConfig): SynthesizedResource {
  // Each resource's for_each apart from its other arguments, without cdktf's `//` metadata (path
  // and unique id), which `stack.toTerraform()` still holds.
  const resources = Object.entries(profileResources(json)).map(
    ([logicalId, { for_each: forEach, '//': _, ...args }]: [
      string,
      SynthesizedResourceJson & { '//'?: unknown },
    ]) => ({ logicalId, forEach, args }),
  );
  if (resources.length === 0) throw new Error('no aws_bedrock_inference_profile resource');
  const template = resources[0].args;
  const merged = new Map<string, ProfileEntry>();
  for (const { logicalId, forEach, args } of resources) {
    expect(args).toEqual(template);
    const label = groupLabelOf(logicalId);
    const entries = Object.entries(
      forEachMap(forEach, json.locals) as Record<string, ProfileEntry>,
    );
    if (entries.length === 0) throw new Error(`${logicalId} iterates over an empty map`);
    for (const [key, entry] of entries) {
      // Plain checks, not expect(): the scale test runs them for 10,000 keys.
      const group = groupOf(developerOfKey(key));
      if (group !== label) throw new Error(`key ${key} (group ${group}) is in ${logicalId}`);
      if (merged.has(key)) throw new Error(`key ${key} is in more than one resource`);
      merged.set(key, entry);
    }
  }
  expect(template.model_source).toHaveLength(1);
  return {
    ...template,
    for_each: Object.fromEntries([...merged].sort(([a], [b]) => compareCodeUnits(a, b))),
    model_sources: tierSources(template.model_source[0].copy_from, json.locals),
  };
}

/** Synthesizes the construct (id `profiles`) and returns the whole configuration. */
export function synthJson(p: DeveloperProfilesProps): SynthesizedConfig {
  return JSON.parse(Testing.synthScope((scope) => new DeveloperProfiles(scope, 'profiles', p)));
}

/** Synthesizes the construct and returns its group resources merged, locals resolved. */
export function synthResource(p: DeveloperProfilesProps): SynthesizedResource {
  return resolveResource(synthJson(p));
}

/**
 * Every profile resource and every local of a configuration, as `resource.<logical id>` or
 * `local.<name>` -> its JSON text.
 */
function configParts(json: SynthesizedConfig): Map<string, string> {
  return new Map([
    ...Object.entries(profileResources(json)).map(([id, r]): [string, string] => [
      `resource.${id}`,
      JSON.stringify(r),
    ]),
    ...Object.entries(json.locals ?? {}).map(([name, v]): [string, string] => [
      `local.${name}`,
      JSON.stringify(v),
    ]),
  ]);
}

/**
 * Which profile resources and locals (`resource.<logical id>`, `local.<name>`) were added, removed
 * or changed in any byte from one configuration to the other, each list sorted.
 */
export function configChanges(
  before: SynthesizedConfig,
  after: SynthesizedConfig,
): { added: string[]; removed: string[]; changed: string[] } {
  const a = configParts(before);
  const b = configParts(after);
  const sorted = (names: string[]) => names.sort(compareCodeUnits);
  return {
    added: sorted([...b.keys()].filter((k) => !a.has(k))),
    removed: sorted([...a.keys()].filter((k) => !b.has(k))),
    changed: sorted([...a.keys()].filter((k) => b.has(k) && a.get(k) !== b.get(k))),
  };
}

/**
 * The profiles Terraform creates, keyed by for_each key: evaluates the resource's `each` references
 * (no locals: the merged view holds none) and the tier lookup of `copy_from` for every entry.
 * Every argument must evaluate to a string.
 */
export function plan(resource: SynthesizedResource): Record<string, PlannedProfile> {
  const sources = resource.model_sources;
  expect(resource.model_source).toHaveLength(1);
  return Object.fromEntries(
    Object.entries(resource.for_each).map(([key, entry]) => {
      const text = (template: string): string => {
        const value = evaluateTemplate(template, { each: { key, value: entry } });
        if (typeof value !== 'string') throw new Error(`${template} is not a string: ${value}`);
        return value;
      };
      return [
        key,
        {
          name: text(resource.name),
          description: text(resource.description),
          copy_from: lookup(sources, entry.tier) as string,
          tags: Object.fromEntries(Object.entries(resource.tags).map(([k, v]) => [k, text(v)])),
        },
      ];
    }),
  );
}

/** Synthesizes the construct and returns its profiles as Terraform would create them. */
export function synthProfiles(p: DeveloperProfilesProps): Record<string, PlannedProfile> {
  return plan(synthResource(p));
}
