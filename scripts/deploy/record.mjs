// What `npm run deploy` records with each stack's state, and how it reads it back.
//
// A stack's content hash is the SHA-256 of its synthesized cdk.tf.json, followed by
// reconcile-imports.tf.json when `npm run reconcile` left one. After a successful apply the hash
// is written next to the state as `<state>.deployed.json` (the sidecar), with the state's lineage
// and serial at that moment. A stack is unchanged when the sidecar's hash equals the new one and
// the state is still the one that apply left (same lineage and serial): any other writer of the
// state (`cdktf deploy <stack>`, a hand-run `terraform apply`, a failed apply) moves its serial.
//
// Where the state lives comes from the stack's own backend block: local (`path`, beside which
// the sidecar is a file) or S3 (`bucket`/`key`, the sidecar is the object `<key>.deployed.json`,
// read and written with the aws CLI, against `endpoints.s3` when the backend names one).
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, posix, resolve } from 'node:path';
import { awsCommand } from '../lib.mjs';

export const SCHEMA_VERSION = 1;
/** The files whose bytes make a stack's content hash, in order (missing ones are skipped). */
export const HASHED_FILES = ['cdk.tf.json', 'reconcile-imports.tf.json'];
const SIDECAR_SUFFIX = '.deployed.json';

/** A deploy failure that is not a usage problem: one line for the user. */
export class DeployError extends Error {}

/** SHA-256 (hex) of the stack's cdk.tf.json, then its reconcile-imports.tf.json if present. */
export function stackHash(stackDir) {
  const hash = createHash('sha256');
  for (const file of HASHED_FILES) {
    const path = join(stackDir, file);
    if (existsSync(path)) hash.update(readFileSync(path));
  }
  return hash.digest('hex');
}

/**
 * Where a stack's state lives, from its cdk.tf.json: `{ kind: 'local', path }` (absolute) or
 * `{ kind: 's3', bucket, key, region, endpoint, encrypt, kmsKeyId }`.
 */
export function stackBackend(stackDir) {
  const tf = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8'));
  const backends = tf.terraform?.backend ?? {};
  const [kind] = Object.keys(backends);
  const settings = backends[kind] ?? {};
  if (kind === undefined || kind === 'local') {
    const path = settings.path ?? 'terraform.tfstate';
    return { kind: 'local', path: isAbsolute(path) ? path : resolve(stackDir, path) };
  }
  if (kind === 's3') {
    return {
      kind: 's3',
      bucket: settings.bucket,
      key: settings.key,
      region: settings.region,
      endpoint: settings.endpoints?.s3 ?? settings.endpoint,
      encrypt: settings.encrypt === true,
      kmsKeyId: settings.kms_key_id,
    };
  }
  throw new DeployError(
    `${stackDir}: the ${kind} backend is not supported by npm run deploy (local and s3 are)`,
  );
}

/** `{ lineage, serial }` of a parsed Terraform state, or undefined when it is not one. */
function stateVersion(state) {
  if (!state || typeof state.lineage !== 'string' || !Number.isInteger(state.serial)) {
    return undefined;
  }
  return { lineage: state.lineage, serial: state.serial };
}

/** A parsed sidecar, or undefined when it is missing or not one this version wrote. */
export function parseSidecar(text) {
  try {
    const record = JSON.parse(text);
    return record?.schemaVersion === SCHEMA_VERSION && typeof record.configSha256 === 'string'
      ? record
      : undefined;
  } catch {
    return undefined;
  }
}

/** The sidecar of a stack applied with `configSha256` onto the state `version`. */
export function sidecarFor(stack, configSha256, version, appliedAt = new Date()) {
  return {
    schemaVersion: SCHEMA_VERSION,
    stack,
    configSha256,
    stateLineage: version.lineage,
    stateSerial: version.serial,
    appliedAt: appliedAt.toISOString(),
  };
}

