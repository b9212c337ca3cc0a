import { createHash } from 'crypto';

/** Bedrock application inference profile names: 1-64 chars matching `([0-9a-zA-Z][ _-]?)+`. */
export const PROFILE_NAME_MAX_LENGTH = 64;
export const PROFILE_NAME_PATTERN = /^([0-9a-zA-Z][ _-]?)+$/;

/** A short, stable hash of a string (first `length` hex chars of its SHA-256). */
export function stableHash(value: string, length = 8): string {
  return createHash('sha256').update(value, 'utf8').digest('hex').slice(0, length);
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
