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

/**
 * `{project}-dev-{slug(developer)}`, at most 100 characters. When too long, the slug is shortened
 * and followed by a hash of the full developer id, so the name stays unique and stable.
 */
export function developerBudgetName(project: string, developerId: string): string {
  const slug = slugify(developerId);
  const full = `${project}-dev-${slug}`;
  if (full.length <= BUDGET_NAME_MAX_LENGTH) return full;
  const hash = stableHash(developerId);
  const room = BUDGET_NAME_MAX_LENGTH - `${project}-dev--${hash}`.length;
  return `${project}-dev-${slug.slice(0, room).replace(/-+$/, '')}-${hash}`;
}

/** The Budgets `TagKeyValue` filter value for a user-defined cost allocation tag. */
export function tagKeyValue(key: string, value: string): string {
  return `user:${key}$${value}`;
}
