import {
  COST_CENTER,
  DEFAULT_PROFILE_QUOTA as CORE_DEFAULT_PROFILE_QUOTA,
  DEVELOPER_ID,
  DeploymentContextSchema,
  PROFILE_QUOTA,
  PROJECT_NAME,
  REGION,
  TEAM_ID,
  TIERS,
  TIER_NAME,
  checkSlugCollisions,
  indexIds,
  profileQuotaExcess,
} from '@claude-code-bedrock/core';
import { z } from 'zod';

/** @deprecated moved to @claude-code-bedrock/core; removed in the next minor */
export const DEFAULT_PROFILE_QUOTA = CORE_DEFAULT_PROFILE_QUOTA;

/** AWS allows at most 50 tags per resource. */
export const MAX_TAGS_PER_PROFILE = 50;

/** Tag keys the construct sets itself; they take precedence over `tags`. */
export const PROFILE_TAG_KEYS = ['User', 'Team', 'Project', 'CostCenter', 'Tier'] as const;

const Developer = z.object({
  id: DEVELOPER_ID,
  team: TEAM_ID,
  costCenter: COST_CENTER,
  tiers: z.array(TIER_NAME),
});

/** Validates {@link DeveloperProfilesProps}; used by the construct with core's `validateWith`. */
export const DeveloperProfilesPropsSchema = z
  .object({
    context: DeploymentContextSchema.extend({
      project: PROJECT_NAME.refine(
        (p) => !p.includes('--'),
        'must not contain "--": profile names allow only single separators',
      ),
      // A literal region: it gives the partition of the system profiles' ARNs.
      region: REGION,
    }),
    tiers: TIERS,
    developers: z.array(Developer),
    quota: PROFILE_QUOTA.default(DEFAULT_PROFILE_QUOTA),
    existingProfiles: z
      .number()
      .int('must be a whole number of profiles')
      .nonnegative('must be 0 or more')
      .default(0),
  })
  .superRefine(crossCheck, { when: () => true });

export type DeveloperProfilesPropsParsed = z.output<typeof DeveloperProfilesPropsSchema>;

type Loose = Record<string, unknown>;
const obj = (v: unknown): Loose =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Loose) : {};
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Checks that span fields: uniqueness, references, region and quota. Runs even when field checks
 * failed, so one error lists every problem; it therefore reads the input defensively.
 */
function crossCheck(raw: unknown, ctx: z.RefinementCtx): void {
  const props = obj(raw);
  const context = obj(props.context);
  const issue = (path: (string | number)[], input: unknown, message: string) =>
    ctx.addIssue({ code: 'custom', path, input, message });

  const tiers = new Set<string>();
  const region = str(context.region);
  arr(props.tiers).forEach((rawTier, i) => {
    const tier = obj(rawTier);
    const name = str(tier.name);
    // A repeated name is reported by the tiers' own schema.
    if (name === undefined || tiers.has(name)) return;
    tiers.add(name);
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

  // Tier problems first, for every entry (a repeated developer too).
  const entitled = arr(props.developers).map((rawDeveloper, i) => {
    const seen = new Map<string, number>();
    arr(obj(rawDeveloper).tiers).forEach((t, j) => {
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
    return [...seen.keys()].filter((t) => tiers.has(t)).length;
  });
  const developerIds = indexIds(props.developers, 'developers', ctx);
  checkSlugCollisions(developerIds, 'profile names', ctx);
  // Each developer counts once, at its first entry.
  const required = [...developerIds.values()].reduce((n, i) => n + entitled[i], 0);

  const excess = profileQuotaExcess(required, props.quota, props.existingProfiles);
  if (excess !== undefined) {
    const { quota } = excess;
    const existing = excess.total - required;
    const total = existing > 0 ? ` plus ${existing} existing (${excess.total} in all)` : '';
    issue(
      ['developers'],
      `${developerIds.size} developers`,
      `need ${required} application inference profiles${total}, more than the quota of ${quota} per account and region. ` +
        `Either raise the quota: request an increase of the Amazon Bedrock quota "Application inference profiles per account" in Service Quotas (region ${region ?? '?'}), then set allocation.quota (the construct's quota prop) to the granted value; ` +
        `or split the roster so that no account and region holds more than ${quota}: allocation.shardBy: team with shards deployed to other accounts or regions`,
    );
  }

  const tags = obj(context.tags);
  const extra = Object.keys(tags).filter(
    (k) => !(PROFILE_TAG_KEYS as readonly string[]).includes(k),
  ).length;
  if (extra + PROFILE_TAG_KEYS.length > MAX_TAGS_PER_PROFILE) {
    issue(
      ['context', 'tags'],
      `${Object.keys(tags).length} tags`,
      `with ${PROFILE_TAG_KEYS.join(', ')} make ${extra + PROFILE_TAG_KEYS.length} tags per profile; AWS allows at most ${MAX_TAGS_PER_PROFILE}`,
    );
  }
}
