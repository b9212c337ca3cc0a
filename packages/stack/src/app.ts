import { ConfigError, loadConfigFile } from '@claude-code-bedrock/core';
import { App } from 'cdktf';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'fs';
import { dirname, join } from 'path';
import { ClaudeCodeBedrockStack } from './stack';
import { parseTarget } from './target';

export interface EnvironmentAppOptions {
  /** YAML config file to load. */
  readonly configPath: string;
  /** `CCB_TARGET`: 'aws' (default) or 'local'. */
  readonly target?: string;
  /** `CCB_EMULATOR_ENDPOINT`, for the local target. */
  readonly emulatorEndpoint?: string;
  /** Where Terraform JSON is written. */
  readonly outdir: string;
  /** Directory of the local Terraform state file. @default - the working directory */
  readonly stateDir?: string;
  /** Print stack traces of unexpected errors (`CCB_DEBUG`). @default false */
  readonly debug?: boolean;
  /** Where messages go. @default - process.stderr */
  readonly log?: (line: string) => void;
}

/**
 * Runs one environment app: loads and validates the config, builds the stack and synthesizes it.
 * Returns the process exit code. Synthesis happens in a scratch directory that replaces `outdir`
 * only on success, so a bad config or a failed validation leaves an existing `cdktf.out`
 * untouched. Errors are reported as messages, never as stack traces.
 */
export function runEnvironmentApp(options: EnvironmentAppOptions): number {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const scratch = `${options.outdir}.partial-${process.pid}`;
  try {
    const target = parseTarget(options.target, options.emulatorEndpoint);
    const config = loadConfigFile(options.configPath);
    rmSync(scratch, { recursive: true, force: true });
    mkdirSync(dirname(options.outdir), { recursive: true });
    withoutStackCapture(!options.debug, () => {
      const app = new App({ outdir: scratch, skipValidation: false, stackTraces: false });
      // A sharded environment adds its team stacks beside this one.
      new ClaudeCodeBedrockStack(app, config.environment, {
        config,
        target,
        localStateDir: options.stateDir,
      });
      app.synth();
    });
    keepTerraformWorkingFiles(options.outdir, scratch);
    if (existsSync(options.outdir)) rmSync(options.outdir, { recursive: true, force: true });
    renameSync(scratch, options.outdir);
    return 0;
  } catch (err) {
    rmSync(scratch, { recursive: true, force: true });
    if (err instanceof ConfigError) {
      log(err.message);
    } else {
      log(`error: ${(err as Error).message ?? String(err)}`);
      if (options.debug) log((err as Error).stack ?? '');
    }
    log('nothing was synthesized; any existing output is unchanged.');
    return 1;
  }
}

/**
 * cdktf records a full stack trace (with no depth limit) for every token and reference it creates,
 * including each `each.value` reference every time a `for_each` resource is resolved; the traces
 * only explain resolution failures. With thousands of developers that costs about a second of
 * synth, so unless debugging, explicit stack captures are skipped and traces render as empty
 * strings while the stack is built. Errors still carry the stack of where they were created.
 */
function withoutStackCapture(enabled: boolean, fn: () => void): void {
  if (!enabled) return fn();
  const previous = Error.prepareStackTrace;
  const capture = Error.captureStackTrace;
  Error.prepareStackTrace = () => '';
  Error.captureStackTrace = () => undefined;
  try {
    fn();
  } finally {
    Error.prepareStackTrace = previous;
    Error.captureStackTrace = capture;
  }
}

/** Files `terraform init` leaves in a stack directory; they survive a re-synth. */
const TERRAFORM_WORKING_FILES = ['.terraform', '.terraform.lock.hcl'];

/**
 * Moves each stack's Terraform working files (providers, backend settings, lock file) from the
 * previous output into the new one, so a re-synth does not force a new `terraform init`.
 */
function keepTerraformWorkingFiles(previous: string, next: string): void {
  const stacks = join(previous, 'stacks');
  if (!existsSync(stacks)) return;
  for (const stack of readdirSync(stacks)) {
    if (!existsSync(join(next, 'stacks', stack))) continue;
    for (const file of TERRAFORM_WORKING_FILES) {
      const from = join(stacks, stack, file);
      if (existsSync(from)) renameSync(from, join(next, 'stacks', stack, file));
    }
  }
}
