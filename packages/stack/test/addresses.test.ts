import { App, TerraformStack, Testing } from 'cdktf';
import { ClaudeCodeBedrockStack } from '../src';
import { config, synth } from './helpers';

/**
 * Construct ids are a contract: a Terraform address is derived from the construct path, so
 * renaming a construct (say 'logging') replaces every resource under it, log buckets included.
 * These snapshots pin every address the dev and prod apps create. When one changes on purpose,
 * add a `moved` block (or keep the id) so existing deployments are not replaced, then update the
 * snapshot with `npx jest -u test/addresses.test.ts`.
 */
function addresses(env: string): string[] {
  const { tf } = synth(config(env));
  const blocks = (kind: string, of?: Record<string, Record<string, unknown>>) =>
    Object.entries(of ?? {}).flatMap(([type, byName]) =>
      Object.keys(byName).map((name) => `${kind}${type}.${name}`),
    );
  return [
    ...blocks('', tf.resource),
    ...blocks('data.', tf.data),
    ...Object.keys(tf.output).map((name) => `output.${name}`),
  ].sort();
}

describe.each(['dev', 'prod'])('the %s app’s Terraform addresses', (env) => {
  it('are pinned', () => {
    const list = addresses(env);
    expect(list.length).toBeGreaterThan(40);
    expect(list).toMatchSnapshot();
  });
});

describe('a sharded environment', () => {
  const sharded = config('prod', (raw) => {
    raw.allocation = { ...(raw.allocation ?? {}), shardBy: 'team' };
    // Spend caps need the profiles in the environment stack (see the config check).
    raw.budgets.perDeveloper = { ...raw.budgets.perDeveloper, enforce: false };
  });

  it('adds one team stack per team beside itself', () => {
    const app = Testing.app();
    const stack = new ClaudeCodeBedrockStack(app, 'prod', { config: sharded, localStateDir: '/s' });
    expect(stack.shards.map((s) => s.node.id)).toEqual(sharded.teams.map((t) => `prod-${t.id}`));
    expect(stack.profiles).toBeUndefined();
    expect(app.node.children.filter((c) => c instanceof TerraformStack)).toHaveLength(
      1 + sharded.teams.length,
    );
  });

  it('fails loudly, with the fix, when it cannot add the team stacks', () => {
    const app = Testing.app();
    const parent = new TerraformStack(app as App, 'parent');
    expect(() => new ClaudeCodeBedrockStack(parent, 'prod', { config: sharded })).toThrow(
      /allocation is sharded by team.*must be created directly in the cdktf App.*allocation: 'inline'/,
    );
  });

  it('refuses spend caps it cannot build, with the fix', () => {
    const enforced = config('prod', (raw) => {
      raw.budgets.perDeveloper = { ...raw.budgets.perDeveloper, enforce: true };
    });
    const app = Testing.app();
    expect(
      () =>
        new ClaudeCodeBedrockStack(app, 'prod', {
          config: enforced,
          allocation: 'sharded',
          localStateDir: '/s',
        }),
    ).toThrow(/enforce needs the developers' profiles in this stack.*allocation: 'inline'/);
  });

  it('pins the team stacks’ addresses too', () => {
    const app = Testing.app();
    const stack = new ClaudeCodeBedrockStack(app, 'prod', { config: sharded, localStateDir: '/s' });
    const byStack = Object.fromEntries(
      stack.shards.map((shard) => {
        const tf = JSON.parse(Testing.synth(shard)) as {
          resource?: Record<string, Record<string, unknown>>;
          output?: Record<string, unknown>;
        };
        const list = [
          ...Object.entries(tf.resource ?? {}).flatMap(([type, byName]) =>
            Object.keys(byName).map((name) => `${type}.${name}`),
          ),
          ...Object.keys(tf.output ?? {}).map((name) => `output.${name}`),
        ].sort();
        return [shard.node.id, list];
      }),
    );
    expect(Object.keys(byStack)).toHaveLength(sharded.teams.length);
    expect(byStack).toMatchSnapshot();
  });

  it('keeps everything in one stack when asked to', () => {
    const app = Testing.app();
    const stack = new ClaudeCodeBedrockStack(app, 'prod', {
      config: sharded,
      allocation: 'inline',
      localStateDir: '/s',
    });
    expect(stack.shards).toEqual([]);
    expect(stack.profiles).toBeDefined();
  });
});
