import { Testing } from 'cdktf';
import { readFileSync } from 'fs';
import { join } from 'path';
import { ClaudeCodeBedrockStack, DeployTarget, backendSettingsFor } from '../src';
import { config } from './helpers';

type Block = Record<string, unknown>;
type Tf = {
  terraform: { backend: Record<string, Block> };
  data?: { terraform_remote_state?: Record<string, { backend: string; config: Block }> };
};

const LOCAL: DeployTarget = { kind: 'local', endpoint: 'http://127.0.0.1:5000' };

/** Every stack of prod sharded by team, synthesized as `cdktf synth` does: name -> JSON. */
function synthProd(target: DeployTarget): Map<string, Tf> {
  const c = config('prod', (raw) => {
    raw.allocation = { ...(raw.allocation ?? {}), shardBy: 'team' };
    // Spend caps need the profiles in the environment stack (see the config check).
    raw.budgets.perDeveloper = { ...raw.budgets.perDeveloper, enforce: false };
  });
  const app = Testing.app();
  const platform = new ClaudeCodeBedrockStack(app, c.environment, { config: c, target });
  app.synth();
  const read = (id: string) =>
    JSON.parse(readFileSync(join(app.outdir, 'stacks', id, 'cdk.tf.json'), 'utf8')) as Tf;
  return new Map(
    [platform.node.id, ...platform.shards.map((s) => s.node.id)].map((id) => [id, read(id)]),
  );
}

const EMULATOR_S3 = {
  access_key: 'test',
  secret_key: 'test',
  endpoints: { s3: LOCAL.endpoint, sts: LOCAL.endpoint, iam: LOCAL.endpoint },
  use_path_style: true,
  skip_credentials_validation: true,
  skip_requesting_account_id: true,
  skip_metadata_api_check: true,
  skip_region_validation: true,
};

describe('S3 backend per target', () => {
  // Two whole-app synths shared by the cases (each takes seconds).
  const aws = synthProd({ kind: 'aws' });
  const local = synthProd(LOCAL);

  it('adds nothing for AWS: the credential chain and the real endpoints', () => {
    expect(backendSettingsFor({ kind: 'aws' })).toEqual({});
    const s3 = aws.get('prod')!.terraform.backend.s3;
    for (const key of Object.keys(EMULATOR_S3)) expect(s3).not.toHaveProperty(key);
    expect(s3).toMatchObject({ use_lockfile: true, encrypt: true });
  });

  it('keeps the S3 backend and its native lock for the local target, against the emulator', () => {
    const tf = local.get('prod')!;
    expect(Object.keys(tf.terraform.backend)).toEqual(['s3']);
    expect(tf.terraform.backend.s3).toEqual({
      bucket: 'acme-terraform-state-111122223333',
      key: 'claude-code-bedrock/prod/terraform.tfstate',
      region: 'us-east-1',
      encrypt: true,
      use_lockfile: true,
      ...EMULATOR_S3,
    });
  });

  it("reads the environment stack's state from the emulator in every shard of the local target", () => {
    const shards = [...local.keys()].filter((id) => id !== 'prod');
    expect(shards.length).toBeGreaterThan(1);
    for (const id of shards) {
      const tf = local.get(id)!;
      expect(tf.terraform.backend.s3).toMatchObject({
        key: `claude-code-bedrock/prod/terraform-${id.replace('prod-', '')}.tfstate`,
        use_lockfile: true,
        ...EMULATOR_S3,
      });
      const remote = Object.values(tf.data?.terraform_remote_state ?? {});
      expect(remote).toHaveLength(1);
      expect(remote[0].backend).toBe('s3');
      expect(remote[0].config).toEqual({
        bucket: 'acme-terraform-state-111122223333',
        key: 'claude-code-bedrock/prod/terraform.tfstate',
        region: 'us-east-1',
        encrypt: true,
        ...EMULATOR_S3,
      });
    }
  });

  it('leaves the remote state of AWS shards on the credential chain', () => {
    const remote = Object.values(aws.get('prod-platform')!.data!.terraform_remote_state!);
    expect(remote[0].config).toEqual({
      bucket: 'acme-terraform-state-111122223333',
      key: 'claude-code-bedrock/prod/terraform.tfstate',
      region: 'us-east-1',
      encrypt: true,
    });
  });
});
