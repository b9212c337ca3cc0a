import { z } from 'zod';
import { ModelPriceMiniSchema } from '../pricing';
import { recordOf, REGION, SYSTEM_PROFILE_ID, TEAM_ID, TIER_NAME } from './fields';

/** Destination regions of a cross-region profile: region codes, or `*` for a global profile. */
export const DESTINATION_REGIONS = z
  .array(z.union([REGION, z.literal('*')]))
  .min(1, 'must list at least one destination region (or * for a global profile)');

/** A model tier in the config: a system profile id, or an object with options. */
export const ModelTierSchema = z
  .union([
    SYSTEM_PROFILE_ID,
    z.strictObject({
      profileId: SYSTEM_PROFILE_ID.meta({
        description: 'System cross-region inference profile id to copy from.',
      }),
      group: TEAM_ID.optional().meta({
        description:
          'Only developers in this group (`developers[].groups`) are entitled to the tier.',
        defaultDescription: 'every developer',
      }),
      destinationRegions: DESTINATION_REGIONS.optional().meta({
        description: 'Destination regions of the profile (`*` for a global profile).',
        defaultDescription: "derived from the id's geography prefix (`us.`, `eu.`, ...)",
      }),
    }),
  ])
  .meta({
    description:
      'A system cross-region inference profile id, or an object naming one with a group restriction or explicit destination regions.',
  });

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

/**
 * USD per million tokens of one tier: the fields (rules and descriptions) of the shared price rule
 * in ../pricing (zod/mini, so the enforcer's Lambda can use it too).
 */
export const PriceSchema = z
  .strictObject(ModelPriceMiniSchema.shape)
  .meta({ description: 'The price of one tier.' });

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
