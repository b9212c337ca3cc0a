import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { partitionOf } from '@claude-code-bedrock/core';
import { Token } from 'cdktf';
import { Construct } from 'constructs';

/**
 * The ARN partition of `region`; when the region is a token, that of the provider, read by an
 * `aws_partition` data source (construct id `Partition`) under `scope`.
 */
export function partitionIn(scope: Construct, region: string): string {
  return Token.isUnresolved(region)
    ? new DataAwsPartition(scope, 'Partition').partition
    : partitionOf(region);
}
