import { applyUpdate, evaluateCondition, ExpressionContext, Item } from './fake-expressions';

const ctx = (
  item: Item | undefined,
  values: ExpressionContext['values'] = {},
): ExpressionContext => ({
  item,
  names: { '#a': 'a', '#s': 's', '#b': 'b' },
  values,
});

describe('fake DynamoDB conditions', () => {
  test('attribute_exists / attribute_not_exists', () => {
    expect(evaluateCondition('attribute_not_exists(#a)', ctx(undefined))).toBe(true);
    expect(evaluateCondition('attribute_not_exists(#a)', ctx({ a: { N: '1' } }))).toBe(false);
    expect(evaluateCondition('attribute_exists(#a)', ctx({ a: { N: '1' } }))).toBe(true);
  });

  test('contains on number sets, string sets and strings; NOT; a missing attribute contains nothing', () => {
    const values = { ':n': { N: '80' }, ':s': { S: 'x' } };
    expect(evaluateCondition('contains(#s, :n)', ctx({ s: { NS: ['50', '80'] } }, values))).toBe(
      true,
    );
    expect(evaluateCondition('NOT contains(#s, :n)', ctx({ s: { NS: ['50'] } }, values))).toBe(
      true,
    );
    expect(evaluateCondition('NOT contains(#s, :n)', ctx({}, values))).toBe(true);
    expect(evaluateCondition('contains(#s, :s)', ctx({ s: { SS: ['x'] } }, values))).toBe(true);
    expect(evaluateCondition('contains(#s, :s)', ctx({ s: { S: 'axb' } }, values))).toBe(true);
  });

  test('comparisons with AND, OR and parentheses', () => {
    const values = { ':f': { BOOL: false }, ':t': { BOOL: true } };
    const blockable = 'attribute_not_exists(#b) OR #b = :f';
    expect(evaluateCondition(blockable, ctx({}, values))).toBe(true);
    expect(evaluateCondition(blockable, ctx({ b: { BOOL: false } }, values))).toBe(true);
    expect(evaluateCondition(blockable, ctx({ b: { BOOL: true } }, values))).toBe(false);
    expect(evaluateCondition('(#b = :t) AND #b <> :f', ctx({ b: { BOOL: true } }, values))).toBe(
      true,
    );
  });

  test('anything else is an error, not a silent pass', () => {
    expect(() => evaluateCondition('#a > :v', ctx({}, { ':v': { N: '1' } }))).toThrow(
      "cannot read '> :v' in '#a > :v'",
    );
    expect(() => evaluateCondition('size(#a) = :v', ctx({}, { ':v': { N: '1' } }))).toThrow();
    expect(() => evaluateCondition('#zz = :v', ctx({}, { ':v': { N: '1' } }))).toThrow(
      'no ExpressionAttributeNames entry #zz',
    );
    expect(() => evaluateCondition('#a = :missing', ctx({}))).toThrow(
      'no ExpressionAttributeValues entry :missing',
    );
  });
});

describe('fake DynamoDB updates', () => {
  test('ADD numbers and sets, SET values, DELETE from sets (an emptied set disappears), REMOVE', () => {
    const item: Item = { a: { N: '1.5' }, s: { NS: ['50'] } };
    const values = { ':n': { N: '2' }, ':set': { NS: ['80'] }, ':x': { S: 'hi' } };
    applyUpdate('ADD #a :n, #s :set SET #b = :x', { ...ctx(item, values), item });
    expect(item).toEqual({ a: { N: '3.5' }, s: { NS: ['50', '80'] }, b: { S: 'hi' } });
    applyUpdate('DELETE #s :set', { ...ctx(item, values), item });
    expect(item.s).toEqual({ NS: ['50'] });
    applyUpdate('DELETE #s :set', { ...ctx(item, { ':set': { NS: ['50'] } }), item });
    expect(item.s).toBeUndefined();
    applyUpdate('REMOVE #b', { ...ctx(item), item });
    expect(item.b).toBeUndefined();
  });

  test('ADD creates missing attributes; SET if_not_exists keeps an existing value', () => {
    const item: Item = { b: { S: 'kept' } };
    applyUpdate('ADD #a :n SET #b = if_not_exists(#b, :x)', {
      ...ctx(item, { ':n': { N: '4' }, ':x': { S: 'new' } }),
      item,
    });
    expect(item).toEqual({ a: { N: '4' }, b: { S: 'kept' } });
  });

  test('rejects an unknown clause or an ADD of a string', () => {
    const item: Item = {};
    expect(() => applyUpdate('PUT #a :x', { ...ctx(item, { ':x': { S: 'x' } }), item })).toThrow(
      'expected SET/ADD/DELETE/REMOVE',
    );
    expect(() => applyUpdate('ADD #a :x', { ...ctx(item, { ':x': { S: 'x' } }), item })).toThrow(
      'ADD takes a number or a set',
    );
  });
});
