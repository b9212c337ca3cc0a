// The command line of `npm run deploy`: parsed in one pass that reports every problem at once.

export const USAGE =
  'usage: npm run deploy -- --env <env> [--local] [--changed] [--stack <name>]... [--plan] [--list] [--json] [--parallel N] [--terraform-parallelism N] [--out <dir>]';

const FLAGS = new Set(['local', 'changed', 'plan', 'list', 'json', 'help']);
const VALUES = new Set(['env', 'stack', 'parallel', 'terraform-parallelism', 'out']);

/**
 * `{ options, problems }` for `argv`: options `{ env, local, changed, stacks, plan, list, json,
 * parallel, terraformParallelism, out, help }` (terraformParallelism undefined: the default split,
 * see scripts/deploy/run.mjs); `problems`: one line each (unknown options, missing or repeated
 * values, a bad --parallel or --terraform-parallelism, an env without an app when `apps` lists the
 * apps).
 */
export function parseDeployArgs(argv, { apps } = {}) {
  const options = {
    env: undefined,
    local: false,
    changed: false,
    stacks: [],
    plan: false,
    list: false,
    json: false,
    parallel: 4,
    terraformParallelism: undefined,
    out: undefined,
    help: false,
  };
  const problems = [];
  const seen = new Set();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const match = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    if (!match) {
      problems.push(`unexpected argument ${JSON.stringify(arg)}`);
      continue;
    }
    const [, name, inline] = match;
    if (FLAGS.has(name)) {
      if (inline !== undefined) problems.push(`--${name} takes no value`);
      else options[name] = true;
      continue;
    }
    if (!VALUES.has(name)) {
      problems.push(`unknown option --${name}`);
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) {
        problems.push(`--${name} needs a value`);
        continue;
      }
      value = next;
      i += 1;
    }
    if (name === 'stack') {
      if (value === '') problems.push('--stack needs a stack name');
      else if (!options.stacks.includes(value)) options.stacks.push(value);
      continue;
    }
    if (seen.has(name)) problems.push(`--${name} given more than once`);
    seen.add(name);
    if (name === 'parallel') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1 || n > 64) {
        problems.push(`--parallel must be an integer from 1 to 64 (got ${JSON.stringify(value)})`);
      } else options.parallel = n;
    } else if (name === 'terraform-parallelism') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1 || n > 1000) {
        problems.push(
          `--terraform-parallelism must be an integer from 1 to 1000 (got ${JSON.stringify(value)})`,
        );
      } else options.terraformParallelism = n;
    } else {
      options[name] = value;
    }
  }
  if (!options.help) {
    if (options.env === undefined) problems.push('--env is required');
    else if (apps && !apps.includes(options.env)) {
      problems.push(`--env ${options.env}: no app apps/${options.env} (apps: ${apps.join(', ')})`);
    }
  }
  return { options, problems };
}
