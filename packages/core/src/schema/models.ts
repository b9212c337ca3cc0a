import { z } from 'zod';
import { recordOf, REGION, SYSTEM_PROFILE_ID, TEAM_ID, TIER_NAME } from './fields';

/** Destination regions of a cross-region profile: region codes, or `*` for a global profile. */
export const DESTINATION_REGIONS = z
  .array(z.union([REGION, z.literal('*')]))
  .min(1, 'must list at least one destination region (or * for a global profile)');

/** A model tier in the config: a system profile id, or an object with options. */
export const ModelTierSchema = z.union([
  SYSTEM_PROFILE_ID,
  z.strictObject({
    /** System cross-region inference profile id to copy from. */
    profileId: SYSTEM_PROFILE_ID,
    /** Only members of this group (developers[].groups) are entitled. @default - every developer */
    group: TEAM_ID.optional(),
    /** Destination regions of the profile. @default - derived from the id's geography prefix */
    destinationRegions: DESTINATION_REGIONS.optional(),
  }),
]);

/** A resolved tier (`resolveTiers`), as the constructs take it. */
export const ResolvedTierSchema = z.object({
  name: TIER_NAME,
  profileId: SYSTEM_PROFILE_ID,
  destinationRegions: DESTINATION_REGIONS,
  group: TEAM_ID.optional(),
});

/** The constructs' `tiers`: at least one, names unique. */
export const TIERS = z
  .array(ResolvedTierSchema)
  .min(1, 'must list at least one model tier')
  .superRefine((tiers, ctx) => {
    const first = new Map<string, number>();
    tiers.forEach((t, i) => {
      const seen = first.get(t.name);
      if (seen === undefined) first.set(t.name, i);
      else {
        const message = `duplicates tiers[${seen}].name`;
        ctx.addIssue({ code: 'custom', path: [i, 'name'], input: t.name, message });
      }
    });
  });

const PER_MILLION_TOKENS = z.number().nonnegative('must be >= 0 USD per million tokens');

/** USD per million tokens of one tier. */
export const PriceSchema = z.strictObject({
  input: PER_MILLION_TOKENS,
  output: PER_MILLION_TOKENS,
  cacheRead: PER_MILLION_TOKENS,
  cacheWrite: PER_MILLION_TOKENS,
});

/** Tier name -> price. */
export const PRICES = recordOf(TIER_NAME, PriceSchema);

/** Reports every tier of `tiers` that `prices` leaves out, at `path`. */
export function checkPriced(
  tiers: readonly string[],
  prices: Readonly<Record<string, unknown>>,
  ctx: z.RefinementCtx,
  path: PropertyKey[] = ['prices'],
): void {
  for (const tier of tiers) {
    if (!(tier in prices)) {
      const message = `has no price for model tier '${tier}'`;
      ctx.addIssue({ code: 'custom', path, input: Object.keys(prices), message });
    }
  }
}
