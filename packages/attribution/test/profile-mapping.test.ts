import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { Testing, Token } from 'cdktf';
import { CostAttribution, ProfileMapping, profileMappingCsv } from '../src';
import { Block, baseProps, only, PROFILES, synth, Synthesized } from './helpers';

describe('profile mapping', () => {
  test('is a CSV with a header and one line per profile', () => {
    expect(profileMappingCsv(PROFILES)).toBe(
      [
        'profile_arn,developer_id,team,cost_center,tier',
        'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6,jane.doe@example.com,platform,CC-100,opus',
        'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/f6e5d4c3b2a1,bob.smith,platform,CC-100,sonnet',
        '',
      ].join('\n'),
    );
  });

  test('orders rows by developer id and tier, so reordering the roster changes nothing', () => {
    const a = only(synth({ profiles: PROFILES }), 'aws_s3_object').content as string;
    const b = only(synth({ profiles: [...PROFILES].reverse() }), 'aws_s3_object').content as string;
    expect(b).toBe(a);
    expect(a.split('\n')[1]).toContain(',bob.smith,');
  });

  test('is stored under reference/profiles/ in the results bucket (outside the expiring results/ prefix)', () => {
    const object = only(synth(), 'aws_s3_object');
    expect(object).toEqual(
      expect.objectContaining({
        key: 'reference/profiles/profiles-0001.csv',
        bucket: '${aws_s3_bucket.attribution_ResultsBucket_A12C5C31.bucket}',
        content_type: 'text/csv',
        server_side_encryption: 'AES256',
      }),
    );
  });

  test('renders token ARNs as Terraform references inside the content', () => {
    const json = JSON.parse(
      Testing.synthScope((scope) => {
        const other = new S3Bucket(scope, 'Profiles', { bucket: 'x' });
        const profiles: ProfileMapping[] = [
          { ...PROFILES[0], profileArn: Token.asString(other.arn) },
        ];
        new CostAttribution(scope, 'attribution', baseProps(scope, { profiles }));
      }),
    ) as Synthesized;
    expect(only(json, 'aws_s3_object').content).toContain(
      '${aws_s3_bucket.Profiles.arn},jane.doe@example.com,platform,CC-100,opus',
    );
  });

  test('has a Glue table developer_profiles over the prefix that skips the header', () => {
    const table = Object.values(synth().resource.aws_glue_catalog_table).find(
      (t) => t.name === 'developer_profiles',
    ) as Block;
    expect(table.parameters).toEqual(expect.objectContaining({ 'skip.header.line.count': '1' }));
    expect(table.storage_descriptor).toEqual(
      expect.objectContaining({
        location:
          's3://${aws_s3_bucket.attribution_ResultsBucket_A12C5C31.bucket}/reference/profiles/',
        columns: ['profile_arn', 'developer_id', 'team', 'cost_center', 'tier'].map((name) => ({
          name,
          type: 'string',
        })),
        ser_de_info: expect.objectContaining({
          serialization_library: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe',
          parameters: { 'field.delim': ',', 'serialization.format': ',' },
        }),
      }),
    );
  });

  // How fast this synthesizes is measured by `npm run bench` (synthesis at 5,000 developers), not
  // asserted here: a wall-clock bound fails on a loaded machine (it did in CI at 5.3 s of 5).
  test('splits 10,000 token ARNs into objects of 1,000 rows, each with a header', () => {
    const json = JSON.parse(
      Testing.synthScope((scope) => {
        const sources = Array.from(
          { length: 100 },
          (_, i) => new S3Bucket(scope, `Profiles${i}`, { bucket: `x${i}` }).arn,
        );
        const profiles: ProfileMapping[] = Array.from({ length: 10_000 }, (_, i) => ({
          developerId: `dev${i}`,
          team: 'platform',
          costCenter: 'CC-100',
          tier: 'sonnet',
          profileArn: `${sources[i % 100]}-${i}`,
        }));
        new CostAttribution(scope, 'attribution', baseProps(scope, { profiles }));
      }),
    ) as Synthesized;
    const objects = Object.values(json.resource.aws_s3_object);
    expect(objects.map((o) => o.key)).toEqual(
      Array.from(
        { length: 10 },
        (_, i) => `reference/profiles/profiles-${String(i + 1).padStart(4, '0')}.csv`,
      ),
    );
    for (const o of objects) {
      const lines = String(o.content).trimEnd().split('\n');
      expect(lines[0]).toBe('profile_arn,developer_id,team,cost_center,tier');
      expect(lines).toHaveLength(1001);
    }
    expect(String(objects[9].content)).toContain(
      '${aws_s3_bucket.Profiles99.arn}-9999,dev9999,platform,CC-100,sonnet',
    );
  });

  test('writes one header-only object for an empty roster', () => {
    const object = only(synth({ profiles: [] }), 'aws_s3_object');
    expect(object.content).toBe('profile_arn,developer_id,team,cost_center,tier\n');
  });
});
