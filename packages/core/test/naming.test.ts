import {
  DEVELOPER_GROUPS,
  PROFILE_NAME_MAX_LENGTH,
  compareCodeUnits,
  developerGroup,
  groupByDeveloper,
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

describe('developer groups', () => {
  const ids = Array.from({ length: 5000 }, (_, i) => `dev${i}@example.com`);

  it('depends on the developer id alone', () => {
    // Pinned values: the group is part of every per-developer Terraform address, so a change
    // to the hash or the group count would move deployed instances.
    expect(developerGroup('jane.doe@example.com')).toBe(developerGroup('jane.doe@example.com'));
    expect(ids.slice(0, 4).map(developerGroup)).toEqual([33, 47, 44, 56]);
    expect(DEVELOPER_GROUPS).toBe(64);
  });

  it('spreads 5,000 developers evenly (every group within 40% of the mean)', () => {
    const counts = new Array<number>(DEVELOPER_GROUPS).fill(0);
    for (const id of ids) counts[developerGroup(id)]++;
    const mean = ids.length / DEVELOPER_GROUPS;
    expect(Math.min(...counts)).toBeGreaterThan(mean * 0.6);
    expect(Math.max(...counts)).toBeLessThan(mean * 1.4);
  });

  it('groups items in group order, keeps input order within a group, skips empty groups', () => {
    const items = ['c', 'a', 'b', 'a2'].map((id) => ({ id }));
    const groups = groupByDeveloper(items, (i) => i.id);
    expect(groups.map(([label]) => label)).toEqual(
      [...new Set(items.map((i) => developerGroup(i.id)))]
        .sort((x, y) => x - y)
        .map((g) => `G${String(g).padStart(2, '0')}`),
    );
    expect(groups.flatMap(([, list]) => list)).toHaveLength(4);
    for (const [, list] of groups) {
      const order = list.map((i) => items.indexOf(i));
      expect(order).toEqual([...order].sort((x, y) => x - y));
    }
    expect(groupByDeveloper([], (i: string) => i)).toEqual([]);
  });

  it('reordering or removing other developers never moves a developer to another group', () => {
    const before = new Map(
      groupByDeveloper(ids.slice(0, 300), (i) => i).flatMap(([g, l]) => l.map((i) => [i, g])),
    );
    const shuffled = [...ids.slice(0, 300)].reverse().filter((_, i) => i % 3 !== 0);
    for (const [g, list] of groupByDeveloper(shuffled, (i) => i)) {
      for (const id of list) expect(before.get(id)).toBe(g);
    }
  });
});

describe('compareCodeUnits', () => {
  it('sorts by UTF-16 code units, not locale', () => {
    expect(['b', 'B', 'a', 'é', 'A'].sort(compareCodeUnits)).toEqual(['A', 'B', 'a', 'b', 'é']);
    expect(compareCodeUnits('x', 'x')).toBe(0);
  });
});
