// The configuration reference of docs/configuration.md, from the JSON Schema of the core config
// schema (zod's toJSONSchema, input side: defaults are optional). Every key is documented in the
// schema itself, as zod metadata that toJSONSchema copies into each node:
// - `description`: what the key means (required for every key);
// - `defaultDescription`: what leaving out an optional key without a schema default does
//   (behaviour, as the constructs document `@default - ...`); required for every such key;
// - `keyName`: the placeholder for the keys of a map (`models.<tier>`; default `key`).

/** JSON Schema's stand-in for "no upper bound" on a zod integer. */
const NO_MAX = Number.MAX_SAFE_INTEGER;

/** Where a key's documentation goes, for the error messages. */
const SCHEMA_FILES = 'packages/core/src/schema';

/**
 * Rows `{ key, type, default, description }` for every key of `schema`, depth first in schema
 * order. Throws naming every key without a description and every optional key without a default or
 * a documented behaviour, so that no key lands undocumented.
 */
export function configRows(schema) {
  const rows = [];
  const problems = [];
  const rendered = new Map(); // object schema (without its own metadata) -> first key path using it

  const visit = (node, path, required) => {
    const text = node.description?.trim();
    if (!text) {
      problems.push(
        `${path}: no description; document it in its schema (${SCHEMA_FILES}) with .meta({ description })`,
      );
    }

    const objectShape = node.properties ? JSON.stringify(withoutKeyDocs(node)) : null;
    const sameAs = objectShape ? rendered.get(objectShape) : undefined;
    if (objectShape && !sameAs) rendered.set(objectShape, path);

    let defaultText;
    if (required) defaultText = 'required';
    else if (node.default !== undefined) {
      defaultText = sameDefaults(node) ? "the fields' defaults" : `\`${flow(node.default)}\``;
    } else if (node.defaultDescription !== undefined) defaultText = node.defaultDescription;
    else {
      defaultText = '';
      problems.push(
        `${path}: optional without a default; document what leaving it out does with .meta({ defaultDescription })`,
      );
    }

    const constraints = describeConstraints(node);
    const parts = [text ?? ''];
    if (sameAs) parts.push(`Same fields as \`${sameAs}\`.`);
    if (constraints.length > 0) parts.push(`${capitalize(constraints.join('; '))}.`);
    rows.push({
      key: path,
      type: typeName(node),
      default: defaultText,
      description: parts.filter(Boolean).join(' '),
    });
    if (sameAs) return;

    for (const alt of node.anyOf ?? [node]) {
      children(alt, path, node.keyName);
    }
  };

  const children = (node, path, keyName) => {
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      visit(child, path ? `${path}.${name}` : name, (node.required ?? []).includes(name));
    }
    const values = node.additionalProperties;
    if (values && typeof values === 'object') {
      visit(values, `${path}.<${keyName ?? 'key'}>`, true);
    }
    if (node.items?.properties) children(node.items, `${path}[]`, undefined);
  };

  children(schema, '', undefined);
  if (problems.length > 0) {
    throw new Error(`configuration reference:\n  - ${problems.join('\n  - ')}`);
  }
  return rows;
}

/** An object node without what documents the key itself (its fields' documentation stays). */
function withoutKeyDocs(node) {
  const shape = { ...node };
  for (const field of ['description', 'defaultDescription', 'keyName', 'default']) {
    delete shape[field];
  }
  return shape;
}

/**
 * The rows as a nested Markdown list that mirrors the YAML structure: each key with its full path,
 * type, default and description, its fields indented below it.
 */
export function configList(rows) {
  const depth = (key) => key.split(/\.|\[\]\./).length - 1;
  return rows
    .map((r) => {
      const def = r.default === 'required' ? 'required' : `default: ${r.default}`;
      return `${'  '.repeat(depth(r.key))}- \`${r.key}\` (${r.type}; ${def}): ${r.description}`;
    })
    .join('\n');
}

/** A type in words: `string`, `integer`, `'a' or 'b'`, `string[]`, `(string or '*')[]`, `map of object`, ... */
export function typeName(node) {
  if (node.anyOf) return node.anyOf.map(typeName).join(' or ');
  if (node.const !== undefined) return `\`${flow(node.const)}\``;
  if (node.enum) return node.enum.map((v) => `\`${flow(v)}\``).join(' or ');
  if (node.type === 'array') {
    const item = typeName(node.items ?? {});
    return item.includes(' or ') ? `(${item})[]` : `${item}[]`;
  }
  if (node.type === 'object') {
    const values = node.additionalProperties;
    return values && typeof values === 'object' ? `map of ${typeName(values)}` : 'object';
  }
  if (node.type === 'string' && node.format === 'uri') return 'URL';
  return node.type ?? 'any';
}

/** The constraints JSON Schema states for a key: lengths, bounds, patterns, item patterns. */
export function describeConstraints(node) {
  const out = [];
  const range = (min, max, unit) => {
    const units = (n) => (n === 1 ? unit : `${unit}s`);
    if (min !== undefined && max !== undefined) out.push(`${min}-${max} ${units(max)}`);
    else if (min !== undefined) out.push(`at least ${min} ${units(min)}`);
    else if (max !== undefined) out.push(`at most ${max} ${units(max)}`);
  };
  if (node.type === 'string') {
    range(node.minLength, node.maxLength, 'character');
    if (node.pattern) out.push(`matches \`${node.pattern}\``);
  }
  if (node.type === 'number' || node.type === 'integer') {
    if (node.exclusiveMinimum !== undefined) out.push(`> ${node.exclusiveMinimum}`);
    if (node.minimum !== undefined) out.push(`≥ ${node.minimum}`);
    if (node.maximum !== undefined && node.maximum !== NO_MAX) out.push(`≤ ${node.maximum}`);
  }
  if (node.type === 'array') {
    range(node.minItems, node.maxItems, 'item');
    if (node.items?.type === 'string' && node.items.pattern) {
      out.push(`each matches \`${node.items.pattern}\``);
    }
  }
  if (node.type === 'object' && node.propertyNames?.pattern) {
    out.push(`keys match \`${node.propertyNames.pattern}\``);
  }
  return out;
}

/** True when an object's default is exactly what its fields' own defaults make. */
function sameDefaults(node) {
  if (!node.properties || typeof node.default !== 'object') return false;
  const fromFields = {};
  for (const [name, child] of Object.entries(node.properties)) {
    if (child.default !== undefined) fromFields[name] = child.default;
  }
  return JSON.stringify(node.default) === JSON.stringify(fromFields);
}

/** A value in YAML flow style, as it would be written in config.yaml. */
export function flow(value) {
  if (Array.isArray(value)) return `[${value.map(flow).join(', ')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => `${k}: ${flow(v)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  if (typeof value === 'string') return /^[\w./@*~-]+$/.test(value) ? value : `'${value}'`;
  return String(value);
}

const capitalize = (s) => s.charAt(0).toUpperCase() + s.slice(1);
