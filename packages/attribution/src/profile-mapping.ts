import { GlueCatalogDatabase } from '@cdktf/provider-aws/lib/glue-catalog-database';
import { GlueCatalogTable } from '@cdktf/provider-aws/lib/glue-catalog-table';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { compareCodeUnits } from '@claude-code-bedrock/core';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { ProfileMapping } from './props';

/** Name of the Glue table over the profile mapping. */
export const PROFILE_TABLE = 'developer_profiles';
/** Key prefix of the mapping in the results bucket (never expired by the results lifecycle rule). */
export const PROFILE_PREFIX = 'reference/profiles/';
export const PROFILE_COLUMNS = [
  'profile_arn',
  'developer_id',
  'team',
  'cost_center',
  'tier',
] as const;
/**
 * Rows per CSV object. Resolving one string costs time quadratic in the tokens it holds, so the
 * mapping is split into objects of this many rows to keep synthesis linear in the roster size.
 */
export const PROFILE_ROWS_PER_OBJECT = 1000;

/**
 * The mapping as CSV: a header line, then one line per profile. ARNs are usually unresolved
 * tokens; cdktf renders each as a Terraform interpolation inside the string, so the content is
 * computed at apply time.
 */
export function profileMappingCsv(profiles: readonly ProfileMapping[]): string {
  const lines = profiles.map((p) =>
    [p.profileArn, p.developerId, p.team, p.costCenter, p.tier].join(','),
  );
  return [PROFILE_COLUMNS.join(','), ...lines].join('\n') + '\n';
}

export interface ProfileMappingObjectsProps {
  /** Bucket that holds the mapping (the Athena results bucket). */
  readonly bucket: S3Bucket;
  readonly profiles: readonly ProfileMapping[];
  /**
   * File-name prefix of the CSV objects under `reference/profiles/`. Stacks that each write part
   * of the mapping (allocation shards) use distinct prefixes.
   * @default 'profiles'
   */
  readonly fileNamePrefix?: string;
  /** Resources that must exist before the objects are written (e.g. the bucket's encryption). */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The profile mapping as CSV objects under `reference/profiles/` (`<prefix>-0001.csv`, ...), each
 * at most {@link PROFILE_ROWS_PER_OBJECT} rows with its own header, rows sorted by developer id
 * and tier. The `developer_profiles` table reads every object under the prefix.
 */
export class ProfileMappingObjects extends Construct {
  public readonly objects: readonly S3Object[];

  constructor(scope: Construct, id: string, props: ProfileMappingObjectsProps) {
    super(scope, id);
    // Rows sorted by developer id and tier: the objects' content (and so the plan) must not
    // change when the roster is merely reordered.
    const rows = [...props.profiles].sort(
      (a, b) => compareCodeUnits(a.developerId, b.developerId) || compareCodeUnits(a.tier, b.tier),
    );
    const prefix = props.fileNamePrefix ?? 'profiles';
    const parts: (readonly ProfileMapping[])[] = [];
    for (let i = 0; i === 0 || i < rows.length; i += PROFILE_ROWS_PER_OBJECT) {
      parts.push(rows.slice(i, i + PROFILE_ROWS_PER_OBJECT));
    }
    this.objects = parts.map((part, i) => {
      const n = String(i + 1).padStart(4, '0');
      return new S3Object(this, `Part${n}`, {
        bucket: props.bucket.bucket,
        key: `${PROFILE_PREFIX}${prefix}-${n}.csv`,
        content: profileMappingCsv(part),
        contentType: 'text/csv',
        serverSideEncryption: 'AES256',
        dependsOn: props.dependsOn,
      });
    });
  }
}

export interface ProfileMappingTableProps {
  readonly database: GlueCatalogDatabase;
  /** Bucket that holds the mapping object (the Athena results bucket). */
  readonly bucket: S3Bucket;
  readonly profiles: readonly ProfileMapping[];
  /** Resources that must exist before the object is written (e.g. the bucket's encryption). */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The profile → developer/team/cost center/tier mapping the cost queries join on: CSV objects
 * under `reference/profiles/` ({@link ProfileMappingObjects}) and the Glue table
 * `developer_profiles` over the prefix.
 */
export class ProfileMappingTable extends Construct {
  /** The CSV objects, `profiles-0001.csv`, ... (at most {@link PROFILE_ROWS_PER_OBJECT} rows each). */
  public readonly objects: readonly S3Object[];
  public readonly resource: GlueCatalogTable;
  public readonly tableName: string;

  constructor(scope: Construct, id: string, props: ProfileMappingTableProps) {
    super(scope, id);
    this.objects = new ProfileMappingObjects(this, 'Objects', {
      bucket: props.bucket,
      profiles: props.profiles,
      dependsOn: props.dependsOn,
    }).objects;
    this.resource = new GlueCatalogTable(this, 'Resource', {
      name: PROFILE_TABLE,
      databaseName: props.database.name,
      description:
        'Application inference profile ARN -> developer, team, cost center, tier (generated)',
      tableType: 'EXTERNAL_TABLE',
      parameters: {
        EXTERNAL: 'TRUE',
        classification: 'csv',
        'skip.header.line.count': '1',
      },
      storageDescriptor: {
        location: `s3://${props.bucket.bucket}/${PROFILE_PREFIX}`,
        inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
        outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
        serDeInfo: {
          name: 'csv',
          serializationLibrary: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe',
          parameters: { 'field.delim': ',', 'serialization.format': ',' },
        },
        columns: PROFILE_COLUMNS.map((name) => ({ name, type: 'string' })),
      },
    });
    this.tableName = this.resource.name;
  }
}
