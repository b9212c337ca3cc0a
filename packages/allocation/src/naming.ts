import { partitionOf, slugify, stableConstructId, stableHash } from '@claude-code-bedrock/core';

/** Bedrock inference profile descriptions: 1-200 chars matching `([0-9a-zA-Z:.][ _-]?)+`. */
export const PROFILE_DESCRIPTION_MAX_LENGTH = 200;
export const PROFILE_DESCRIPTION_PATTERN = /^([0-9a-zA-Z:.][ _-]?)+$/;

/** Longest developer slug kept verbatim in a description; longer ones are cut and hashed. */
const DESCRIPTION_SLUG_MAX_LENGTH = 100;

/**
 * The description of a developer's application inference profile for one tier.
 *
 * The API allows only letters, digits, `:` and `.` with single separators in descriptions, so the
 * developer id appears as its slug (the raw id is in the `User` tag). Slugs longer than 100
 * characters are cut and followed by a hash of the full id. The result depends only on the
 * project, the developer id and the tier: a description change replaces the profile.
 */
export function profileDescription(project: string, developerId: string, tier: string): string {
  const slug = slugify(developerId);
  const who =
    slug.length <= DESCRIPTION_SLUG_MAX_LENGTH
      ? slug
      : `${slug.slice(0, DESCRIPTION_SLUG_MAX_LENGTH - 9).replace(/-+$/, '')}-${stableHash(developerId)}`;
  return `Claude Code ${tier} profile for ${who} in ${project}`;
}

/**
 * ARN of a system-defined (cross-region) inference profile in the given region and account,
 * the `model_source.copy_from` of an application inference profile.
 * `accountId` may be an unresolved token.
 */
export function systemProfileArn(region: string, accountId: string, profileId: string): string {
  return `arn:${partitionOf(region)}:bedrock:${region}:${accountId}:inference-profile/${profileId}`;
}

/**
 * The construct id of a developer's (or a tier's) scope: core's `stableConstructId`, with a `_`
 * appended to names of `Object.prototype` members (`constructor`, `__proto__`, `toString`...),
 * which the constructs library cannot store as child names. No two valid developer ids map to the
 * same construct id: ids that differ only in `/` versus `_` or in a trailing `_` also share a
 * slug, which validation rejects.
 */
export function constructIdFor(key: string): string {
  const id = stableConstructId(key);
  return Object.prototype.hasOwnProperty.call(Object.prototype, id) ? `${id}_` : id;
}
