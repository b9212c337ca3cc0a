import { partitionOf, slugify, stableHash } from '@claude-code-bedrock/core';

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
 * The key of a developer's profile for one tier in the `for_each` map of `DeveloperProfiles`, and so
 * in its Terraform address: `aws_bedrock_inference_profile.<logical id>["<developer id>/<tier>"]`.
 * Unique because tier names cannot contain `/` (the last `/` separates the two).
 */
export function profileKey(developerId: string, tier: string): string {
  return `${developerId}/${tier}`;
}
