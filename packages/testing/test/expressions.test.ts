import {
  evaluateExpression,
  evaluateTemplate,
  evaluateValue,
  expandForEach,
  forEachLocal,
  forEachMap,
  localValue,
  lookup,
} from '../src';

const locals = {
  Entries_1A2B: {
    'jane/opus': { name: 'acme-jane-opus', user: 'jane', tier: 'opus', n: 3 },
    'bob/haiku': { name: 'acme-bob-haiku', user: 'bob', tier: 'haiku', n: 1 },
  },
  ModelSources: { opus: 'arn:opus', haiku: 'arn:haiku' },
  list: ['x', 'y'],
  flag: true,
};
const each = { key: 'jane/opus', value: locals.Entries_1A2B['jane/opus'] };

describe('locals and for_each', () => {
  test('localValue: the value; an absent or inherited name throws', () => {
    expect(localValue(locals, 'flag')).toBe(true);
    expect(() => localValue(locals, 'nope')).toThrow(/no local nope \(locals: Entries_1A2B, /);
    expect(() => localValue(locals, 'toString')).toThrow(/no local toString/);
    expect(() => localValue(undefined, 'x')).toThrow('no local x (locals: )');
  });

  test('forEachLocal: the name in a whole-string ${local.<name>}; any other form throws', () => {
    expect(forEachLocal('${local.Entries_1A2B}')).toBe('Entries_1A2B');
    expect(forEachLocal('${local.a-b_c}')).toBe('a-b_c');
    for (const other of [
      { a: 1 },
      '${var.x}',
      'x${local.a}',
      '${local.a}x',
      '${local.a.b}',
      '${merge(local.a, local.b)}',
    ]) {
      expect(() => forEachLocal(other)).toThrow(/for_each is not a reference to a local/);
    }
  });

  test("forEachMap: the local's map; a missing local or one that is not a map throws", () => {
    expect(forEachMap('${local.Entries_1A2B}', locals)).toBe(locals.Entries_1A2B);
    expect(() => forEachMap('${local.list}', locals)).toThrow('local list is not a map: ["x","y"]');
    expect(() => forEachMap('${local.flag}', locals)).toThrow(/local flag is not a map/);
    expect(() => forEachMap('${local.nope}', locals)).toThrow(/no local nope/);
  });

  test("lookup: Terraform's; a missing key without a default throws", () => {
    expect(lookup({ a: 1 }, 'a')).toBe(1);
    expect(lookup({ a: 1 }, 'b', 'fallback')).toBe('fallback');
    expect(() => lookup({ a: 1 }, 'b')).toThrow('lookup: no key "b" in {"a":1}');
    expect(() => lookup(['a'], 'a')).toThrow(/not a map/);
    expect(() => lookup({ a: 1 }, 1)).toThrow(/key is not a string/);
  });
});

describe('evaluateExpression', () => {
  const scope = { locals, each };

  test('each.key, each.value and its attributes', () => {
    expect(evaluateExpression('each.key', scope)).toBe('jane/opus');
    expect(evaluateExpression('each.value', scope)).toBe(each.value);
    expect(evaluateExpression('each.value.tier', scope)).toBe('opus');
    expect(evaluateExpression(' each.value.n ', scope)).toBe(3);
  });

  test('locals, attributes, indexes and lookup', () => {
    expect(evaluateExpression('local.ModelSources[each.value.tier]', scope)).toBe('arn:opus');
    expect(evaluateExpression('lookup(local.ModelSources, each.value.tier)', scope)).toBe(
      'arn:opus',
    );
    expect(evaluateExpression('lookup(local.ModelSources, "sonnet", "none")', scope)).toBe('none');
    expect(evaluateExpression('local.Entries_1A2B["bob/haiku"].user', scope)).toBe('bob');
    expect(evaluateExpression('local.list[1]', scope)).toBe('y');
    expect(evaluateExpression('"a \\"quoted\\" string"', scope)).toBe('a "quoted" string');
  });

  test("Terraform's errors: an absent attribute, key, index or local", () => {
    expect(() => evaluateExpression('each.value.team', scope)).toThrow(
      /each\.value has no attribute team/,
    );
    expect(() => evaluateExpression('local.ModelSources["sonnet"]', scope)).toThrow(
      /local\.ModelSources\["sonnet"\]: no such element/,
    );
    expect(() => evaluateExpression('local.list[2]', scope)).toThrow(/no such element/);
    expect(() => evaluateExpression('lookup(local.ModelSources, "sonnet")', scope)).toThrow(
      /lookup: no key "sonnet"/,
    );
    expect(() => evaluateExpression('local.nope', scope)).toThrow(/no local nope/);
    expect(() => evaluateExpression('each.key', { locals })).toThrow(
      /each is only available in a for_each resource/,
    );
  });

  test('anything outside the subset throws', () => {
    for (const text of [
      'var.region',
      'each.index',
      'upper(each.key)',
      'lookup(local.ModelSources)',
      'each.value.n + 1',
      '{ for k, v in local.list : k => v }',
      'local',
      '',
    ]) {
      expect(() => evaluateExpression(text, scope)).toThrow(/unsupported expression/);
    }
  });
});

describe('evaluateTemplate', () => {
  const scope = { locals, each };

  test('a whole-string interpolation keeps the value, maps and numbers included', () => {
    expect(evaluateTemplate('${local.ModelSources}', scope)).toBe(locals.ModelSources);
    expect(evaluateTemplate('${each.value.n}', scope)).toBe(3);
  });

  test('text with interpolations is a string; $${ and %%{ are literals', () => {
    expect(evaluateTemplate('${each.value.user}-${each.value.n}/${local.flag}', scope)).toBe(
      'jane-3/true',
    );
    expect(evaluateTemplate('plain text', scope)).toBe('plain text');
    expect(evaluateTemplate('user:User$${each.key}', scope)).toBe('user:User${each.key}');
    expect(evaluateTemplate('100%%{x}', scope)).toBe('100%{x}');
    expect(
      evaluateTemplate('${lookup(local.ModelSources, "}")}', {
        locals: { ModelSources: { '}': 'brace' } },
      }),
    ).toBe('brace');
  });

  test('a map in text, a directive or an unterminated interpolation throws', () => {
    expect(() => evaluateTemplate('x-${local.ModelSources}', scope)).toThrow(
      /cannot include \{"opus":"arn:opus","haiku":"arn:haiku"\} in the text/,
    );
    expect(() => evaluateTemplate('%{ if true }x%{ endif }', scope)).toThrow(
      /unsupported template directive/,
    );
    expect(() => evaluateTemplate('${each.key', scope)).toThrow(/unterminated interpolation/);
  });

  test('evaluateValue: every string of nested objects and lists', () => {
    expect(
      evaluateValue(
        { name: '${each.value.name}', tags: [{ User: '${each.value.user}' }], count: 2, on: null },
        scope,
      ),
    ).toEqual({ name: 'acme-jane-opus', tags: [{ User: 'jane' }], count: 2, on: null });
  });
});

describe('expandForEach', () => {
  const resource = {
    '//': { metadata: { path: 'x' } },
    for_each: '${local.Entries_1A2B}',
    depends_on: ['aws_iam_role.x'],
    lifecycle: { create_before_destroy: true },
    name: '${each.value.name}',
    model_source: [{ copy_from: '${local.ModelSources[each.value.tier]}' }],
    tags: { User: '${each.value.user}', Key: '${each.key}', Project: 'acme' },
  };

  test('one instance per key, with each and the locals evaluated, meta-arguments left out', () => {
    expect(expandForEach(resource, locals)).toEqual({
      'jane/opus': {
        name: 'acme-jane-opus',
        model_source: [{ copy_from: 'arn:opus' }],
        tags: { User: 'jane', Key: 'jane/opus', Project: 'acme' },
      },
      'bob/haiku': {
        name: 'acme-bob-haiku',
        model_source: [{ copy_from: 'arn:haiku' }],
        tags: { User: 'bob', Key: 'bob/haiku', Project: 'acme' },
      },
    });
  });

  test('an entry the expressions cannot evaluate throws, as the plan would fail', () => {
    const withUnknownTier = {
      ...locals,
      Entries_1A2B: { 'carol/sonnet': { name: 'c', user: 'carol', tier: 'sonnet' } },
    };
    expect(() => expandForEach(resource, withUnknownTier)).toThrow(
      /local\.ModelSources\["sonnet"\]: no such element/,
    );
    expect(() => expandForEach({ ...resource, for_each: { a: {} } }, locals)).toThrow(
      /for_each is not a reference to a local/,
    );
  });
});
