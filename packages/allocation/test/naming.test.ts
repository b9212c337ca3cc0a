import {
  PROFILE_NAME_MAX_LENGTH,
  PROFILE_NAME_PATTERN,
  profileName,
  slugify,
} from '@claude-code-bedrock/core';
import fc from 'fast-check';
import {
  PROFILE_DESCRIPTION_MAX_LENGTH,
  PROFILE_DESCRIPTION_PATTERN,
  profileDescription,
  profileKey,
  systemProfileArn,
} from '../src';

const PROJECTS = ['abc', 'acme-claude', 'a-very-long-project-name'];
const TIERS = ['s', 'sonnet', 'opus4', 'abcdefghijklmnop'];

const developerIds = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 200 }),
  fc.emailAddress(),
  fc.constantFrom('José.Müller@例え.jp', '山田太郎', 'UPPER.Case@Example.COM', 'x'.repeat(200)),
);

describe('profile naming', () => {
  test('profile names are valid for any developer id', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PROJECTS),
        developerIds,
        fc.constantFrom(...TIERS),
        (p, id, t) => {
          const name = profileName(p, id, t);
          expect(name).toMatch(PROFILE_NAME_PATTERN);
          expect(name.length).toBeLessThanOrEqual(PROFILE_NAME_MAX_LENGTH);
          expect(name.startsWith(`${p}-`) && name.endsWith(`-${t}`)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  test('profile descriptions are valid for any developer id', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PROJECTS),
        developerIds,
        fc.constantFrom(...TIERS),
        (p, id, t) => {
          const description = profileDescription(p, id, t);
          expect(description).toMatch(PROFILE_DESCRIPTION_PATTERN);
          expect(description.length).toBeLessThanOrEqual(PROFILE_DESCRIPTION_MAX_LENGTH);
        },
      ),
      { numRuns: 500 },
    );
  });

  test('ids with different slugs get different names and descriptions', () => {
    fc.assert(
      fc.property(developerIds, developerIds, (a, b) => {
        fc.pre(slugify(a) !== slugify(b));
        expect(profileName('acme-claude', a, 'sonnet')).not.toBe(
          profileName('acme-claude', b, 'sonnet'),
        );
        expect(profileDescription('acme-claude', a, 'sonnet')).not.toBe(
          profileDescription('acme-claude', b, 'sonnet'),
        );
      }),
      { numRuns: 500 },
    );
  });

  // Pinned: a change to any of these would replace the developers' profiles.
  test.each([
    ['an e-mail', 'jane.doe@example.com', 'acme-claude-jane-doe-example-com-sonnet'],
    ['uppercase', 'UPPER.Case@Example.COM', 'acme-claude-upper-case-example-com-sonnet'],
    ['accents and CJK', 'José.Müller@例え.jp', 'acme-claude-jose-muller-jp-sonnet'],
    ['CJK only', '山田太郎', 'acme-claude-u6b0e1c8c-sonnet'],
    ['200 characters', 'x'.repeat(200), `acme-claude-${'x'.repeat(36)}-aa20c23e-sonnet`],
  ])('names a developer id with %s', (_what, id, expected) => {
    expect(profileName('acme-claude', id, 'sonnet')).toBe(expected);
  });

  test('descriptions shorten long developer slugs with a hash', () => {
    const description = profileDescription('acme-claude', 'x'.repeat(200), 'sonnet');

    expect(description).toBe(
      `Claude Code sonnet profile for ${'x'.repeat(91)}-aa20c23e in acme-claude`,
    );
  });

  test('system profile ARNs use the partition of the region', () => {
    expect(systemProfileArn('us-east-1', '123456789012', 'us.anthropic.claude-opus-4-6-v1')).toBe(
      'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-opus-4-6-v1',
    );
    expect(systemProfileArn('us-gov-west-1', '123456789012', 'us-gov.anthropic.x')).toMatch(
      /^arn:aws-us-gov:bedrock:us-gov-west-1:/,
    );
  });

  test('profile keys are the developer id and tier joined by a slash', () => {
    expect(profileKey('jane.doe@example.com', 'opus')).toBe('jane.doe@example.com/opus');
    expect(profileKey('arn:aws:iam::123456789012:user/someone', 'sonnet')).toBe(
      'arn:aws:iam::123456789012:user/someone/sonnet',
    );
  });

  test('profile keys of distinct developers or tiers are distinct', () => {
    fc.assert(
      fc.property(
        developerIds,
        developerIds,
        fc.constantFrom(...TIERS),
        fc.constantFrom(...TIERS),
        (a, b, s, t) => {
          fc.pre(a !== b || s !== t);
          expect(profileKey(a, s)).not.toBe(profileKey(b, t));
        },
      ),
      { numRuns: 500 },
    );
  });
});
