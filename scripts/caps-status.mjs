// Every developer's spend, cap and state in the current spend-cap period: the rule `npm run caps
// status` prints and `npm run report` shows beside the estimate. Works through an `aws` function
// (`(args) => parsed JSON output`, throwing on failure) so callers choose real AWS, the emulator or
// a fake.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from './lib.mjs';

/** The emulator's clock (it may be set forward in tests), else the machine's. */
export async function clockOf(endpoint) {
  if (!endpoint) return new Date();
  try {
    const res = await fetch(`${endpoint}/_emulator/clock`);
    if (res.ok) {
      const body = await res.json();
      if (typeof body.now === 'string') return new Date(body.now);
    }
  } catch {
    // an emulator without a clock endpoint runs on real time
  }
  return new Date();
}

const num = (attr) => (attr?.N === undefined ? undefined : Number(attr.N));

/** The usage rows of `developers` in `period`, by developer (BatchGetItem, 100 keys a call). */
export function usageRows(aws, table, developers, period) {
  const rows = new Map();
  for (let i = 0; i < developers.length; i += 100) {
    let request = {
      [table]: {
        Keys: developers
          .slice(i, i + 100)
          .map((d) => ({ developer: { S: d }, period: { S: period } })),
        ConsistentRead: true,
      },
    };
    while (request && Object.keys(request).length > 0) {
      const out = aws(['dynamodb', 'batch-get-item', '--request-items', JSON.stringify(request)]);
      for (const item of out.Responses?.[table] ?? []) rows.set(item.developer.S, item);
      request = out.UnprocessedKeys;
    }
  }
  return rows;
}

/** The caps document of the `spend_caps` output (`aws s3 cp ... -` prints the JSON object). */
export function readCapsDocument(aws, caps) {
  try {
    return aws(['s3', 'cp', `s3://${caps.caps_bucket}/${caps.caps_key}`, '-']);
  } catch (err) {
    err.message = `reading the caps document: ${err.message}`;
    throw err;
  }
}

/** The enforcer's own period rule (UTC month or day), so readers see the rows it writes. */
export function capsPeriod(doc, now) {
  const { periodOf } = createRequire(import.meta.url)(
    join(ROOT, 'packages/enforcer/dist/index.js'),
  );
  return periodOf(doc.period, now);
}

/**
 * Each developer's status from the caps document and their usage items (by developer):
 * `{ developer, team, calls, spentUsd, capUsd, percent, state, warned, updatedAt }`, sorted by id.
 * The cap is the row's override, else the document's; `state` is `blocked`, `exempt` (unblocked
 * by an admin for the period) or `ok`; `warned` is true once a threshold was alerted.
 */
export function developerStatuses(doc, rows) {
  return Object.keys(doc.developers)
    .sort()
    .map((id) => {
      const row = rows.get(id);
      const capUsd = num(row?.capOverrideUsd) ?? doc.developers[id].capUsd;
      const spentUsd = num(row?.costUsd) ?? 0;
      return {
        developer: id,
        team: doc.developers[id].team ?? '',
        calls: num(row?.calls) ?? 0,
        spentUsd,
        capUsd,
        percent: capUsd > 0 ? (100 * spentUsd) / capUsd : spentUsd > 0 ? Infinity : 0,
        state: row?.blocked?.BOOL ? 'blocked' : row?.exempt?.BOOL ? 'exempt' : 'ok',
        warned: (row?.warned?.NS ?? []).length > 0,
        updatedAt: row?.updatedAt?.S,
      };
    });
}

/** The state the report shows: `state`, with `warned` for a developer `ok` but already alerted. */
export function capState(status) {
  return status.state === 'ok' && status.warned ? 'warned' : status.state;
}

/**
 * Reads the caps document and the usage table: `{ doc, period, table, developers }` with the
 * statuses of {@link developerStatuses} for the period that holds `now`.
 */
export function capsStatus(aws, caps, now) {
  const doc = readCapsDocument(aws, caps);
  const period = capsPeriod(doc, now);
  const table = caps.usage_table;
  const rows = usageRows(aws, table, Object.keys(doc.developers), period);
  return { doc, period, table, developers: developerStatuses(doc, rows) };
}
