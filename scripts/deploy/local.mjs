// What the local target needs in the emulator before Terraform runs, as an account would have it
// before a first deploy on AWS: the S3 backend's state bucket (versioning on, as the Terraform S3
// backend documentation recommends) and the pre-existing network the config names (its VPC and
// subnets, with exactly the configured ids). Also: whether a local deployment's state files still
// describe the emulator that runs now, and which emulator a command uses.
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { emulatorAws } from '../lib.mjs';
import { DeployError } from './record.mjs';

/** Creates each S3 backend's bucket in the emulator when missing, with versioning enabled. */
export function ensureStateBuckets(endpoint, backends) {
  const buckets = new Map();
  for (const b of backends) if (b.kind === 's3') buckets.set(b.bucket, b.region ?? 'us-east-1');
  for (const [bucket, region] of buckets) {
    const aws = (args, opts) => emulatorAws(endpoint, args, { region, ...opts });
    if (aws(['s3api', 'head-bucket', '--bucket', bucket], { allowFailure: true })) continue;
    try {
      aws([
        's3api',
        'create-bucket',
        '--bucket',
        bucket,
        ...(region === 'us-east-1'
          ? []
          : ['--create-bucket-configuration', `LocationConstraint=${region}`]),
      ]);
      aws([
        's3api',
        'put-bucket-versioning',
        '--bucket',
        bucket,
        '--versioning-configuration',
        'Status=Enabled',
      ]);
    } catch (err) {
      throw new DeployError(`creating the state bucket ${bucket} in the emulator: ${err.message}`);
    }
  }
  return [...buckets.keys()];
}

/**
 * Seeds the emulator with the config's existing network (`network.vpcId`, `network.subnetIds`)
 * through `POST /_emulator/ec2/network`; returns its answer, or undefined without a network.
 */
export async function seedNetwork(endpoint, config) {
  const network = config.network;
  if (!network) return undefined;
  const res = await fetch(`${endpoint}/_emulator/ec2/network`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      vpcId: network.vpcId,
      subnetIds: network.subnetIds,
      region: config.region,
    }),
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) {
    throw new DeployError(
      `seeding the network ${network.vpcId} in the emulator: ${body.message ?? res.status}`,
    );
  }
  return body;
}

const MARKER = 'emulator.json';
const STATE_FILE = /^terraform\..*\.tfstate(\.backup|\.deployed\.json)?$/;

/**
 * Local state files of a deployment (`workDir`) describe the resources of one emulator: when
 * `emulator` (`{ endpoint, pid? }`) is another one (or `fresh`), they are removed, as
 * the resources they list are gone. Then the marker records the current emulator. Returns true
 * when states were removed.
 */
export function adoptEmulator(workDir, emulator, { fresh = false } = {}) {
  const path = join(workDir, MARKER);
  const identity = JSON.stringify({ endpoint: emulator.endpoint, pid: emulator.pid ?? null });
  const previous = existsSync(path) ? readFileSync(path, 'utf8').trim() : undefined;
  let removed = false;
  if (fresh || previous !== identity) {
    for (const file of existsSync(workDir) ? readdirSync(workDir) : []) {
      if (STATE_FILE.test(file)) {
        rmSync(join(workDir, file), { force: true });
        removed = true;
      }
    }
  }
  writeFileSync(path, `${identity}\n`);
  return removed;
}

/**
 * The emulator a local deploy uses: the one CCB_EMULATOR_ENDPOINT names (as under `npm run
 * emulator -- run -- <command>`; left running), else the background one (`background`: started if
 * none runs, left running, as `npm start -- --keep` does), else a private one this process starts
 * (`stop()` stops it; its state starts empty: `fresh`). Resolves `{ endpoint, pid, fresh, started,
 * stop }`.
 */
export async function useEmulator({ background }) {
  const given = process.env.CCB_EMULATOR_ENDPOINT;
  const keep = async () => {};
  if (given) {
    return {
      endpoint: given.replace(/\/$/, ''),
      pid: null,
      fresh: false,
      started: false,
      stop: keep,
    };
  }
  const { startEmulator, backgroundStatus } = await import('../emulator.mjs');
  if (background) {
    const running = await backgroundStatus();
    const state = running ?? (await startEmulator({ background: true, reuse: true }));
    return {
      endpoint: state.endpoint,
      pid: state.pid,
      fresh: false,
      started: !running,
      stop: keep,
    };
  }
  const emulator = await startEmulator();
  return {
    endpoint: emulator.endpoint,
    pid: emulator.pid,
    fresh: true,
    started: true,
    stop: emulator.stop,
  };
}
