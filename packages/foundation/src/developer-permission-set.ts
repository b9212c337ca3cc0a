import { SsoadminPermissionSet } from '@cdktf/provider-aws/lib/ssoadmin-permission-set';
import { SsoadminPermissionSetInlinePolicy } from '@cdktf/provider-aws/lib/ssoadmin-permission-set-inline-policy';
import { ConfigError, renderValue, validateWith } from '@claude-code-bedrock/core';
import { Construct } from 'constructs';
import { DeveloperRole } from './developer-role';
import { DeveloperPermissionSetPropsSchema } from './validation';

export interface DeveloperPermissionSetProps {
  /** IAM Identity Center instance ARN. */
  readonly instanceArn: string;
  /** Permission set name (1-32 characters of `[\w+=,.@-]`). */
  readonly name: string;
  /**
   * The developer role whose permissions policy the permission set carries. The permission set
   * renders no policy of its own: its inline policy is the role's policy document, so the two can
   * never differ. The role must match callers by their `User` session tag (`identity:
   * 'principalTag'`): Identity Center sessions have no IAM user name.
   */
  readonly developerRole: DeveloperRole;
  /**
   * Maximum session length (ISO 8601 duration).
   * @default 'PT8H' (a working day, so long Claude Code sessions need no re-login)
   */
  readonly sessionDuration?: string;
  /** @default - no tags beyond the provider's default tags */
  readonly tags?: Readonly<Record<string, string>>;
}

/** The name of the developers' permission set (and of the SSO role it provisions) for a project. */
export function developerPermissionSetName(project: string): string {
  return `${project}-bedrock`;
}

/**
 * An IAM Identity Center permission set for developers, with exactly the developer role's
 * permissions (one policy, rendered once by {@link DeveloperRole}).
 *
 * Identity Center puts the "attributes for access control" on every session as principal tags;
 * map `User` to the roster id (e.g. `${path:userName}` or the e-mail) so ABAC matches the
 * developer's application inference profiles.
 */
export class DeveloperPermissionSet extends Construct {
  public readonly resource: SsoadminPermissionSet;
  public readonly permissionSetArn: string;
  public readonly inlinePolicy: SsoadminPermissionSetInlinePolicy;

  constructor(scope: Construct, id: string, props: DeveloperPermissionSetProps) {
    super(scope, id);
    const source = `DeveloperPermissionSet '${this.node.path}'`;
    validateWith(DeveloperPermissionSetPropsSchema, props, source);
    if (props.developerRole.identity !== 'principalTag') {
      throw new ConfigError(
        [
          {
            path: 'developerRole',
            value: renderValue(props.developerRole.identity),
            message:
              "must match callers by their User session tag (identity 'principalTag'): Identity Center sessions have no IAM user name",
          },
        ],
        source,
      );
    }

    this.resource = new SsoadminPermissionSet(this, 'Resource', {
      instanceArn: props.instanceArn,
      name: props.name,
      description: 'Claude Code on Amazon Bedrock: invoke own application inference profiles only',
      sessionDuration: props.sessionDuration ?? 'PT8H',
      tags: props.tags ? { ...props.tags } : undefined,
    });
    this.permissionSetArn = this.resource.arn;
    this.inlinePolicy = new SsoadminPermissionSetInlinePolicy(this, 'InlinePolicy', {
      instanceArn: props.instanceArn,
      permissionSetArn: this.resource.arn,
      inlinePolicy: props.developerRole.policyDocument.json,
    });
  }
}
