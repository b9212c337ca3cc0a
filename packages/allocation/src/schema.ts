import {
  ACCOUNT_ID,
  COST_CENTER,
  DEVELOPER_ID,
  PROJECT_NAME,
  REGION,
  SYSTEM_PROFILE_ID,
  TEAM_ID,
  TIER_NAME,
  findSlugCollisions,
} from '@claude-code-bedrock/core';
import { Token } from 'cdktf';
import { z } from 'zod';

/** Default quota "Application inference profiles per account" (per account and region). */
export const DEFAULT_PROFILE_QUOTA = 1000;

/** AWS allows at most 50 tags per resource. */
export const MAX_TAGS_PER_PROFILE = 50;

/** Tag keys the construct sets itself; they take precedence over `tags`. */
export const PROFILE_TAG_KEYS = ['User', 'Team', 'Project', 'CostCenter', 'Tier'] as const;

const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+@-]*$/u;

const TagKey = z
  .string()
  .min(1, 'must be 1-128 characters')
  .max(128, 'must be 1-128 characters')
  .regex(TAG_CHARS, 'may contain letters, digits, spaces and _ . : / = + - @ only')
  .refine((k) => !k.toLowerCase().startsWith('aws:'), 'the aws: prefix is reserved by AWS');

const TagValue = z
  .string()
  .refine(
    (v) => Token.isUnresolved(v) || (v.length <= 256 && TAG_CHARS.test(v)),
    'must be at most 256 characters of letters, digits, spaces and _ . : / = + - @',
  );

const Tier = z.object({
  name: TIER_NAME,
  profileId: SYSTEM_PROFILE_ID,
  destinationRegions: z.array(z.string()),
});

const Developer = z.object({
  id: DEVELOPER_ID,
  team: TEAM_ID,
  costCenter: COST_CENTER,
  tiers: z.array(TIER_NAME),
});

/** Validates {@link DeveloperProfilesProps}; used by the construct with core's `validateWith`. */
export const DeveloperProfilesPropsSchema = z
  .object({
    project: PROJECT_NAME.refine(
      (p) => !p.includes('--'),
      'must not contain "--": profile names allow only single separators',
    ),
    region: REGION,
    accountId: z
      .string()
      .refine(
        (v) => Token.isUnresolved(v) || ACCOUNT_ID.safeParse(v).success,
        'must be a 12-digit AWS account id (or a token such as DataAwsCallerIdentity.accountId)',
      ),
    tiers: z.array(Tier).min(1, 'must define at least one tier'),
    developers: z.array(Developer),
    quota: z
      .number()
      .int('must be a whole number of profiles')
      .positive('must be at least 1')
      .default(DEFAULT_PROFILE_QUOTA),
    existingProfiles: z
      .number()
      .int('must be a whole number of profiles')
      .nonnegative('must be 0 or more')
      .default(0),
    tags: z
      .record(z.string(), TagValue)
      .superRefine((tags, ctx) => {
        // Checked here rather than as the record's key schema, whose issues carry no reason.
        for (const key of Object.keys(tags)) {
          const result = TagKey.safeParse(key);
          for (const issue of result.success ? [] : result.error.issues) {
            ctx.addIssue({ code: 'custom', path: [key], input: key, message: issue.message });
          }
        }
      })
      .default({}),
  })
  .superRefine(crossCheck, { when: () => true });

export type DeveloperProfilesPropsParsed = z.output<typeof DeveloperProfilesPropsSchema>;

type Loose = Record<string, unknown>;
const obj = (v: unknown): Loose =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Loose) : {};
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const int = (v: unknown, fallback: number): number =>
  typeof v === 'number' && Number.isInteger(v) ? v : fallback;

/**
 * Checks that span fields: uniqueness, references, region and quota. Runs even when field checks
 * failed, so one error lists every problem; it therefore reads the input defensively.
 */