const readText = (path) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined);
const parseJson = (text) => {
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** `aws ...` against an S3 backend's endpoint and region; throws a one-line DeployError. */
function s3Cli(backend, args) {
  const res = awsCommand(args, { endpoint: backend.endpoint, region: backend.region });
  if (res.status !== 0) {
    const last = res.stderr.trim().split('\n').pop();
    throw new DeployError(`aws ${args.slice(0, 2).join(' ')} s3://${backend.bucket}: ${last}`);
  }
  return res;
}

/**
 * The current state version and the sidecar of each stack: `Map<name, { state, record }>` for
 * `stacks` = `[{ name, backend }]`. Local states are read from disk; S3 ones with one
 * `aws s3 cp --recursive` per bucket, fetching only the states and sidecars asked for.
 */
export function readRecords(stacks) {
  const out = new Map();
  const groups = new Map();
  for (const { name, backend } of stacks) {
    if (backend.kind === 'local') {
      out.set(name, {
        state: stateVersion(parseJson(readText(backend.path))),
        record: parseSidecar(readText(backend.path + SIDECAR_SUFFIX) ?? ''),
      });
    } else {
      const id = JSON.stringify([backend.bucket, backend.endpoint, backend.region]);
      if (!groups.has(id)) groups.set(id, []);
      groups.get(id).push({ name, backend });
    }
  }
  for (const group of groups.values()) {
    for (const [name, found] of readS3Group(group)) out.set(name, found);
  }
  return out;
}

function readS3Group(group) {
  const { backend } = group[0];
  // The longest common directory of the keys: one listing, only the wanted objects fetched.
  const dirs = group.map((s) => posix.dirname(s.backend.key));
  let prefix = dirs[0] === '.' ? '' : `${dirs[0]}/`;
  while (prefix && !group.every((s) => s.backend.key.startsWith(prefix))) {
    prefix = prefix.slice(0, prefix.slice(0, -1).lastIndexOf('/') + 1);
  }
  const tmp = mkdtempSync(join(tmpdir(), 'ccb-deploy-'));
  const nothing = () => group.map(({ name }) => [name, { state: undefined, record: undefined }]);
  try {
    const includes = group.flatMap(({ backend: b }) => {
      const rel = b.key.slice(prefix.length);
      return ['--include', rel, '--include', rel + SIDECAR_SUFFIX];
    });
    const copied = awsCommand(
      [
        's3',
        'cp',
        `s3://${backend.bucket}/${prefix}`,
        tmp,
        '--recursive',
        '--only-show-errors',
        '--exclude',
        '*',
        ...includes,
      ],
      { endpoint: backend.endpoint, region: backend.region },
    );
    // No bucket yet: nothing was ever applied there (terraform init reports it if it stays so).
    if (copied.status !== 0 && /NoSuchBucket/.test(copied.stderr)) return nothing();
    if (copied.status !== 0) {
      const last = copied.stderr.trim().split('\n').pop();
      throw new DeployError(`aws s3 cp s3://${backend.bucket}/${prefix}: ${last}`);
    }
    return group.map(({ name, backend: b }) => {
      const local = join(tmp, ...b.key.slice(prefix.length).split('/'));
      return [
        name,
        {
          state: stateVersion(parseJson(readText(local))),
          record: parseSidecar(readText(local + SIDECAR_SUFFIX) ?? ''),
        },
      ];
    });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Writes a stack's sidecar next to its state (a file, or an object in the backend bucket). */
export function writeSidecar(backend, record) {
  const text = `${JSON.stringify(record, null, 2)}\n`;
  if (backend.kind === 'local') {
    writeFileSync(backend.path + SIDECAR_SUFFIX, text);
    return backend.path + SIDECAR_SUFFIX;
  }
  const tmp = mkdtempSync(join(tmpdir(), 'ccb-deploy-'));
  try {
    const body = join(tmp, 'deployed.json');
    writeFileSync(body, text);
    const encryption = !backend.encrypt
      ? []
      : backend.kmsKeyId
        ? ['--server-side-encryption', 'aws:kms', '--ssekms-key-id', backend.kmsKeyId]
        : ['--server-side-encryption', 'AES256'];
    s3Cli(backend, [
      's3api',
      'put-object',
      '--bucket',
      backend.bucket,
      '--key',
      backend.key + SIDECAR_SUFFIX,
      '--body',
      body,
      '--content-type',
      'application/json',
      ...encryption,
    ]);
    return `s3://${backend.bucket}/${backend.key}${SIDECAR_SUFFIX}`;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Where a stack's sidecar is (for messages and docs). */
export function sidecarLocation(backend) {
  return backend.kind === 'local'
    ? backend.path + SIDECAR_SUFFIX
    : `s3://${backend.bucket}/${backend.key}${SIDECAR_SUFFIX}`;
}
