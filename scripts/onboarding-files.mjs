// The onboarding files of an environment, as data: shared by `npm run onboarding` (writes them for
// every developer) and `npm run claude` (uses one developer's files as that developer's home).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT, environmentOutputs } from './lib.mjs';

const require = createRequire(import.meta.url);

/** The built core and stack packages (`npm run build` first). */
export function packages() {
  return {
    core: require(join(ROOT, 'packages/core/dist/index.js')),
    stack: require(join(ROOT, 'packages/stack/dist/index.js')),
  };
}

/** Where an environment's local deployment (`npm start`) keeps its synthesized stacks. */
export function localDeploymentDir(env) {
  return join(ROOT, 'out', 'local', env);
}

function appliedOutputsIn(outdir) {
  if (!existsSync(join(outdir, 'manifest.json'))) return undefined;
  const { outputs, missing } = environmentOutputs(outdir);
  if (Object.keys(outputs).length === 0) return undefined;
  return { outputs, missing };
}

/**
 * The applied outputs of an environment and where they came from: a `terraform output -json`
 * file, the deployment of `apps/<env>` (AWS), or the local deployment left by `npm start`
 * (`out/local/<env>`, or `localDir`). Without `local`, AWS wins when both exist.
 */
export function deployedOutputs(
  env,
  { outputsFile, local = false, localDir = localDeploymentDir(env) } = {},
) {
  if (outputsFile) {
    return {
      outputs: JSON.parse(readFileSync(outputsFile, 'utf8')),
      source: outputsFile,
      missing: [],
    };
  }
  const candidates = [
    ...(local ? [] : [['apps/' + env, join(ROOT, 'apps', env, 'cdktf.out')]]),
    [`the local deployment (${localDir})`, join(localDir, 'cdktf.out')],
  ];
  for (const [source, outdir] of candidates) {
    const found = appliedOutputsIn(outdir);
    if (found) return { ...found, source };
  }
  return { outputs: undefined, source: undefined, missing: [] };
}

/**
 * Every onboarding file for `config` and the applied `outputs` (or placeholders before a deploy):
 * `{ files: [{ path, content, developer? }], pending }`. Paths are relative to the output folder.
 */
export function onboardingFiles(config, outputs) {
  const { core, stack } = packages();
  const profiles = outputs?.inference_profiles?.value ?? {};
  const roleArn =
    outputs?.developer_role_arn?.value ?? `PENDING-DEPLOY:${config.project}-developer`;
  const files = [];
  let pending = 0;
  for (const dev of core.resolveDevelopers(config)) {
    const arns = Object.fromEntries(
      dev.tiers.map((tier) => {
        const arn = profiles[dev.id]?.[tier];
        if (!arn) pending++;
        return [tier, arn ?? `PENDING-DEPLOY:${dev.profileNames[tier]}`];
      }),
    );
    const settings = stack.developerSettings(config, dev, arns, roleArn);
    for (const banned of stack.FORBIDDEN_SETTINGS_ENV) {
      if (banned in settings.env) throw new Error(`refusing to write ${banned}`);
    }
    const dir = join('developers', dev.slug);
    files.push(
      {
        path: join(dir, 'settings.json'),
        content: JSON.stringify(settings, null, 2) + '\n',
        developer: dev,
      },
      {
        path: join(dir, 'aws-config'),
        content: stack.awsCliProfile(config, dev, roleArn),
        developer: dev,
      },
    );
  }
  files.push({
    path: 'managed-settings.json',
    content: JSON.stringify(stack.managedSettings(config), null, 2) + '\n',
  });
  return { files, pending };
}
