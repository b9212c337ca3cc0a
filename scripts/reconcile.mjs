#!/usr/bin/env node
// Adopts the resources an interrupted `terraform apply` left in AWS without a state entry.
//
// Ctrl-C, a killed CI job or a lost connection can cancel a create after AWS made the object but
// before Terraform recorded it. For most types the next apply then fails on the existing object
// (EntityAlreadyExists, ConflictException, ResourceAlreadyExistsException); for some (Athena named
// queries, Logs query definitions, anomaly monitors) it silently makes a second one. Every type the
// stacks create whose create is not idempotent has a natural id (a name, or a name within a
// parent: scripts/reconcile/types.mjs); for each resource instance of the synthesized stack that is
// not in state (for_each instances included, their keys read from the locals or literal maps), the
// object with that natural id is looked up and, when it exists, a Terraform `import` block is
// written (reconcile-imports.tf.json next to cdk.tf.json). The next `terraform apply` adopts the
// objects while planning (unlike `terraform import`, import blocks cope with values still unknown
// in a half-applied stack) and converges with nothing duplicated. Nothing is created or deleted.
// Each run rewrites the file (or removes it when nothing is orphaned).
//
// Usage: node scripts/reconcile.mjs --dir <synthesized stack dir> [--dry-run]
//   (talks to the emulator when CCB_EMULATOR_ENDPOINT is set, else to AWS with your credentials)
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { run, terraformEnv } from './lib.mjs';
import { ADOPTED, findAll, remote } from './reconcile/types.mjs';

const FILE = 'reconcile-imports.tf.json';

/** `obj` at a dotted path (`tags.Name`). */
const dig = (obj, path) => path.split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj);
/** A value usable in a natural id: strings and numbers, else undefined. */
const scalar = (v) => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);

/**
 * The resource instances a synthesized stack declares: { address, type, config, each }, one per
 * resource, or one per key of its for_each map (literal, or a local's).
 */
export function declaredInstances(tf) {
  const out = [];
  for (const [type, byName] of Object.entries(tf.resource ?? {})) {
    for (const [name, config] of Object.entries(byName)) {
      if (config.count !== undefined) continue; // none of the stacks uses count
      if (config.for_each === undefined) {
        out.push({ address: `${type}.${name}`, type, config });
        continue;
      }
      const local = /^\$\{local\.([\w-]+)\}$/.exec(config.for_each)?.[1];
      const map = local ? tf.locals?.[local] : config.for_each;
      if (!map || typeof map !== 'object') continue; // keys known only after apply
      for (const [key, value] of Object.entries(map)) {
        out.push({
          address: `${type}.${name}[${JSON.stringify(key)}]`,
          type,
          config,
          each: { key, value },
        });
      }
    }
  }
  return out;
}

/** The root module's resource instances in state: address -> attributes (`terraform state pull`). */
export function stateInstances(dir, env) {
  const res = run('terraform', ['state', 'pull'], { cwd: dir, env, capture: true });
  if (res.status !== 0) {
    const reason = res.stderr.trim().split('\n').filter(Boolean).pop() ?? `exit ${res.status}`;
    throw new Error(`terraform state pull failed in ${dir} (${reason}); run terraform init first`);
  }
  const out = new Map();
  const state = res.stdout.trim() ? JSON.parse(res.stdout) : {};
  for (const r of state.resources ?? []) {
    if (r.mode !== 'managed' || r.module) continue;
    for (const i of r.instances ?? []) {
      const index = i.index_key === undefined ? '' : `[${JSON.stringify(i.index_key)}]`;
      out.set(`${r.type}.${r.name}${index}`, i.attributes ?? {});
    }
  }
  return out;
}

/** The natural id of an ADOPTED type's instance from its attributes in state. */
export const stateNaturalId = (type, attrs) =>
  ADOPTED[type].key((path) => scalar(dig(attrs, path)));

/**
 * The import blocks that adopt the orphans of a stack: for every declared instance of an ADOPTED
 * type that is not in `state`, the object with its natural id. Instances are looked up in rounds,
 * an instance after the adopted resources it depends on, and not at all when one of those does not
 * exist (Terraform creates a resource only after its dependencies). Returns { imports, duplicates }
 * (duplicates: [address, [ids]] where several objects have the natural id; the first is adopted,
 * the others are for you to delete).
 */
