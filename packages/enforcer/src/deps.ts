import {
  BedrockClient,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-bedrock';
import {
  DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Deps } from './ports';

/**
 * The ports bound to the AWS SDK v3 clients (region and credentials from the Lambda environment;
 * `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_<SERVICE>` point them at an emulator, which also switches
 * S3 to path-style addressing).
 */
export function awsDeps(env: Readonly<Record<string, string | undefined>>): Deps {
  const dynamodb = new DynamoDBClient({});
  const sns = new SNSClient({});
  const bedrock = new BedrockClient({});
  const s3 = new S3Client({
    forcePathStyle: (env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL) !== undefined,
  });
  return {
    dynamodb: {
      transactWriteItems: (input) => dynamodb.send(new TransactWriteItemsCommand(input)),
      updateItem: (input) => dynamodb.send(new UpdateItemCommand(input)),
      getItem: (input) => dynamodb.send(new GetItemCommand(input)),
      query: (input) => dynamodb.send(new QueryCommand(input)),
    },
    sns: { publish: (input) => sns.send(new PublishCommand(input)) },
    bedrock: {
      tagResource: (input) => bedrock.send(new TagResourceCommand(input)),
      untagResource: (input) => bedrock.send(new UntagResourceCommand(input)),
      listTagsForResource: (input) => bedrock.send(new ListTagsForResourceCommand(input)),
    },
    s3: {
      getObjectText: async (bucket, key) => {
        const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        if (out.Body === undefined) throw new Error(`s3://${bucket}/${key} has no body`);
        return out.Body.transformToString('utf-8');
      },
    },
  };
}
