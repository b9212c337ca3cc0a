import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { EnvironmentConfig, commonTags } from '@claude-code-bedrock/core';
import { LocalBackend, S3Backend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { join } from 'path';
import { DeployTarget, backendSettingsFor, providerSettingsFor } from './target';

/**
 * A stack that resolves itself once per synth. During `app.synth()`, from the stack's validations
 * on (after every aspect ran), the first `toTerraform()` result is reused: the policy checks and
 * the synthesizer then resolve the stack once between them instead of twice. Outside a synth it
 * resolves afresh.
 */
export abstract class ResolveOnceStack extends TerraformStack {
  /** Set while this stack's synthesizer runs. */
  private synthesis?: { validating: boolean; config?: { [key: string]: unknown } };

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const synthesizer = this.synthesizer;
    this.synthesizer = {
      synthesize: (session) => {
        this.synthesis = { validating: false };
        try {
          synthesizer.synthesize(session);
        } finally {
          this.synthesis = undefined;
        }
      },
    };
    // Added before any aspect adds its own, so it runs first of the stack's validations.
    this.node.addValidation({
      validate: () => {
        if (this.synthesis) this.synthesis.validating = true;
        return [];
      },
    });
  }

  override toTerraform(): { [key: string]: unknown } {
    const synthesis = this.synthesis;
    if (!synthesis?.validating) return super.toTerraform();
    return (synthesis.config ??= super.toTerraform());
  }
}

/** Where one stack's state lives and what it talks to. */
export interface StackPlumbing {
  readonly config: EnvironmentConfig;
  readonly target: DeployTarget;
  /** Team of an allocation shard; its state sits beside the environment's. @default - none */
  readonly shard?: string;
  /** Directory of the local state file (local backend only). @default - the working directory */
  readonly localStateDir?: string;
}

/**
 * Provider (region, common tags, target endpoints) and backend of one stack. The state is
 * `terraform.<environment>.tfstate` (local) or the configured S3 key; a shard's is
 * `terraform.<environment>-<team>.tfstate` or `<key>-<team>`. The local target keeps an S3
 * backend, pointed at the emulator (`backendSettingsFor`).
 */
export function configureStack(stack: TerraformStack, plumbing: StackPlumbing): void {
  const { config, shard } = plumbing;
  const { project, region } = config;
  new AwsProvider(stack, 'aws', {
    region,
    defaultTags: [{ tags: commonTags(project, config.environment, config.tags) }],
    ...providerSettingsFor(plumbing.target),
  });
  if (config.backend?.s3) {
    const s3 = config.backend.s3;
    const key = s3.key ?? `${project}/${config.environment}/terraform.tfstate`;
    new S3Backend(stack, {
      bucket: s3.bucket,
      key: shard === undefined ? key : key.replace(/(\.tfstate)?$/, `-${shard}$1`),
      region: s3.region ?? region,
      encrypt: true,
      ...backendSettingsFor(plumbing.target),
    });
    // Terraform >= 1.10 native S3 locking; cdktf 0.21's S3BackendConfig predates the option.
    if (s3.useLockfile) stack.addOverride('terraform.backend.s3.use_lockfile', true);
  } else {
    const stateName = shard === undefined ? config.environment : `${config.environment}-${shard}`;
    new LocalBackend(stack, {
      path: join(plumbing.localStateDir ?? process.cwd(), `terraform.${stateName}.tfstate`),
    });
  }
}