export async function orphans(tf, state, aws) {
  const declared = new Map(declaredInstances(tf).map((i) => [i.address, i]));
  const found = new Map(); // address -> the object found, or null
  /** An instance's attribute: from state, else its configuration, else the object found for it. */
  const attribute = (address, path) => {
    if (state.has(address)) return scalar(dig(state.get(address), path));
    const instance = declared.get(address);
    if (!instance) return undefined;
    const configured = evaluate(dig(instance.config, path), instance.each);
    return configured ?? scalar(found.get(address)?.attrs[path]);
  };
  /** A configured value with its `${...}` references resolved; undefined when one cannot be. */
  const evaluate = (value, each) => {
    if (typeof value !== 'string') return scalar(value);
    let known = true;
    const text = value.replace(/\$\{([^}]*)\}/g, (_, expr) => {
      const v = reference(expr.trim(), each);
      known &&= v !== undefined;
      return v ?? '';
    });
    return known ? text : undefined;
  };
  const reference = (expr, each) => {
    if (expr === 'each.key') return each?.key;
    const value = /^each\.value\.([\w.]+)$/.exec(expr);
    if (value) return scalar(dig(each?.value, value[1]));
    const ref = /^(aws_\w+\.[\w-]+)(\[(each\.key|"[^"]*")\])?\.([\w.]+)$/.exec(expr);
    const address = ref && instanceAddress(ref[1], ref[3], each);
    return address && attribute(address, ref[4]);
  };
  const naturalId = (instance) =>
    ADOPTED[instance.type].key((path) => evaluate(dig(instance.config, path), instance.each));
  const pending = new Set(
    [...declared.values()]
      .filter((i) => ADOPTED[i.type] && !state.has(i.address))
      .map((i) => i.address),
  );
  const ofResource = new Map(); // resource address -> its pending instances
  for (const a of pending) {
    const resource = a.replace(/\[.*$/, '');
    ofResource.set(resource, [...(ofResource.get(resource) ?? []), a]);
  }
  /** The pending instances an instance depends on (its references and depends_on). */
  const dependsOn = new Map();
  const dependencies = (instance) => {
    if (dependsOn.has(instance.address)) return dependsOn.get(instance.address);
    const exprs = JSON.stringify(instance.config).match(/\$\{[^}]*\}/g) ?? [];
    const refs = exprs.flatMap((expr) =>
      [...expr.matchAll(/(aws_\w+\.[\w-]+)(\[(each\.key|\\"[^\]]*\\")\])?/g)].map((m) => [
        m[1],
        m[3]?.replaceAll('\\"', '"'),
      ]),
    );
    refs.push(...(instance.config.depends_on ?? []).map((d) => [d]));
    const addresses = refs.flatMap(([resource, index]) =>
      index ? [instanceAddress(resource, index, instance.each)] : (ofResource.get(resource) ?? []),
    );
    const result = [...new Set(addresses)].filter((a) => pending.has(a));
    dependsOn.set(instance.address, result);
    return result;
  };

  const imports = [];
  const duplicates = [];
  const undecided = new Set(pending);
  while (undecided.size > 0) {
    const ready = [...undecided]
      .map((a) => declared.get(a))
      .filter((i) => dependencies(i).every((d) => !undecided.has(d)));
    if (ready.length === 0) throw new Error(`dependency cycle among ${[...undecided].join(', ')}`);
    const lookups = [];
    for (const instance of ready) {
      undecided.delete(instance.address);
      const possible = dependencies(instance).every((d) => found.get(d));
      const key = possible ? naturalId(instance) : undefined;
      if (key === undefined) found.set(instance.address, null);
      else lookups.push([instance, key]);
    }
    const types = [...new Set(lookups.map(([i]) => i.type))];
    const answers = await findAll(
      types.map((t) => [t, [...new Set(lookups.filter(([i]) => i.type === t).map(([, k]) => k))]]),
      aws,
    );
    for (const [instance, key] of lookups) {
      const objects = answers.get(instance.type).get(key) ?? [];
      found.set(instance.address, objects[0] ?? null);
      if (objects.length > 0) imports.push({ to: instance.address, id: objects[0].id });
      if (objects.length > 1) duplicates.push([instance.address, objects.map((o) => o.id)]);
    }
  }
  return { imports, duplicates };
}

/** The address of `resource[index]` (index: `each.key` of `each`, or a quoted key), or `resource`. */
function instanceAddress(resource, index, each) {
  if (!index) return resource;
  const key = index === 'each.key' ? each?.key : JSON.parse(index);
  return key === undefined ? undefined : `${resource}[${JSON.stringify(key)}]`;
}

async function main() {
  const { values } = parseArgs({
    options: { dir: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } },
  });
  if (!values.dir) {
    console.error('usage: node scripts/reconcile.mjs --dir <stack dir> [--dry-run]');
    process.exit(2);
  }
  const dir = values.dir;
  const synthesized = join(dir, 'cdk.tf.json');
  if (!existsSync(synthesized))
    throw new Error(`${synthesized} is missing: synthesize the app first`);
  const tf = JSON.parse(readFileSync(synthesized, 'utf8'));
  const region = tf.provider?.aws?.[0]?.region ?? process.env.AWS_REGION ?? 'us-east-1';
  const aws = remote({ endpoint: process.env.CCB_EMULATOR_ENDPOINT, region });
  const { imports, duplicates } = await orphans(tf, stateInstances(dir, terraformEnv()), aws);
  for (const { to, id } of imports) console.log(`adopt ${to} <- ${id}`);
  for (const [address, ids] of duplicates) {
    console.log(
      `warning: ${ids.length} objects have the natural id of ${address}: adopting ${ids[0]}; delete ${ids.slice(1).join(', ')}`,
    );
  }
  const file = join(dir, FILE);
  const dry = values['dry-run'];
  if (imports.length > 0 && !dry) {
    writeFileSync(file, JSON.stringify({ import: imports }, null, 2) + '\n');
    console.log(
      `${imports.length} orphaned resource(s): wrote ${file}; run terraform apply to adopt them`,
    );
  } else {
    if (!dry) rmSync(file, { force: true });
    console.log(`${imports.length} orphaned resource(s)${dry ? ' found' : ''}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  main().catch((err) => {
    console.error(`reconcile: ${err.message}`);
    process.exit(1);
  });
}
