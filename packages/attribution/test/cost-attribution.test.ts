import { AthenaNamedQuery } from '@cdktf/provider-aws/lib/athena-named-query';
import { AthenaWorkgroup } from '@cdktf/provider-aws/lib/athena-workgroup';
import { CeCostAllocationTag } from '@cdktf/provider-aws/lib/ce-cost-allocation-tag';
import { GlueCatalogDatabase } from '@cdktf/provider-aws/lib/glue-catalog-database';
import { GlueCatalogTable } from '@cdktf/provider-aws/lib/glue-catalog-table';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { Testing } from 'cdktf';
import { CostAttribution, INVOCATION_LOG_COLUMNS } from '../src';
import { Block, baseProps, only, synth, Synthesized } from './helpers';

const tables = (json: Synthesized) => json.resource.aws_glue_catalog_table;
const tableNamed = (json: Synthesized, name: string) =>
  Object.values(tables(json)).find((t) => t.name === name) as Block;

describe('CostAttribution', () => {
  const json = synth();
  const raw = Testing.synthScope((scope) => {
    new CostAttribution(scope, 'attribution', baseProps(scope));
  });

  test('creates the Glue database {project}_bedrock_logs', () => {
    expect(raw).toHaveResourceWithProperties(GlueCatalogDatabase, {
      name: 'acme_claude_bedrock_logs',
    });
  });

  describe('invocation_logs table', () => {
    const table = tableNamed(json, 'invocation_logs');

    test('is an external table read with the OpenX JSON SerDe, case-insensitive, skipping malformed lines', () => {
      expect(table.table_type).toBe('EXTERNAL_TABLE');
      expect(table.storage_descriptor.input_format).toBe(
        'org.apache.hadoop.mapred.TextInputFormat',
      );
      expect(table.storage_descriptor.ser_de_info).toEqual(
        expect.objectContaining({
          serialization_library: 'org.openx.data.jsonserde.JsonSerDe',
          parameters: expect.objectContaining({
            'case.insensitive': 'true',
            'ignore.malformed.json': 'true',
          }),
        }),
      );
    });

    test('declares token counts nested under input and output, not at the top level', () => {
      const columns = table.storage_descriptor.columns as { name: string; type: string }[];
      const byName = new Map(columns.map((c) => [c.name, c.type]));
      expect(byName.get('identity')).toBe('struct<arn:string>');
      expect(byName.get('input')).toMatch(
        /^struct<.*inputtokencount:bigint,cachereadinputtokencount:bigint,cachewriteinputtokencount:bigint>$/,
      );
      expect(byName.get('output')).toMatch(/^struct<.*outputtokencount:bigint>$/);
      for (const name of [
        'modelid',
        'operation',
        'requestid',
        'timestamp',
        'region',
        'inferenceregion',
        'schematype',
        'schemaversion',
        'accountid',
        'errorcode',
      ]) {
        expect(byName.get(name)).toBe('string');
      }
      expect(columns.map((c) => c.name)).not.toContain('inputtokencount');
    });

    test('column names are lowercase (Glue/Athena identifiers)', () => {
      for (const c of INVOCATION_LOG_COLUMNS)
        expect(c.name + c.type).toBe((c.name + c.type).toLowerCase());
    });

    test('is partitioned by a single string column dt', () => {
      expect(table.partition_keys).toEqual([
        expect.objectContaining({ name: 'dt', type: 'string' }),
      ]);
    });

    test('projects hourly date partitions from the start date to now', () => {
      expect(table.parameters).toEqual(
        expect.objectContaining({
          'projection.enabled': 'true',
          'projection.dt.type': 'date',
          'projection.dt.format': 'yyyy/MM/dd/HH',
          'projection.dt.range': '2025/01/01/00,NOW',
          'projection.dt.interval': '1',
          'projection.dt.interval.unit': 'HOURS',
        }),
      );
    });

    test('maps each projected hour to its Bedrock folder (with $ escaped for Terraform)', () => {
      expect(table.parameters['storage.location.template']).toBe(
        's3://${aws_s3_bucket.LogBucket.bucket}/bedrock/AWSLogs/123456789012/BedrockModelInvocationLogs/us-east-1/$${dt}/',
      );
      expect(table.storage_descriptor.location).toBe(
        's3://${aws_s3_bucket.LogBucket.bucket}/bedrock/AWSLogs/123456789012/BedrockModelInvocationLogs/us-east-1/',
      );
    });

    test('honours a configured projection start date and an empty or slashed key prefix', () => {
      const other = tableNamed(
        synth({ projectionStartDate: '2026/03/01', logKeyPrefix: '/' }),
        'invocation_logs',
      );
      expect(other.parameters['projection.dt.range']).toBe('2026/03/01/00,NOW');
      expect(other.storage_descriptor.location).toBe(
        's3://${aws_s3_bucket.LogBucket.bucket}/AWSLogs/123456789012/BedrockModelInvocationLogs/us-east-1/',
      );
    });
  });

  describe('workgroup', () => {
    const wg = only(json, 'aws_athena_workgroup') as Block;

    test('is named {project}-bedrock-logs, enabled and tagged', () => {
      expect(wg.name).toBe('acme-claude-bedrock-logs');
      expect(wg.state).toBe('ENABLED');
      expect(wg.tags).toEqual(expect.objectContaining({ Name: 'acme-claude-bedrock-logs' }));
    });

    test('enforces its configuration, publishes metrics and cuts queries off at 1 GiB by default', () => {
      expect(wg.configuration).toEqual(
        expect.objectContaining({
          enforce_workgroup_configuration: true,
          publish_cloudwatch_metrics_enabled: true,
          bytes_scanned_cutoff_per_query: 1073741824,
          engine_version: { selected_engine_version: 'AUTO' },
        }),
      );
    });

    test('writes SSE-S3 encrypted results under results/ in the results bucket', () => {
      expect(wg.configuration.result_configuration).toEqual({
        output_location: 's3://${aws_s3_bucket.attribution_ResultsBucket_A12C5C31.bucket}/results/',
        encryption_configuration: { encryption_option: 'SSE_S3' },
        expected_bucket_owner: '123456789012',
      });
    });

    test('uses a configured bytes-scanned cutoff', () => {
      const other = only(
        synth({ bytesScannedCutoffPerQuery: 10_485_760 }),
        'aws_athena_workgroup',
      ) as Block;
      expect(other.configuration.bytes_scanned_cutoff_per_query).toBe(10_485_760);
    });

    test('carries user tags', () => {
      expect(
        Testing.synthScope(
          (s) => new CostAttribution(s, 'a', baseProps(s, { tags: { Owner: 'finops' } })),
        ),
      ).toHaveResourceWithProperties(AthenaWorkgroup, {
        tags: { Name: 'acme-claude-bedrock-logs', Owner: 'finops' },
      });
    });
  });

  test('saves nine named queries in the workgroup and database', () => {
    const queries = Object.values(json.resource.aws_athena_named_query);
    expect(queries).toHaveLength(9);
    for (const q of queries) {
      expect(q.workgroup).toBe('${aws_athena_workgroup.attribution_Workgroup_C5083183.id}');
      expect(q.database).toBe('${aws_glue_catalog_database.attribution_Database_0D441121.name}');
      expect(String(q.name)).toMatch(/^acme-claude-/);
    }
    expect(raw).toHaveResourceWithProperties(AthenaNamedQuery, {
      name: 'acme-claude-cost-by-developer-7d',
    });
    expect(raw).toHaveResourceWithProperties(AthenaNamedQuery, {
      name: 'acme-claude-usage-by-developer-tier-day',
    });
  });

  test('exposes the named queries by key', () => {
    Testing.synthScope((scope) => {
      const attribution = new CostAttribution(scope, 'attribution', baseProps(scope));
      expect(Object.keys(attribution.namedQueries)).toContain('cost-by-team-month-to-date');
    });
  });

  test('creates no cost allocation tags by default', () => {
    expect(raw).not.toHaveResource(CeCostAllocationTag);
  });

  test('activates the User, Team, Project and CostCenter cost allocation tags when asked', () => {
    const tags = Object.values(
      synth({ activateCostAllocationTags: true }).resource.aws_ce_cost_allocation_tag,
    );
    expect(tags.map((t) => t.tag_key).sort()).toEqual(['CostCenter', 'Project', 'Team', 'User']);
    for (const t of tags) expect(t.status).toBe('Active');
  });

  test('grantQuery gives a role the workgroup, the catalog, the records and the results', () => {
    const out = JSON.parse(
      Testing.synthScope((scope) => {
        const attribution = new CostAttribution(scope, 'attribution', baseProps(scope));
        const role = new IamRole(scope, 'Admin', { name: 'admin', assumeRolePolicy: '{}' });
        attribution.grantQuery(role);
      }),
    ) as Synthesized;
    expect(only(out, 'aws_iam_role_policy')).toEqual(
      expect.objectContaining({
        name: 'acme-claude-bedrock-logs-query',
        role: '${aws_iam_role.Admin.id}',
      }),
    );
    const doc = Object.values(out.data!.aws_iam_policy_document).find((d) =>
      JSON.stringify(d).includes('RunQueries'),
    ) as {
      statement: Block[];
    };
    const reads = doc.statement.find((s) => s.sid === 'ReadInvocationRecords')!;
    expect(reads.resources).toEqual([
      '${aws_s3_bucket.LogBucket.arn}/bedrock/AWSLogs/123456789012/BedrockModelInvocationLogs/us-east-1/*',
      '${aws_s3_bucket.attribution_ResultsBucket_A12C5C31.arn}/reference/profiles/*',
    ]);
    expect(doc.statement.find((s) => s.sid === 'RunQueries')!.resources).toEqual([
      '${aws_athena_workgroup.attribution_Workgroup_C5083183.arn}',
    ]);
  });

  test('exposes the Glue tables', () => {
    Testing.synthScope((scope) => {
      const attribution = new CostAttribution(scope, 'attribution', baseProps(scope));
      expect(attribution.table).toBeInstanceOf(GlueCatalogTable);
      expect(attribution.profileTable).toBeInstanceOf(GlueCatalogTable);
    });
  });
});
