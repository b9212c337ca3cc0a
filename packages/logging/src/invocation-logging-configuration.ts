import { BedrockModelInvocationLoggingConfiguration } from '@cdktf/provider-aws/lib/bedrock-model-invocation-logging-configuration';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';

/** Which modalities Bedrock logs with their request and response bodies. */
export interface InvocationLogDelivery {
  /**
   * Text (Claude Code's traffic). Must stay on: without it nothing is logged.
   * @default true
   */
  readonly text?: boolean;
  /** @default false */
  readonly image?: boolean;
  /** @default false */
  readonly embedding?: boolean;
  /** @default false */
  readonly video?: boolean;
}

export interface InvocationLoggingConfigurationProps {
  /** CloudWatch Logs destination. */
  readonly logGroup: CloudwatchLogGroup;
  /** Role Bedrock assumes to write to `logGroup`. */
  readonly role: IamRole;
  /** S3 destination (records), also used for bodies too large for CloudWatch Logs. */
  readonly bucket: S3Bucket;
  /** Key prefix of the records; large bodies go under `{keyPrefix}/data`. */
  readonly keyPrefix: string;
  /** @default - text only */
  readonly delivery?: InvocationLogDelivery;
  /**
   * Resources that must exist first (the bucket policy and the role's policy): Bedrock checks
   * that it can write to both destinations when the configuration is put.
   * @default - none
   */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The account- and region-wide Bedrock model invocation logging setting
 * (`aws_bedrock_model_invocation_logging_configuration`). There is exactly one per account and
 * region: a second environment in the same account and region must not create another.
 */
export class InvocationLoggingConfiguration extends Construct {
  /** The configuration (construct id `Resource`). */
  public readonly configuration: BedrockModelInvocationLoggingConfiguration;
  /** Key prefix under which Bedrock writes bodies larger than 100 KB. */
  public readonly largeDataKeyPrefix: string;

  constructor(scope: Construct, id: string, props: InvocationLoggingConfigurationProps) {
    super(scope, id);
    this.largeDataKeyPrefix = `${props.keyPrefix}/data`;
    this.configuration = new BedrockModelInvocationLoggingConfiguration(this, 'Resource', {
      loggingConfig: {
        textDataDeliveryEnabled: props.delivery?.text ?? true,
        imageDataDeliveryEnabled: props.delivery?.image ?? false,
        embeddingDataDeliveryEnabled: props.delivery?.embedding ?? false,
        videoDataDeliveryEnabled: props.delivery?.video ?? false,
        cloudwatchConfig: {
          logGroupName: props.logGroup.name,
          roleArn: props.role.arn,
          largeDataDeliveryS3Config: {
            bucketName: props.bucket.bucket,
            keyPrefix: this.largeDataKeyPrefix,
          },
        },
        s3Config: {
          bucketName: props.bucket.bucket,
          keyPrefix: props.keyPrefix,
        },
      },
      dependsOn: props.dependsOn,
    });
  }
}
