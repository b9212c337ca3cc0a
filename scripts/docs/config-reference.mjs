// The configuration reference table of docs/configuration.md, from the JSON Schema of the core
// config schema (zod's toJSONSchema, input side: defaults are optional) and the descriptions map.

/** Entry fields of config-descriptions.mjs -> the schema metadata that replaces each. */
const SCHEMA_FIELDS = { text: 'description', default: 'defaultDescription', key: 'keyName' };

/** JSON Schema's stand-in for "no upper bound" on a zod integer. */
const NO_MAX = Number.MAX_SAFE_INTEGER;

/**
 * Rows `{ key, type, default, description }` for every key of `schema`, depth first in schema
 * order. `descriptions` maps a key path to its description (see config-descriptions.mjs). Throws
 * listing every key without a description, every optional key without a default or a documented
 * behaviour, and every description that names no key or duplicates one in the schema.
 */
export function configRows(schema, descriptions) {
  const rows = [];
  const problems = [];
  const used = new Set();
  const rendered = new Map(); // object schema (without its default) -> first key path using it

  const entry = (path) => {
    const raw = descriptions[path];
    if (raw === undefined) return undefined;
    used.add(path);
    return typeof raw === 'string' ? { text: raw } : raw;
  };

  const visit = (node, path, required) => {
    const local = entry(path);
    // The schema's own metadata (zod `.meta({ description, defaultDescription, keyName })`) wins;
    // the same field in both places is an error, so whatever moves into the schema is deleted here.
    const meta = {};
    for (const [field, schemaField] of Object.entries(SCHEMA_FIELDS)) {
      if (node[schemaField] !== undefined && local?.[field] !== undefined) {
        problems.push(
          `${path}: ${schemaField} is in the schema; delete '${field}' from its entry in config-descriptions.mjs`,
        );
      }
      meta[field] = node[schemaField] ?? local?.[field];
    }
    const text = meta.text;
    if (text === undefined) problems.push(`${path}: no description (config-descriptions.mjs)`);

    const objectShape = node.properties ? JSON.stringify({ ...node, default: undefined }) : null;
    const sameAs = objectShape ? rendered.get(objectShape) : undefined;
    if (objectShape && !sameAs) rendered.set(objectShape, path);

    let defaultText;
    if (required) defaultText = 'required';
    else if (node.default !== undefined) {
      defaultText = sameDefaults(node) ? "the fields' defaults" : `\`${flow(node.default)}\``;
    } else if (meta.default !== undefined) defaultText = meta.default;
    else {
      defaultText = '';
      problems.push(`${path}: optional without a default; document the behaviour (default: ...)`);
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
      children(alt, path, meta);
    }
  };

  const children = (node, path, meta) => {
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      visit(child, path ? `${path}.${name}` : name, (node.required ?? []).includes(name));
    }
    const values = node.additionalProperties;
    if (values && typeof values === 'object') {
      visit(values, `${path}.<${meta?.key ?? 'key'}>`, true);
    }
    if (node.items?.properties) children(node.items, `${path}[]`, undefined);
  };

  children(schema, '', undefined);
  for (const path of Object.keys(descriptions)) {
    if (!used.has(path)) problems.push(`${path}: described but not a key of the schema`);
  }
  if (problems.length > 0) {
    throw new Error(`configuration reference:\n  - ${problems.join('\n  - ')}`);
  }
  return rows;
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

/** A type in words: `string`, `integer`, `'a' or 'b'`, `string[]`, `map of object`, ... */
export function typeName(node) {
  if (node.anyOf) return node.anyOf.map(typeName).join(' or ');
  if (node.enum) return node.enum.map((v) => `\`${flow(v)}\``).join(' or ');
  if (node.type === 'array') return `${typeName(node.items ?? {})}[]`;
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
