import {
  PROFILE_NAME_MAX_LENGTH,
  PROFILE_NAME_PATTERN,
  findSlugCollisions,
  glueName,
  profileName,
  slugify,
  stableConstructId,
} from '../src';

describe('slugify', () => {
  it.each([
    ['jane.doe@example.com', 'jane-doe-example-com'],
    ['Carol+ML@Example.COM', 'carol-ml-example-com'],
    ['a..b--c__d', 'a-b-c-d'],
    ['.leading.and.trailing.', 'leading-and-trailing'],
    ['José.Müller', 'jose-muller'],
  ])('maps %s to %s', (id, slug) => {
    expect(slugify(id)).toBe(slug);
  });

  it('gives ids without any ASCII letter or digit a stable hashed slug', () => {
    expect(slugify('山田太郎')).toMatch(/^u[0-9a-f]{8}$/);
    expect(slugify('山田太郎')).toBe(slugify('山田太郎'));
    expect(slugify('山田太郎')).not.toBe(slugify('佐藤花子'));
  });
});

describe('profileName', () => {
  const adversarial = [
    'jane.doe@example.com',
    'UPPER.Case+tag@Example.org',
    'José.Müller@例え.jp',
    '山田太郎',
    'a'.repeat(200),
    `${'x.'.repeat(100)}@example.com`,
    '--__..@@++',
  ];

  it.each(adversarial)('is a valid Bedrock profile name for %s', (id) => {
    const name = profileName('acme-claude', id, 'sonnet');
    expect(name.length).toBeLessThanOrEqual(PROFILE_NAME_MAX_LENGTH);
    expect(name).toMatch(PROFILE_NAME_PATTERN);
    expect(name.startsWith('acme-claude-')).toBe(true);
    expect(name.endsWith('-sonnet')).toBe(true);
  });

  it('shortens long names with a hash so two long ids with the same prefix stay distinct', () => {
    const a = profileName('acme-claude', `${'a'.repeat(100)}1`, 'opus');
    const b = profileName('acme-claude', `${'a'.repeat(100)}2`, 'opus');
    expect(a).not.toBe(b);
    expect(a.length).toBeLessThanOrEqual(64);
    expect(a).toMatch(/-[0-9a-f]{8}-opus$/);
  });

  it('depends only on project, developer id and tier', () => {
    expect(profileName('p-1', 'jane.doe', 'opus')).toBe('p-1-jane-doe-opus');
    expect(profileName('p-1', 'jane.doe', 'opus')).toBe(profileName('p-1', 'jane.doe', 'opus'));
  });
});

describe('findSlugCollisions', () => {
  it('reports every id that maps to the same slug', () => {
    expect(findSlugCollisions(['Jane.Doe', 'bob', 'jane-doe', 'jane_doe'])).toEqual([
      { slug: 'jane-doe', ids: ['Jane.Doe', 'jane-doe', 'jane_doe'] },
    ]);
  });

  it('returns nothing for distinct slugs', () => {
    expect(findSlugCollisions(['a', 'b', 'c'])).toEqual([]);
  });
});

describe('identifiers', () => {
  it('keeps construct ids free of path separators', () => {
    expect(stableConstructId('team/alice')).toBe('team_alice');
  });

  it('makes Glue names lowercase with underscores', () => {
    expect(glueName('Acme-Claude')).toBe('acme_claude');
  });
});
