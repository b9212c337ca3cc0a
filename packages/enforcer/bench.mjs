// Enforcer benchmark (prints numbers; not a test): invocation-log records priced, attributed and
// aggregated per second by one handler process against the in-memory fakes of the tests, and the
// DynamoDB items written per record. The handler and the fakes are bundled on the fly with esbuild,
// so this measures the TypeScript sources as they are.
//
//   node bench.mjs [--records N] [--developers D] [--batch B] [--json]
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'fs';
import { createRequire } from 'module';
import { tmpdir } from 'os';
import { dirname, join } from 'path';
import { fileURLToPath } from 'url';
import { coreLambdaSafe } from './esbuild-core.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const RECORDS = option('records', 200_000);
const DEVELOPERS = option('developers', 5_000);
const BATCH = option('batch', 500);
const JSON_OUTPUT = args.includes('--json');

const dir = mkdtempSync(join(tmpdir(), 'enforcer-bench-'));
const entry = join(dir, 'bench.cjs');
await build({
  stdin: {
    contents: `
      export { createHandler } from './src/handler';
      export { logsSubscriptionEvent } from './src/events';
      export { fakeAws } from './test/fakes';`,
    resolveDir: here,
    loader: 'ts',
  },
  outfile: entry,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
  // core's sources as the Lambda bundle has them.
  plugins: [coreLambdaSafe],
});
const { createHandler, logsSubscriptionEvent, fakeAws } = createRequire(import.meta.url)(entry);
rmSync(dir, { recursive: true, force: true });

const PROFILE = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/';
const profileOf = (d) => `${PROFILE}${d.toString(16).padStart(12, '0')}`;
const CONFIG = {
  usageTable: 'usage',
  alertTopicArn: 'arn:aws:sns:us-east-1:123456789012:alerts',
  capsBucket: 'caps',
  capsKey: 'caps.json',
  // Metric lines are built and serialized as in Lambda (the fakes drop them instead of printing).
  metricsNamespace: 'acme-claude/SpendCaps',
};

function capsDocument() {
  const developers = {};
  for (let d = 0; d < DEVELOPERS; d++) {
    developers[`dev${d}@example.com`] = {
      capUsd: 1_000,
      team: `team${d % 50}`,
      profiles: { opus: profileOf(d) },
    };
  }
  return {
    version: 1,
    period: 'monthly',
    warnAt: [80],
    prices: { opus: { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 } },
    models: {},
    developers,
  };
}

/** A record shaped like the shared sample's first one (streaming call with cache counts). */
function message(i, developer) {
  return JSON.stringify({
    schemaType: 'ModelInvocationLog',
    schemaVersion: '1.0',
    timestamp: new Date(Date.UTC(2026, 10, 2, 14) + i * 10).toISOString(),
    accountId: '123456789012',
    identity: {
      arn: `arn:aws:sts::123456789012:assumed-role/acme-claude-developer/dev${developer}`,
    },
    region: 'us-east-1',
    requestId: `6f0c1a7e-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
    operation: 'InvokeModelWithResponseStream',
    modelId: profileOf(developer),
    input: {
      inputContentType: 'application/json',
      inputBodyJson: {
        anthropic_version: 'bedrock-2023-05-31',
        max_tokens: 32000,
        messages: [{ role: 'user', content: 'refactor the parser' }],
      },
      inputTokenCount: 1834,
      cacheReadInputTokenCount: 52310,
      cacheWriteInputTokenCount: 2048,
    },
    output: {
      outputContentType: 'application/json',
      outputBodyJson: [{ type: 'message_start' }, { type: 'message_stop' }],
      outputTokenCount: 912,
    },
    inferenceRegion: 'us-east-2',
  });
}

/**
 * Batches of subscription events. `perBatch` developers share each batch: DEVELOPERS spreads every
 * record of a batch over a different developer (the worst case for writes per record).
 */
function events(perBatch) {
  const out = [];
  let bytes = 0;
  for (let start = 0; start < RECORDS; start += BATCH) {
    const messages = [];
    for (let i = start; i < Math.min(RECORDS, start + BATCH); i++) {
      const developer = (Math.floor(start / BATCH) * perBatch + (i % perBatch)) % DEVELOPERS;
      const m = message(i, developer);
      bytes += m.length;
      messages.push(m);
    }
    out.push(logsSubscriptionEvent(messages, { timestamp: Date.UTC(2026, 10, 2, 14) }));
  }
  return { events: out, bytesPerRecord: bytes / RECORDS };
}

async function run(label, perBatch) {
  const aws = fakeAws();
  aws.s3.put(CONFIG.capsBucket, CONFIG.capsKey, JSON.stringify(capsDocument()));
  const handler = createHandler(CONFIG, aws.deps);
  const { events: batches, bytesPerRecord } = events(perBatch);
  await handler(batches[0]); // warm-up: caps document parsed, code paths compiled
  const stats0 = { ...aws.dynamodb.stats };
  const start = process.hrtime.bigint();
  let records = 0;
  for (const event of batches.slice(1)) records += (await handler(event)).records;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const writes = aws.dynamodb.stats.writes - stats0.writes;
  const reads = aws.dynamodb.stats.reads - stats0.reads;
  return {
    scenario: label,
    records,
    developersPerBatch: Math.min(perBatch, BATCH),
    batchSize: BATCH,
    bytesPerRecord: Math.round(bytesPerRecord),
    seconds: Number(seconds.toFixed(3)),
    recordsPerSecond: Math.round(records / seconds),
    writesPerRecord: Number((writes / records).toFixed(3)),
    readsPerRecord: Number((reads / records).toFixed(3)),
    transactions: aws.dynamodb.stats.transactions - stats0.transactions,
    alerts: aws.sns.published.length,
  };
}

const results = [
  await run('every record of a batch from a different developer (worst case)', DEVELOPERS),
  await run('50 developers per batch', 50),
];
if (JSON_OUTPUT) {
  console.log(JSON.stringify({ enforcer: results }));
} else {
  console.log(
    `enforcer bench: ${RECORDS} records, ${DEVELOPERS} developers, ${BATCH} log events per subscription batch, one process, in-memory fakes`,
  );
  for (const r of results) {
    console.log(
      `  ${r.scenario}: ${r.recordsPerSecond.toLocaleString('en-US')} records/s (${r.seconds} s), ` +
        `${r.writesPerRecord} DynamoDB item writes/record, ${r.readsPerRecord} reads/record, ` +
        `${r.transactions} transactions, ${r.bytesPerRecord} bytes/record`,
    );
  }
}