function crossCheck(raw: unknown, ctx: z.RefinementCtx): void {
  const props = obj(raw);
  const issue = (path: (string | number)[], input: unknown, message: string) =>
    ctx.addIssue({ code: 'custom', path, input, message });

  const tiers = new Map<string, number>();
  const region = str(props.region);
  arr(props.tiers).forEach((rawTier, i) => {
    const tier = obj(rawTier);
    const name = str(tier.name);
    if (name === undefined) return;
    if (tiers.has(name)) {
      issue(['tiers', i, 'name'], name, `duplicates tiers[${tiers.get(name)}].name`);
      return;
    }
    tiers.set(name, i);
    const destinations = arr(tier.destinationRegions).filter(
      (r): r is string => typeof r === 'string',
    );
    if (
      region !== undefined &&
      destinations.length > 0 &&
      !destinations.includes('*') &&
      !destinations.includes(region)
    ) {
      issue(
        ['tiers', i, 'profileId'],
        tier.profileId,
        `is not offered in region ${region} (its geography covers ${destinations.join(', ')}); use a system profile of ${region}'s geography, or list ${region} in models.${name}.destinationRegions if AWS added it`,
      );
    }
  });
  const tierList = [...tiers.keys()].join(', ');

  const developerIds = new Map<string, number>();
  let required = 0;
  arr(props.developers).forEach((rawDeveloper, i) => {
    const developer = obj(rawDeveloper);
    const seen = new Map<string, number>();
    arr(developer.tiers).forEach((t, j) => {
      if (typeof t !== 'string') return;
      if (seen.has(t)) {
        issue(
          ['developers', i, 'tiers', j],
          t,
          `duplicates developers[${i}].tiers[${seen.get(t)}]`,
        );
        return;
      }
      seen.set(t, j);
      if (!tiers.has(t)) {
        issue(['developers', i, 'tiers', j], t, `is not a defined tier (${tierList})`);
      }
    });
    const id = str(developer.id);
    if (id === undefined) return;
    if (developerIds.has(id)) {
      issue(['developers', i, 'id'], id, `duplicates developers[${developerIds.get(id)}].id`);
      return;
    }
    developerIds.set(id, i);
    required += [...seen.keys()].filter((t) => tiers.has(t)).length;
  });

  for (const { slug, ids } of findSlugCollisions([...developerIds.keys()])) {
    const [first, ...others] = ids;
    for (const other of others) {
      issue(
        ['developers', developerIds.get(other)!, 'id'],
        other,
        `'${other}' collides with '${first}' (developers[${developerIds.get(first)}]) after sanitisation to '${slug}': profile names allow only letters, digits and single separators, so both would get the same profile name; change one of the ids`,
      );
    }
  }

  const quota = int(props.quota, DEFAULT_PROFILE_QUOTA);
  const existing = int(props.existingProfiles, 0);
  if (required + existing > quota) {
    const total = existing > 0 ? ` plus ${existing} existing (${required + existing} in all)` : '';
    issue(
      ['developers'],
      `${developerIds.size} developers`,
      `need ${required} application inference profiles${total}, more than the quota of ${quota} per account and region. ` +
        `Either raise the quota: request an increase of the Amazon Bedrock quota "Application inference profiles per account" in Service Quotas (region ${region ?? '?'}), then set allocation.quota (the construct's quota prop) to the granted value; ` +
        `or split the roster so that no account and region holds more than ${quota}: allocation.shardBy: team with shards deployed to other accounts or regions`,
    );
  }

  const tags = obj(props.tags);
  const extra = Object.keys(tags).filter(
    (k) => !(PROFILE_TAG_KEYS as readonly string[]).includes(k),
  ).length;
  if (extra + PROFILE_TAG_KEYS.length > MAX_TAGS_PER_PROFILE) {
    issue(
      ['tags'],
      `${Object.keys(tags).length} tags`,
      `with ${PROFILE_TAG_KEYS.join(', ')} make ${extra + PROFILE_TAG_KEYS.length} tags per profile; AWS allows at most ${MAX_TAGS_PER_PROFILE}`,
    );
  }
}
