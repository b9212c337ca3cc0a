/*
 * Runs the real Terraform CLI from tests, always with the project's CLI configuration
 * (scripts/terraformrc: hashicorp/* from the machine's filesystem mirror, no registry), so no
 * test writes its own copy of that configuration or changes `process.env`.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
// The scripts' Terraform environment, one definition for both (same path from src/ and dist/).
import * as shared from '../../../scripts/terraform-env.cjs';

/**
 * The Terraform CLI configuration every run uses: the repository's `scripts/terraformrc` (the one
 * the scripts use too), or the file `CCB_TF_CLI_CONFIG` names, as for the scripts.
 */
export const TERRAFORM_CLI_CONFIG = shared.terraformCliConfig();

/**
 * The environment of every run, as the scripts' (scripts/terraform-env.cjs): the CLI
 * configuration, provider SDK logs off unless a TF_LOG* is set, no prompts or checkpoint calls.
 */
export function terraformEnv(): NodeJS.ProcessEnv {
  return shared.terraformEnv();
}

/**
 * Runs `terraform <args>` in `dir` and returns its standard output. Throws when it exits non-zero,
 * with the command, the directory and everything it printed.
 */
export function terraform(dir: string, ...args: string[]): string {
  const run = spawnSync('terraform', [...args], {
    cwd: dir,
    env: terraformEnv(),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (run.error) throw run.error;
  if (run.status !== 0) {
    throw new Error(
      `terraform ${args.join(' ')} failed (exit ${run.status}) in ${dir}\n${run.stdout}${run.stderr}`,
    );
  }
  return run.stdout;
}

/** `terraform init` in `dir`: providers from the filesystem mirror. */
export function terraformInit(dir: string): void {
  terraform(dir, 'init', '-input=false', '-no-color');
}

/**
 * Synthesizes a stack with `Testing.fullSynth` (into a fresh directory under the system's temporary
 * directory) and returns the stack's Terraform working directory, as the manifest names it. The
 * caller removes `outdir` when done.
 */
export function synthesizeToDirectory(stack: TerraformStack): { outdir: string; dir: string } {
  const outdir = Testing.fullSynth(stack);
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
    stacks: Record<string, { workingDirectory: string }>;
  };
  const entry = manifest.stacks[stack.node.id];
  if (!entry) throw new Error(`stack ${stack.node.id} is not in ${outdir}/manifest.json`);
  return { outdir, dir: join(outdir, entry.workingDirectory) };
}

/** One diagnostic of `terraform validate -json`. */
export interface TerraformDiagnostic {
  readonly severity: 'error' | 'warning';
  readonly summary: string;
  readonly detail?: string;
  readonly address?: string;
  readonly range?: { readonly filename: string; readonly start: { readonly line: number } };
}

/** What `terraform validate -json` reports. */
export interface TerraformValidation {
  readonly valid: boolean;
  readonly error_count: number;
  readonly warning_count: number;
  readonly diagnostics: readonly TerraformDiagnostic[];
}

function describe(d: TerraformDiagnostic): string {
  const where = d.range ? ` (${d.range.filename}:${d.range.start.line})` : '';
  const address = d.address ? `${d.address}: ` : '';
  return `${address}${d.summary}${d.detail ? `: ${d.detail}` : ''}${where}`;
}

/** A stack (synthesized with `Testing.fullSynth`) or a directory of `.tf`/`.tf.json` files. */
export type TerraformTarget = TerraformStack | string;

/** Runs `fn` in the target's directory; a stack is synthesized for it and removed afterwards. */
function inDirectory<T>(target: TerraformTarget, fn: (dir: string) => T): T {
  if (typeof target === 'string') return fn(target);
  const { outdir, dir } = synthesizeToDirectory(target);
  try {
    return fn(dir);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * `terraform init` and `terraform validate` of a stack or a directory. Returns the report when the
 * configuration is valid (warnings included); throws when it is not, with every error's summary,
 * detail and location in the message.
 */
export function terraformValidate(target: TerraformTarget): TerraformValidation {
  return inDirectory(target, validate);
}

function validate(dir: string): TerraformValidation {
  terraformInit(dir);
  // `validate -json` exits 1 on an invalid configuration but still prints its report.
  const run = spawnSync('terraform', ['validate', '-json', '-no-color'], {
    cwd: dir,
    env: terraformEnv(),
    encoding: 'utf8',
  });
  if (run.error) throw run.error;
  let report: TerraformValidation;
  try {
    report = JSON.parse(run.stdout) as TerraformValidation;
  } catch {
    throw new Error(`terraform validate printed no report in ${dir}\n${run.stdout}${run.stderr}`);
  }
  if (!report.valid) {
    const errors = report.diagnostics.filter((d) => d.severity === 'error').map(describe);
    throw new Error(
      `terraform validate: ${report.error_count} error(s) in ${dir}\n${errors.join('\n')}`,
    );
  }
  return report;
}

/** One resource instance of a saved plan (`terraform show -json`). */
export interface PlannedResourceChange<After = Record<string, unknown>> {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  /** The for_each key or count index; absent for a single instance. */
  readonly index?: string | number;
  readonly change: { readonly actions: readonly string[]; readonly after: After };
}

/** The parts of a saved plan (`terraform show -json`) the tests read. */
export interface TerraformPlan<After = Record<string, unknown>> {
  readonly resource_changes: readonly PlannedResourceChange<After>[];
}

/**
 * The AWS provider of a stack to {@link terraformPlan}: static dummy credentials and every start-up
 * check skipped, so planning creations makes no AWS call.
 */
export function planningProvider(stack: TerraformStack, region = 'us-east-1'): AwsProvider {
  return new AwsProvider(stack, 'aws', {
    region,
    accessKey: 'planning-only',
    secretKey: 'planning-only',
    skipCredentialsValidation: true,
    skipRequestingAccountId: true,
    skipMetadataApiCheck: 'true',
  });
}

/**
 * `terraform init`, `plan -refresh=false` and `show -json` of a stack or directory: the planned
 * changes, as Terraform evaluates them. Planning creations makes no AWS call when the stack's
 * provider has static dummy credentials and skips its checks.
 */
export function terraformPlan<After = Record<string, unknown>>(
  target: TerraformTarget,
): TerraformPlan<After> {
  return inDirectory(target, (dir) => {
    terraformInit(dir);
    terraform(
      dir,
      'plan',
      '-input=false',
      '-no-color',
      '-refresh=false',
      '-lock=false',
      '-out=tfplan',
    );
    const plan = JSON.parse(terraform(dir, 'show', '-json', 'tfplan')) as Partial<
      TerraformPlan<After>
    >;
    // `show -json` leaves resource_changes out when nothing changes.
    return { ...plan, resource_changes: plan.resource_changes ?? [] };
  });
}

/**
 * Applies a configuration without providers (locals and outputs: a `main.tf.json` body) in a
 * temporary directory and returns each output's value, as Terraform evaluates the expressions.
 * Throws, with Terraform's error, when an expression does not evaluate.
 */
export function terraformOutputs(config: Record<string, unknown>): Record<string, unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'ccb-terraform-outputs-'));
  try {
    writeFileSync(join(dir, 'main.tf.json'), JSON.stringify(config));
    terraformInit(dir);
    terraform(dir, 'apply', '-auto-approve', '-input=false', '-no-color', '-lock=false');
    const out = JSON.parse(terraform(dir, 'output', '-json')) as Record<string, { value: unknown }>;
    return Object.fromEntries(Object.entries(out).map(([name, o]) => [name, o.value]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
