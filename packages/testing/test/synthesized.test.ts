import {
  TerraformDataSource,
  TerraformLocal,
  TerraformOutput,
  TerraformResource,
  TerraformStack,
  Testing,
} from 'cdktf';
import { Construct } from 'constructs';
import { TerraformJson, synthesized } from '../src';

const JSON_CONFIG: TerraformJson = {
  resource: {
    aws_s3_bucket: {
      logs: { bucket: 'acme-logs' },
      trail: { bucket: 'acme-trail' },
    },
    aws_budgets_budget: {
      devs: { for_each: '${local.devs}', name: '${each.value.name}' },
      inline: { for_each: { a: {} } },
    },
  },
  data: { aws_caller_identity: { me: {} } },
  locals: { devs: { jane: { name: 'jane' } }, empty: null },
  output: { bucket: { value: '${aws_s3_bucket.logs.bucket}', sensitive: false } },
};

describe('resources and data sources', () => {
  const s = synthesized(JSON_CONFIG);

  test('resources(type): by logical id, empty for an absent type', () => {
    expect(Object.keys(s.resources('aws_s3_bucket'))).toEqual(['logs', 'trail']);
    expect(s.resources('aws_iam_role')).toEqual({});
    expect(synthesized({}).resources('aws_s3_bucket')).toEqual({});
  });

  test('resource(type, name), throwing and listing the others when absent', () => {
    expect(s.resource('aws_s3_bucket', 'trail')).toEqual({ bucket: 'acme-trail' });
    expect(() => s.resource('aws_s3_bucket', 'nope')).toThrow(
      'no resource aws_s3_bucket.nope (aws_s3_bucket: [logs, trail])',
    );
    // An inherited property is not a resource.
    expect(() => s.resource('aws_s3_bucket', 'constructor')).toThrow(/no resource/);
  });

  test('only(type, pick) and nameOf(type, pick): exactly one match, else throw', () => {
    expect(s.only('aws_s3_bucket', (b) => b.bucket === 'acme-trail')).toEqual({
      bucket: 'acme-trail',
    });
    expect(s.nameOf('aws_s3_bucket', (b) => b.bucket === 'acme-logs')).toBe('logs');
    expect(() => s.only('aws_s3_bucket')).toThrow(
      'expected one aws_s3_bucket, found 2: [logs, trail]',
    );
    expect(() => s.only('aws_s3_bucket', () => false)).toThrow(
      'expected one aws_s3_bucket matching, found 0: []',
    );
    expect(synthesized(JSON_CONFIG).only('aws_budgets_budget', (b) => b.name !== undefined)).toBe(
      JSON_CONFIG.resource!.aws_budgets_budget.devs,
    );
  });

  test('data(type) and dataSource(type, name)', () => {
    expect(s.data('aws_caller_identity')).toEqual({ me: {} });
    expect(s.data('aws_partition')).toEqual({});
    expect(s.dataSource('aws_caller_identity', 'me')).toEqual({});
    expect(() => s.dataSource('aws_caller_identity', 'you')).toThrow(
      'no data source aws_caller_identity.you (aws_caller_identity: [me])',
    );
  });
});

describe('locals, outputs and for_each', () => {
  const s = synthesized(JSON_CONFIG);

  test('local(name): its value, null included; throws when absent', () => {
    expect(s.local('devs')).toEqual({ jane: { name: 'jane' } });
    expect(s.local('empty')).toBeNull();
    expect(() => s.local('nope')).toThrow('no local nope (locals: devs, empty)');
  });

  test('output(name); throws when absent', () => {
    expect(s.output('bucket')).toEqual({
      value: '${aws_s3_bucket.logs.bucket}',
      sensitive: false,
    });
    expect(() => s.output('nope')).toThrow('no output nope (outputs: [bucket])');
  });

  test('forEach(type, name): the map of a for_each over a local; other forms throw', () => {
    expect(s.forEach('aws_budgets_budget', 'devs')).toEqual({ jane: { name: 'jane' } });
    expect(() => s.forEach('aws_budgets_budget', 'inline')).toThrow(
      /for_each is not a reference to a local/,
    );
  });
});

describe('synthesized(source)', () => {
  class Bucket extends TerraformResource {
    constructor(scope: Construct, id: string, bucket: string) {
      super(scope, id, { terraformResourceType: 'aws_s3_bucket' });
      this.addOverride('bucket', bucket);
    }
  }

  function build(scope: Construct): void {
    const local = new TerraformLocal(scope, 'names', ['a', 'b']);
    const bucket = new Bucket(scope, 'logs', 'acme-logs');
    new TerraformDataSource(scope, 'me', { terraformResourceType: 'aws_caller_identity' });
    new TerraformOutput(scope, 'all_names', { value: local.expression });
    new TerraformOutput(scope, 'bucket', { value: bucket.getStringAttribute('bucket') });
  }

  test('reads a stack, the text of Testing.synth / synthScope, and parsed JSON alike', () => {
    const stack = new TerraformStack(Testing.app(), 'stack');
    build(stack);
    const text = Testing.synthScope(build);
    for (const s of [synthesized(stack), synthesized(text), synthesized(JSON.parse(text))]) {
      expect(s.resource('aws_s3_bucket', 'logs')).toEqual({ bucket: 'acme-logs' });
      expect(s.dataSource('aws_caller_identity', 'me')).toEqual({});
      expect(s.local('names')).toEqual(['a', 'b']);
      expect(s.output('all_names').value).toBe('${local.names}');
      expect(s.output('bucket').value).toBe('${aws_s3_bucket.logs.bucket}');
    }
    expect(synthesized(stack).json).toEqual(JSON.parse(text));
  });

  test('text that is not JSON throws', () => {
    expect(() => synthesized('not json')).toThrow(SyntaxError);
  });
});
