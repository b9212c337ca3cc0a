import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { stringify } from 'yaml';
import { runEnvironmentApp } from '../src';
import { APPS_DIR, rawConfig } from './helpers';

/*
 * Bad input, table-driven: every malformed config must make the app exit 1, list every problem
 * by path, leave an existing cdktf.out untouched and never print a stack trace.
 */

type Raw = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const clone = (): Raw => structuredClone(rawConfig('dev')) as Raw;
const mutate = (fn: (c: Raw) => void) => {
  const c = clone();
  fn(c);
  return stringify(c);
};

interface Case {
  readonly name: string;
  readonly text: string;
  /** Every one of these paths must be named in the output. */
  readonly paths: readonly string[];
}

const cases: Case[] = [
  // wrong types
  { name: 'project is a number', text: mutate((c) => (c.project = 42)), paths: ['project'] },
  {
    name: 'developers is a map',
    text: mutate((c) => (c.developers = { a: 1 })),
    paths: ['developers'],
  },
  {
    name: 'budget amount is a string',
    text: mutate((c) => (c.budgets.monthlyUsd = 'lots')),
    paths: ['budgets.monthlyUsd'],
  },
  {
    name: 'tags value is a list',
    text: mutate((c) => (c.tags.Owner = ['a'])),
    paths: ['tags.Owner'],
  },
  { name: 'access missing', text: mutate((c) => delete c.access), paths: ['access'] },
  { name: 'models is a list', text: mutate((c) => (c.models = ['opus'])), paths: ['models'] },
  {
    name: 'retention is not a CloudWatch period',
    text: mutate((c) => (c.logging.logRetentionDays = 45)),
    paths: ['logging.logRetentionDays'],
  },
  {
    name: 'boolean as string',
    text: mutate((c) => (c.access.tagSession = 'yes')),
    paths: ['access.tagSession'],
  },
  // unknown keys
  { name: 'unknown top-level key', text: mutate((c) => (c.budget = {})), paths: ['budget'] },
  {
    name: 'unknown developer key',
    text: mutate((c) => (c.developers[0].email = 'x@y.z')),
    paths: ['developers[0].email'],
  },
  {
    name: 'unknown nested key',
    text: mutate((c) => (c.logging.retention = 30)),
    paths: ['logging.retention'],
  },
  // duplicates before / after sanitisation
  {
    name: 'duplicate developer id',
    text: mutate((c) => c.developers.push({ ...c.developers[1] })),
    paths: ['developers[4].id'],
  },
  {
    name: 'developers colliding after sanitisation',
    text: mutate((c) => c.developers.push({ id: 'Bob_Smith', team: 'platform' })),
    paths: ['developers[4].id'],
  },
  {
    name: 'case-only collision',
    text: mutate((c) => c.developers.push({ id: 'BOB.SMITH', team: 'platform' })),
    paths: ['developers[4].id'],
  },
  {
    name: 'duplicate team id',
    text: mutate((c) => c.teams.push({ ...c.teams[0] })),
    paths: ['teams[2].id'],
  },
  // references
  {
    name: 'unknown team reference',
    text: mutate((c) => (c.developers[1].team = 'ghosts')),
    paths: ['developers[1].team'],
  },
  {
    name: 'unknown model tier on a developer',
    text: mutate((c) => (c.developers[1].models = ['gpt'])),
    paths: ['developers[1].models[0]'],
  },
  {
    name: 'restricted tier without group membership',
    text: mutate((c) => (c.developers[1].models = ['opus'])),
    paths: ['developers[1].models[0]'],
  },
  {
    name: 'defaultModel not a tier',
    text: mutate((c) => (c.defaultModel = 'mega')),
    paths: ['defaultModel'],
  },
  {
    name: 'price for a tier missing',
    text: mutate((c) => delete c.prices.haiku),
    paths: ['prices'],
  },
  // e-mails
  {
    name: 'invalid alert e-mail',
    text: mutate((c) => (c.budgets.alertEmails = ['finops at example.com'])),
    paths: ['budgets.alertEmails[0]'],
  },
  {
    name: 'more than 10 alert e-mails',
    text: mutate(
      (c) => (c.budgets.alertEmails = Array.from({ length: 11 }, (_, i) => `a${i}@example.com`)),
    ),
    paths: ['budgets.alertEmails'],
  },
  {
    name: 'team e-mails push a notification over 10',
    text: mutate(
      (c) => (c.teams[0].alertEmails = Array.from({ length: 9 }, (_, i) => `t${i}@example.com`)),
    ),
    paths: ['teams[0].alertEmails'],
  },
  {
    name: 'no alert e-mail',
    text: mutate((c) => (c.budgets.alertEmails = [])),
    paths: ['budgets.alertEmails'],
  },
  // regions and profile ids
  { name: 'invalid region', text: mutate((c) => (c.region = 'us-east')), paths: ['region'] },
  {
    name: 'invalid allowed region',
    text: mutate((c) => (c.access.allowedRegions = ['mars-north-1'])),
    paths: ['access.allowedRegions[0]'],
  },
  {
    name: 'profile id without geography',
    text: mutate((c) => (c.models.sonnet = 'anthropic.claude-sonnet-4-5-20250929-v1:0')),
    paths: ['models.sonnet'],
  },
  {
    name: 'profile id that is an ARN',
    text: mutate((c) => (c.models.haiku = 'arn:aws:bedrock:us-east-1::foundation-model/x')),
    paths: ['models.haiku'],
  },
  // amounts
  {
    name: 'negative team budget',
    text: mutate((c) => (c.teams[0].monthlyBudgetUsd = -5)),
    paths: ['teams[0].monthlyBudgetUsd'],
  },
  {
    name: 'zero monthly budget',
    text: mutate((c) => (c.budgets.monthlyUsd = 0)),
    paths: ['budgets.monthlyUsd'],
  },
  {
    name: 'negative price',
    text: mutate((c) => (c.prices.opus.output = -1)),
    paths: ['prices.opus.output'],
  },
  {
    name: 'zero quota',
    text: mutate((c) => (c.allocation = { quota: 0 })),
    paths: ['allocation.quota'],
  },
  {
    name: 'roster over the profile quota',
    text: mutate((c) => (c.allocation = { quota: 3 })),
    paths: ['allocation.quota'],
  },
  // bucket prefixes that make invalid S3 names
  {
    name: 'uppercase bucket prefix',
    text: mutate((c) => (c.bucketPrefix = 'Acme-Dev')),
    paths: ['bucketPrefix'],
  },
  {
    name: 'bucket prefix too long',
    text: mutate((c) => (c.bucketPrefix = 'a'.repeat(40))),
    paths: ['bucketPrefix'],
  },
  {
    name: 'bucket prefix with underscore',
    text: mutate((c) => (c.bucketPrefix = 'acme_dev')),
    paths: ['bucketPrefix'],
  },
  {
    name: 'bucket prefix reserved by S3',
    text: mutate((c) => (c.bucketPrefix = 'xn--acme')),
    paths: ['bucketPrefix'],
  },
  // retention and locks
  {
    name: 'Object Lock longer than lifecycle',
    text: mutate(
      (c) => (c.logging = { expirationDays: 100, objectLock: { mode: 'GOVERNANCE', days: 365 } }),
    ),
    paths: ['logging.expirationDays'],
  },
  {
    name: 'unknown Object Lock mode',
    text: mutate((c) => (c.logging = { objectLock: { mode: 'STRICT', days: 30 } })),
    paths: ['logging.objectLock.mode'],
  },
  {
    name: 'IA transition after expiry',
    text: mutate((c) => (c.logging = { transitionToIaDays: 400, expirationDays: 365 })),
    paths: ['logging.transitionToIaDays'],
  },
  // trust and keys
  {
    name: 'empty developer trust',
    text: mutate((c) => (c.access.developers = {})),
    paths: ['access.developers'],
  },
  {
    name: 'malformed principal ARN',
    text: mutate((c) => (c.access.developers.principals = ['arn:aws:iam::12:root'])),
    paths: ['access.developers.principals[0]'],
  },
  {
    name: 'AWS-managed SNS key',
    text: mutate((c) => (c.budgets.snsKmsKeyArn = 'alias/aws/sns')),
    paths: ['budgets.snsKmsKeyArn'],
  },
  // empty and structural
  { name: 'empty developer list', text: mutate((c) => (c.developers = [])), paths: ['developers'] },
  { name: 'empty file', text: '', paths: ['(root)'] },
  { name: 'top-level list', text: '- a\n- b\n', paths: ['(root)'] },
  { name: 'invalid YAML', text: 'project: [acme\nregion: us-east-1\n', paths: ['line '] },
  { name: 'duplicate YAML key', text: 'project: a\nproject: b\n', paths: ['line '] },
  {
    name: 'YAML anchor bomb',
    text: [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]',
    ].join('\n'),
    paths: ['(root)'],
  },
  { name: 'a 10 MB file', text: `# ${'x'.repeat(10 * 1024 * 1024)}\n`, paths: ['(root)'] },
  {
    name: 'several problems at once',
    text: mutate((c) => {
      c.region = 'nowhere';
      c.developers[0].team = 'ghosts';
      c.budgets.monthlyUsd = -1;
      c.extra = true;
    }),
    paths: ['region', 'developers[0].team', 'budgets.monthlyUsd', 'extra'],
  },
];

