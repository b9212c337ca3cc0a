import { Testing } from 'cdktf';
import { readFileSync } from 'fs';
import { join } from 'path';
import { AllocationShardStack, ClaudeCodeBedrockStack } from '../src';
import { config, profileEntries } from './helpers';

type Tf = {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  locals?: Record<string, unknown>;
  output?: Record<string, unknown>;
  terraform?: { backend?: Record<string, { path?: string; key?: string }> };
};

function synthAll(shardBy: 'none' | 'team', env = 'prod') {
  const c = config(env, (raw) => {
    raw.allocation = { ...(raw.allocation ?? {}), shardBy };
    // Spend caps need the profiles in the environment stack (see the config check).
    if (shardBy === 'team')
      raw.budgets.perDeveloper = { ...raw.budgets.perDeveloper, enforce: false };
  });
  const app = Testing.app();
  const platform = new ClaudeCodeBedrockStack(app, c.environment, {
    config: c,
    localStateDir: '/state',
  });
  const shards = platform.shards;
  // A whole-app synth, as `cdktf synth` does: cross-stack references become remote state.
  app.synth();
  const parse = (s: ClaudeCodeBedrockStack | AllocationShardStack) =>
    JSON.parse(readFileSync(join(app.outdir, 'stacks', s.node.id, 'cdk.tf.json'), 'utf8')) as Tf;
  return { c, platform: parse(platform), shards: shards.map(parse) };
}

describe('allocation.shardBy: team', () => {
  const single = synthAll('none');
  const sharded = synthAll('team');

  it('yields exactly the same profiles as the single stack', () => {
    const merged = Object.assign({}, ...sharded.shards.map(profileEntries));
    expect(merged).toEqual(profileEntries(single.platform));
    expect(Object.keys(merged).length).toBeGreaterThan(50);
  });

  it('puts each team in its own stack with its own state', () => {
    expect(sharded.shards).toHaveLength(sharded.c.teams.length);
    sharded.shards.forEach((tf, i) => {
      const team = sharded.c.teams[i].id;
      const teams = new Set(Object.values(profileEntries(tf)).map((e) => e.team));
      expect([...teams]).toEqual([team]);
      expect(tf.terraform?.backend?.s3?.key).toBe(
        `claude-code-bedrock/prod/terraform-${team}.tfstate`,
      );
    });
    expect(sharded.platform.terraform?.backend?.s3?.key).toBe(
      'claude-code-bedrock/prod/terraform.tfstate',
    );
  });

  it('keeps no profiles in the environment stack and moves the per-developer outputs to the shards', () => {
    expect(sharded.platform.resource?.aws_bedrock_inference_profile).toBeUndefined();
    expect(sharded.platform.output?.inference_profile_arns).toBeUndefined();
    for (const tf of sharded.shards) {
      for (const name of [
        'inference_profile_arns',
        'inference_profiles',
        'developer_env_config',
        'claude_settings',
      ]) {
        expect(tf.output?.[name]).toBeDefined();
      }
    }
  });

  it('writes each team part of the profile mapping into the shared results bucket', () => {
    for (const [i, tf] of sharded.shards.entries()) {
      const objects = Object.values(tf.resource?.aws_s3_object ?? {});
      expect(objects.map((o) => o.key)).toEqual([
        `reference/profiles/profiles-${sharded.c.teams[i].id}-0001.csv`,
      ]);
    }
  });

  /** developer id -> budget name of every per-developer (for_each) budget in a configuration. */
  const developerBudgets = (tf: Tf) => {
    const out: Record<string, string> = {};
    for (const r of Object.values(tf.resource?.aws_budgets_budget ?? {})) {
      if (!r.for_each) continue;
      const local = /^\$\{local\.([\w-]+)\}$/.exec(String(r.for_each))![1];
      for (const [id, e] of Object.entries(tf.locals![local] as Record<string, { name: string }>))
        out[id] = e.name;
    }
    return out;
  };

  it('moves the per-developer budgets to the team stacks, the same set as the single stack', () => {
    const single_ = developerBudgets(single.platform);
    expect(Object.keys(single_)).toHaveLength(sharded.c.developers.length);
    expect(developerBudgets(sharded.platform)).toEqual({});
    const merged = Object.assign({}, ...sharded.shards.map(developerBudgets));
    expect(merged).toEqual(single_);
    sharded.shards.forEach((tf, i) => {
      const team = sharded.c.teams[i].id;
      const ids = sharded.c.developers.filter((d) => d.team === team).map((d) => d.id);
      expect(Object.keys(developerBudgets(tf)).sort()).toEqual([...ids].sort());
      // The merged budget_names output lists every budget once.
      expect((tf.output?.budget_names as { value: string[] }).value).toEqual(
        [...ids].sort().map((id) => single_[id]),
      );
    });
  });

  it('notifies the environment stack alert topic from the team stacks through remote state', () => {
    for (const tf of sharded.shards) {
      const budgets = Object.values(tf.resource?.aws_budgets_budget ?? {});
      expect(budgets.length).toBeGreaterThan(0);
      for (const b of budgets) {
        const topics = (b.notification as { subscriber_sns_topic_arns: string[] }[]).flatMap(
          (n) => n.subscriber_sns_topic_arns,
        );
        expect(topics.length).toBeGreaterThan(0);
        for (const t of topics) expect(t).toMatch(/^\$\{data\.terraform_remote_state\./);
        expect(b.depends_on).toBeUndefined();
      }
    }
  });

  it('uses local state files per shard by default', () => {
    const dev = synthAll('team', 'dev');
    expect(dev.shards.map((tf) => tf.terraform?.backend?.local?.path)).toEqual(
      dev.c.teams.map((t) => `/state/terraform.dev-${t.id}.tfstate`),
    );
  });
});
