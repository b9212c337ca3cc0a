import { modelKey } from '@claude-code-bedrock/core';
import type { Caps } from './caps';
import { UNATTRIBUTED } from './caps';

/** Who a call is counted for. */
export interface Attribution {
  /** Developer id, or {@link UNATTRIBUTED}. */
  readonly developer: string;
  /** Tier that prices the call. @default - unknown: the call costs 0 */
  readonly tier?: string;
  readonly team?: string;
  /** The developer is in the caps document: thresholds and blocking apply. */
  readonly enforced: boolean;
}

/** Profile tags, or `undefined` when the profile does not exist (any other failure throws). */
export type ReadProfileTags = (
  arn: string,
) => Promise<Readonly<Record<string, string>> | undefined>;

/** Tag keys the allocation package puts on every developer profile. */
export const USER_TAG = 'User';
export const TIER_TAG = 'Tier';
export const TEAM_TAG = 'Team';

const APPLICATION_PROFILE = /:application-inference-profile\//;

interface TaggedOwner {
  readonly developer?: string;
  readonly tier?: string;
  readonly team?: string;
}

/**
 * Attributes calls to developers: first through the caps document's profiles, then through the
 * profile's `User`/`Tier` tags (read once per ARN per container, including "no such profile" and
 * "no User tag"), else to {@link UNATTRIBUTED}, priced by the system model's tier when the caps
 * document names it.
 */
export class Attributor {
  private readonly tagged = new Map<string, Promise<TaggedOwner>>();

  constructor(private readonly readTags: ReadProfileTags) {}

  async attribute(modelId: string, caps: Caps): Promise<Attribution> {
    const owner = caps.byProfile.get(modelId);
    if (owner !== undefined) {
      const dev = caps.developers.get(owner.developer);
      return { developer: owner.developer, tier: owner.tier, team: dev?.team, enforced: true };
    }
    if (APPLICATION_PROFILE.test(modelId)) {
      const tagged = await this.tags(modelId);
      if (tagged.developer !== undefined) {
        const dev = caps.developers.get(tagged.developer);
        return {
          developer: tagged.developer,
          tier: tagged.tier,
          team: dev?.team ?? tagged.team,
          // A developer the document lists is enforced even through a profile it does not list
          // (e.g. one created after the document was written).
          enforced: dev !== undefined,
        };
      }
      return { developer: UNATTRIBUTED, tier: tagged.tier, enforced: false };
    }
    return { developer: UNATTRIBUTED, tier: caps.models.get(modelKey(modelId)), enforced: false };
  }

  /** Number of profiles whose tags this container has read (or is reading). */
  get cachedProfiles(): number {
    return this.tagged.size;
  }

  private tags(arn: string): Promise<TaggedOwner> {
    let entry = this.tagged.get(arn);
    if (entry === undefined) {
      entry = this.readTags(arn).then((tags) => ({
        developer: nonEmpty(tags?.[USER_TAG]),
        tier: nonEmpty(tags?.[TIER_TAG]),
        team: nonEmpty(tags?.[TEAM_TAG]),
      }));
      this.tagged.set(arn, entry);
      // A failed read (throttling, access) is not an answer: forget it so the retry asks again.
      const mine = entry;
      mine.catch(() => {
        if (this.tagged.get(arn) === mine) this.tagged.delete(arn);
      });
    }
    return entry;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
