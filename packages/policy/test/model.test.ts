import { StackModel, actionCovers, policyStatements, references, soleReference } from '../src';

describe('references', () => {
  test('finds resource and data-source references inside interpolations', () => {
    expect(
      references('arn:${aws_s3_bucket.logs_A1-b.arn}/x/${data.aws_iam_policy_document.d.json}'),
    ).toEqual([
      { address: 'aws_s3_bucket.logs_A1-b', attribute: 'arn' },
      { address: 'data.aws_iam_policy_document.d', attribute: 'json' },
    ]);
  });

  test('ignores text outside interpolations and variables', () => {
    expect(references('aws_s3_bucket.logs.arn ${var.name} ${local.x}')).toEqual([]);
  });

  test('a sole reference is the whole string', () => {
    expect(soleReference('${aws_iam_policy.p.arn}')).toEqual({
      address: 'aws_iam_policy.p',
      attribute: 'arn',
    });
    expect(soleReference('prefix-${aws_iam_policy.p.arn}')).toBeUndefined();
  });
});

describe('policyStatements', () => {
  const model = new StackModel({
    data: {
      aws_iam_policy_document: {
        base: { statement: [{ sid: 'Base', effect: 'Deny', actions: ['s3:*'], resources: ['*'] }] },
        merged: {
          source_policy_documents: ['${data.aws_iam_policy_document.base.json}'],
          statement: [
            {
              actions: ['s3:GetObject'],
              resources: ['*'],
              condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['true'] }],
            },
          ],
        },
      },
    },
  });

  test('follows a document reference and the documents it merges', () => {
    const read = policyStatements('${data.aws_iam_policy_document.merged.json}', model, 'x');
    expect(read.statements.map((s) => [s.effect, s.actions, s.source])).toEqual([
      ['Allow', ['s3:GetObject'], 'data.aws_iam_policy_document.merged'],
      ['Deny', ['s3:*'], 'data.aws_iam_policy_document.base'],
    ]);
    expect(read.statements[0].conditions).toEqual([
      { test: 'Bool', variable: 'aws:SecureTransport', values: ['true'] },
    ]);
  });

  test('reads JSON strings with single statements and scalar values', () => {
    const read = policyStatements(
      '{"Statement":{"Effect":"Allow","NotAction":"iam:*","Resource":"*","Condition":{"NumericLessThan":{"s3:TlsVersion":1.2}}}}',
      model,
      'aws_iam_policy.p',
    );
    expect(read.statements).toEqual([
      {
        sid: undefined,
        effect: 'Allow',
        actions: undefined,
        notActions: ['iam:*'],
        resources: ['*'],
        notResources: undefined,
        conditions: [{ test: 'NumericLessThan', variable: 's3:TlsVersion', values: ['1.2'] }],
        source: 'aws_iam_policy.p',
      },
    ]);
  });

  test('reports Terraform expressions it cannot read', () => {
    const value = '${jsonencode({Statement = []})}';
    expect(policyStatements(value, model, 'x')).toEqual({ statements: [], unresolved: [value] });
  });
});

describe('actionCovers', () => {
  test.each([
    ['*', 'bedrock:CallWithBearerToken', true],
    ['bedrock:*', 'bedrock:CallWithBearerToken', true],
    ['Bedrock:callwith*', 'bedrock:CallWithBearerToken', true],
    ['bedrock:Invoke*', 'bedrock:CallWithBearerToken', false],
    ['s3:Get?bject', 's3:GetObject', true],
    ['s3:*', 's3.GetObject', false],
  ])('%s covers %s: %s', (pattern, action, expected) => {
    expect(actionCovers(pattern, action)).toBe(expected);
  });
});
