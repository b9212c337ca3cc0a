import { slugify, stableHash } from '@claude-code-bedrock/core';

/** AWS Budgets names: at most 100 characters, no `:` or `\`. */
export const BUDGET_NAME_MAX_LENGTH = 100;

/** `{project}-monthly`: the platform-wide budget. */
export function monthlyBudgetName(project: string): string {
  return `${project}-monthly`;
}

/** `{project}-team-{team}`; team ids are already lowercase letters, digits and hyphens. */
export function teamBudgetName(project: string, teamId: string): string {
  return `${project}-team-${teamId}`;
}

/** IAM customer-managed policy names: at most 128 characters. */
export const POLICY_NAME_MAX_LENGTH = 128;

/**
 * `{prefix}{slug(developer)}`, at most `max` characters. When too long, the slug is shortened and
 * followed by a hash of the full developer id, so the name stays unique and stable.
 */
function developerScopedName(prefix: string, developerId: string, max: number): string {
  const slug = slugify(developerId);
  const full = `${prefix}${slug}`;
  if (full.length <= max) return full;
  const hash = stableHash(developerId);
  const room = max - `${prefix}-${hash}`.length;
  return `${prefix}${slug.slice(0, room).replace(/-+$/, '')}-${hash}`;
}

/**
 * `{project}-dev-{slug(developer)}`, at most 100 characters. When too long, the slug is shortened
 * and followed by a hash of the full developer id, so the name stays unique and stable.
 */
export function developerBudgetName(project: string, developerId: string): string {
  return developerScopedName(`${project}-dev-`, developerId, BUDGET_NAME_MAX_LENGTH);
}

/**
 * What every spend-cap policy name starts with, `{project}-spend-cap-`: the budget actions'
 * execution role may attach only policies named so.
 */
export function spendCapPolicyPrefix(project: string): string {
  return `${project}-spend-cap-`;
}

/**
 * `{project}-spend-cap-{slug(developer)}`: the customer-managed policy a developer's budget action
 * attaches to the developer role. At most 128 characters, shortened like the budget names.
 */
export function spendCapPolicyName(project: string, developerId: string): string {
  return developerScopedName(spendCapPolicyPrefix(project), developerId, POLICY_NAME_MAX_LENGTH);
}

/** The Budgets `TagKeyValue` filter value for a user-defined cost allocation tag. */
export function tagKeyValue(key: string, value: string): string {
  return `user:${key}$${value}`;
}
