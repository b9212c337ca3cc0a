import { createHash } from 'crypto';

/** Bedrock application inference profile names: 1-64 chars matching `([0-9a-zA-Z][ _-]?)+`. */
export const PROFILE_NAME_MAX_LENGTH = 64;
export const PROFILE_NAME_PATTERN = /^([0-9a-zA-Z][ _-]?)+$/;

/** A short, stable hash of a string (first `length` hex chars of its SHA-256). */
export function stableHash(value: string, length = 8): string {
  return createHash('sha256').update(value, 'utf8').digest('hex').slice(0, length);
}

/** Code-unit order for sorting ids: the same on every machine and locale, unlike `localeCompare`. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Number of instance groups that per-developer resources (inference profiles, developer budgets)
 * are spread over. Part of the Terraform address contract: changing it moves instances between
 * resources, so it is a constant, not a setting.
 */
export const DEVELOPER_GROUPS = 64;

/**
 * The instance group of a developer's per-developer resources, `0 .. DEVELOPER_GROUPS - 1`: a
 * function of the developer id alone, so adding, removing or reordering other developers never
 * moves anyone between groups.
 *
 * Why groups: Terraform re-evaluates a resource's whole `for_each` value for every instance it
 * plans, so one `for_each` over n developers costs O(n²) in `terraform plan` (about 9 minutes
 * for 7,500 profiles on a 2-core machine). Spread over 64 resources, each `for_each` holds
 * n/64 entries and the plan grows linearly.
 */
export function developerGroup(developerId: string): number {
  return parseInt(stableHash(developerId, 8), 16) % DEVELOPER_GROUPS;
}

/** The label of a group in construct ids and local names: `G00` .. `G63`. */
export function developerGroupLabel(group: number): string {
  return `G${String(group).padStart(2, '0')}`;
}

/**
 * Splits items by the instance group of their developer id: `[label, items]` pairs for the
 * non-empty groups in group order, items kept in their input order.
 */
export function groupByDeveloper<T>(
  items: readonly T[],
  developerIdOf: (item: T) => string,
): [string, T[]][] {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const g = developerGroup(developerIdOf(item));
    const list = groups.get(g);
    if (list) list.push(item);
    else groups.set(g, [item]);
  }
  return [...groups.keys()]
    .sort((a, b) => a - b)
    .map((g) => [developerGroupLabel(g), groups.get(g)!]);
}

/**
 * Maps a developer id (often an e-mail address) to a lowercase slug of `[a-z0-9]` runs separated
 * by single hyphens. Deterministic: accents are folded (`é` → `e`), every other character that
 * is not a letter or digit (`.`, `@`, `+`, spaces, runs of separators) becomes one hyphen.
 * An id with no ASCII letter or digit at all becomes `u` + a hash of the id, so it stays unique.
 *
 * Two ids can map to the same slug (`Jane.Doe` and `jane-doe`); callers treat that as a
 * configuration error (see {@link findSlugCollisions}).
 */
export function slugify(id: string): string {
  const slug = id
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug.length > 0 ? slug : `u${stableHash(id)}`;
}

/**
 * The name of a developer's application inference profile for one model tier:
 * `{project}-{slug(developer)}-{tier}`, at most 64 characters. When too long, the developer part
 * is shortened and followed by a hash of the full developer id, so the name stays unique and
 * never changes for the same (project, developer, tier).
 */
export function profileName(project: string, developerId: string, tier: string): string {
  const slug = slugify(developerId);
  const full = `${project}-${slug}-${tier}`;
  if (full.length <= PROFILE_NAME_MAX_LENGTH) return full;
  const hash = stableHash(developerId);
  const room = PROFILE_NAME_MAX_LENGTH - project.length - tier.length - hash.length - 3;
  if (room < 1) {
    // project and tier are schema-bounded (24 + 16 chars), so this cannot happen with valid input.
    throw new Error(
      `profile name for project '${project}' and tier '${tier}' cannot fit in ${PROFILE_NAME_MAX_LENGTH} characters`,
    );
  }
  const part = slug.slice(0, room).replace(/-+$/, '');
  return `${project}-${part}-${hash}-${tier}`;
}

/**
 * Groups ids whose slugs collide. Returns one entry per colliding slug with every id mapping to
 * it, in input order; an empty array when all slugs are distinct.
 */
export function findSlugCollisions(ids: readonly string[]): { slug: string; ids: string[] }[] {
  const bySlug = new Map<string, string[]>();
  for (const id of ids) {
    const slug = slugify(id);
    const list = bySlug.get(slug);
    if (list) list.push(id);
    else bySlug.set(slug, [id]);
  }
  return [...bySlug.entries()]
    .filter(([, list]) => list.length > 1)
    .map(([slug, list]) => ({ slug, ids: list }));
}

/**
 * A construct id derived only from a stable key (a developer or team id), never from list
 * position. Construct ids cannot contain `/`; everything else is kept, and cdktf's logical-id
 * hashing keeps `jane.doe` and `janedoe` apart.
 */
export function stableConstructId(key: string): string {
  return key.replace(/\//g, '_');
}

/** Glue/Athena identifiers: lowercase letters, digits and underscores. */
export function glueName(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9_]+/g, '_');
}

/**
 * The STS role session name for a developer id: IAM allows `[\w+=,.@-]`, 2-64 characters. It is
 * the last part of the session's ARN, which the invocation logs record as the caller, so two
 * developers must never share one (the config schema checks it).
 */
export function roleSessionName(developerId: string): string {
  return developerId.replace(/[^\w+=,.@-]/gu, '-').slice(0, 64);
}
