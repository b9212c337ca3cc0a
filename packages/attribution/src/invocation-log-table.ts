import { GlueCatalogDatabase } from '@cdktf/provider-aws/lib/glue-catalog-database';
import { GlueCatalogTable } from '@cdktf/provider-aws/lib/glue-catalog-table';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { Construct } from 'constructs';

/** Name of the Glue table over the invocation logs. */
export const INVOCATION_LOG_TABLE = 'invocation_logs';
/** Name of the projected hourly partition column (`yyyy/MM/dd/HH`, UTC). */
export const PARTITION_COLUMN = 'dt';

/**
 * Columns of a Bedrock model invocation log record. Names are lowercase: Glue and Athena store
 * identifiers in lowercase, and the OpenX SerDe (`case.insensitive` = true) lowercases every JSON
 * key, nested ones included, before matching, so `input.inputTokenCount` lands in
 * `input.inputtokencount`. The request and response bodies (`inputBodyJson`, `outputBodyJson`) are
 * deliberately not declared: the SerDe skips undeclared keys, so queries never pay to decode them.
 */
export const INVOCATION_LOG_COLUMNS: readonly { name: string; type: string; comment: string }[] = [
  { name: 'schematype', type: 'string', comment: 'ModelInvocationLog for invocation records' },
  { name: 'schemaversion', type: 'string', comment: 'record schema version' },
  { name: 'timestamp', type: 'string', comment: 'ISO 8601 UTC time of the request' },
  { name: 'accountid', type: 'string', comment: 'account of the caller' },
  { name: 'identity', type: 'struct<arn:string>', comment: 'IAM identity of the caller' },
  { name: 'region', type: 'string', comment: 'region that received the request' },
  { name: 'requestid', type: 'string', comment: 'Bedrock request id' },
  {
    name: 'operation',
    type: 'string',
    comment: 'InvokeModel, InvokeModelWithResponseStream, Converse, ...',
  },
  { name: 'modelid', type: 'string', comment: 'model id, or the inference profile ARN or id used' },
  { name: 'errorcode', type: 'string', comment: 'error code of a failed invocation' },
  {
    name: 'input',
    type: 'struct<inputcontenttype:string,inputbodys3path:string,inputtokencount:bigint,cachereadinputtokencount:bigint,cachewriteinputtokencount:bigint>',
    comment: 'request metadata and token counts (the body itself is not mapped)',
  },
  {
    name: 'output',
    type: 'struct<outputcontenttype:string,outputbodys3path:string,outputtokencount:bigint>',
    comment: 'response metadata and token count (the body itself is not mapped)',
  },
  { name: 'inferenceregion', type: 'string', comment: 'region that served a cross-region request' },
];

/** Parses `struct<a:t,b:u>` into its field names (one level, which is all the schema uses). */
export function structFields(type: string): string[] {
  const m = /^struct<(.*)>$/.exec(type);
  if (!m) return [];
  return m[1].split(',').map((f) => f.slice(0, f.indexOf(':')));
}

export interface InvocationLogTableProps {
  readonly database: GlueCatalogDatabase;
  /** The invocation-log bucket. */
  readonly logBucket: S3Bucket;
  /** `{logKeyPrefix}/AWSLogs/{account}/BedrockModelInvocationLogs/{region}/`, without the bucket. */
  readonly recordsPrefix: string;
  /** First projected day, `YYYY/MM/DD`. */
  readonly projectionStartDate: string;
}

/**
 * Glue table `invocation_logs` over Bedrock's invocation-log records, with partition projection on
 * the hourly `yyyy/MM/dd/HH` folders so a query reads only the hours its `dt` filter selects.
 */
export class InvocationLogTable extends Construct {
  public readonly resource: GlueCatalogTable;
  public readonly tableName: string;
  /**
   * `s3://bucket/.../BedrockModelInvocationLogs/{region}/${dt}/` as stored in Glue (the `$` is
   * escaped once more in the Terraform configuration so Terraform does not interpolate it).
   */
  public readonly locationTemplate: string;

  constructor(scope: Construct, id: string, props: InvocationLogTableProps) {
    super(scope, id);
    const root = `s3://${props.logBucket.bucket}/${props.recordsPrefix}`;
    this.locationTemplate = `${root}\${${PARTITION_COLUMN}}/`;
    // Terraform reads `${...}` in a string as an interpolation; `$${` is a literal `${`.
    const escapedTemplate = `${root}$\${${PARTITION_COLUMN}}/`;
    this.resource = new GlueCatalogTable(this, 'Resource', {
      name: INVOCATION_LOG_TABLE,
      databaseName: props.database.name,
      description:
        'Amazon Bedrock model invocation log records, partitioned by delivery hour (UTC)',
      tableType: 'EXTERNAL_TABLE',
      parameters: {
        EXTERNAL: 'TRUE',
        classification: 'json',
        'projection.enabled': 'true',
        [`projection.${PARTITION_COLUMN}.type`]: 'date',
        [`projection.${PARTITION_COLUMN}.format`]: 'yyyy/MM/dd/HH',
        [`projection.${PARTITION_COLUMN}.range`]: `${props.projectionStartDate}/00,NOW`,
        [`projection.${PARTITION_COLUMN}.interval`]: '1',
        [`projection.${PARTITION_COLUMN}.interval.unit`]: 'HOURS',
        'storage.location.template': escapedTemplate,
      },
      partitionKeys: [
        {
          name: PARTITION_COLUMN,
          type: 'string',
          comment: 'delivery hour yyyy/MM/dd/HH (UTC); filter on it to limit the scan',
        },
      ],
      storageDescriptor: {
        location: root,
        inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
        outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
        serDeInfo: {
          name: 'openx-json',
          serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
          parameters: {
            'case.insensitive': 'true',
            'ignore.malformed.json': 'true',
            'dots.in.keys': 'false',
          },
        },
        columns: INVOCATION_LOG_COLUMNS.map((c) => ({ ...c })),
      },
    });
    this.tableName = this.resource.name;
  }
}