describe('malformed configs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ccb-bad-'));
  const outdir = join(dir, 'cdktf.out');
  mkdirSync(outdir);
  writeFileSync(join(outdir, 'marker'), 'previous synth');

  it('covers at least 40 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const file = join(dir, 'config.yaml');
    writeFileSync(file, c.text);
    const lines: string[] = [];
    const code = runEnvironmentApp({ configPath: file, outdir, log: (l) => lines.push(l) });
    const text = lines.join('\n');
    expect(code).toBe(1);
    for (const path of c.paths) expect(text).toContain(`  - ${path}`);
    expect(text).toMatch(/has \d+ problems?:/);
    expect(text).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
    expect(readFileSync(join(outdir, 'marker'), 'utf8')).toBe('previous synth');
    expect(existsSync(join(outdir, 'stacks'))).toBe(false);
  });
});

describe('the real app process', () => {
  // npm run test:unit builds apps/dev before this package's tests (scripts/build.mjs).
  const main = join(APPS_DIR, 'dev', 'dist', 'main.js');
  const dir = mkdtempSync(join(tmpdir(), 'ccb-bad-proc-'));

  it('exits 1 with the problems on stderr and no stack trace', () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, cases.find((c) => c.name === 'several problems at once')!.text);
    const res = spawnSync('node', [main], {
      env: { ...process.env, CCB_CONFIG: file, CDKTF_OUTDIR: join(dir, 'out') },
      encoding: 'utf8',
    });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('  - region:');
    expect(res.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});
