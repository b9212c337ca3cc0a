// The report object (docs/report.md, the JSON contract): pure functions over the usage rows of the
// logs source, the live statuses and the billed groups. Nothing here prices a call: the query
// did, with the kit's formula.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from '../lib.mjs';
import { daysOf, isoDate } from './period.mjs';

/** Version of the report object (`--format json`); the HTML renderer refuses any other. */
export const SCHEMA_VERSION = 1;

/** The dimensions of `--by`, each with the usage row's field it groups on. */
export const DIMENSIONS = {
  developer: 'developer',
  team: 'team',
  'cost-center': 'costCenter',
  model: 'model',
  tier: 'tier',
  day: 'day',
};

/** The key of the row that gathers usage not made through a developer profile (core's reserved name). */
export const UNATTRIBUTED_KEY = createRequire(import.meta.url)(
  join(ROOT, 'packages/core/dist/unattributed.js'),
).UNATTRIBUTED;

const TOKENS = ['inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens'];

/** cacheRead / (input + cacheRead + cacheWrite), null when that is 0. */
export function cacheHitRatio(t) {
  const denominator = t.inputTokens + t.cacheReadTokens + t.cacheWriteTokens;
  return denominator > 0 ? t.cacheReadTokens / denominator : null;
}

function zero() {
  return {
    calls: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    estimatedUsd: 0,
  };
}

function add(total, r) {
  total.calls += r.calls;
  for (const k of TOKENS) total[k] += r[k];
  total.estimatedUsd += r.usd;
}

/** Sums of `rows` grouped by `keyOf` (a Map of key to sums, with `last`: its latest row). */
function groupBy(rows, keyOf) {
  const groups = new Map();
  for (const r of rows) {
    const key = keyOf(r);
    const g = groups.get(key) ?? { ...zero(), last: r };
    add(g, r);
    if (r.day >= g.last.day) g.last = r;
    groups.set(key, g);
  }
  return groups;
}

/** Billed USD by developer (`user`) or team, '' holding what carries no such tag. */
function billedBy(billed, field) {
  const byKey = new Map();
  for (const g of billed.groups) byKey.set(g[field], (byKey.get(g[field]) ?? 0) + g.usd);
  return byKey;
}

/**
 * The rows of dimension `by`: one per value, plus one `unattributed` row for usage not made
 * through a developer profile (whatever the dimension), never dropped. With `by` = developer,
 * the caps (when `live`) and, with developer or team, the billed amounts (when `billed`) are set.
 */
export function reportRows(usage, by, { live, liveCurrent = false, billed } = {}) {
  const field = DIMENSIONS[by];
  // A record without a model id has no model: `unknown`, never a dropped row.
  const groups = groupBy(usage, (r) =>
    r.unattributed ? UNATTRIBUTED_KEY : (r[field] ?? 'unknown'),
  );
  // Caps and states are the current cap period's: shown only when the report covers it.
  const withCaps = by === 'developer' && live && liveCurrent;
  const statuses = new Map((withCaps ? live.statuses : []).map((s) => [s.developer, s]));
  const billedField = { developer: 'user', team: 'team' }[by];
  const billedUsd = billed && billedField ? billedBy(billed, billedField) : undefined;

  // Developers with live spend or a non-ok cap state, and billed keys, get a row even without logs.
  const extra = [
    ...[...statuses.values()]
      .filter((s) => (liveCurrent && s.spentUsd > 0) || !['ok', 'warned'].includes(s.capState))
      .map((s) => [s.developer, { team: s.team }]),
    ...(billed && billedField ? billed.groups : [])
      .filter((g) => g[billedField] !== '')
      .map((g) => [g[billedField], by === 'developer' && g.team !== '' ? { team: g.team } : {}]),
  ];
  for (const [key, last] of extra) {
    if (!groups.has(key)) {
      groups.set(key, { ...zero(), last: { costCenter: null, ...last } });
    }
  }

  return [...groups].map(([key, g]) => {
    const unattributed = key === UNATTRIBUTED_KEY;
    const status = unattributed ? undefined : statuses.get(key);
    const row = { key, label: key };
    if (by === 'developer') {
      row.team = g.last.team ?? null;
      row.costCenter = g.last.costCenter ?? null;
    }
    Object.assign(row, {
      unattributed,
      calls: g.calls,
      inputTokens: g.inputTokens,
      outputTokens: g.outputTokens,
      cacheReadTokens: g.cacheReadTokens,
      cacheWriteTokens: g.cacheWriteTokens,
      cacheHitRatio: cacheHitRatio(g),
      estimatedUsd: g.estimatedUsd,
      // The untagged bill (infrastructure, calls before tag activation) is not these calls' bill:
      // it is the billed section's untaggedUsd, never this row's.
      billedUsd: billedUsd && !unattributed ? (billedUsd.get(key) ?? 0) : null,
      share: 0,
      capUsd: status?.capUsd ?? null,
      capState: status?.capState ?? null,
      liveUsd: status && liveCurrent ? status.spentUsd : null,
    });
    return row;
  });
}

/** Rows in report order: by day chronologically, else by estimate (largest first); unattributed last. */
function sortRows(rows, by) {
  const order = (a, b) =>
    by === 'day'
      ? a.key.localeCompare(b.key)
      : b.estimatedUsd - a.estimatedUsd || a.key.localeCompare(b.key);
  return rows.sort((a, b) => Number(a.unattributed) - Number(b.unattributed) || order(a, b));
}

/** Totals of the rows; `billedUsd` is the billed total (including what no row holds). */
export function totalsOf(rows, billed) {
  const t = zero();
  for (const r of rows) add(t, { ...r, usd: r.estimatedUsd });
  const { estimatedUsd, ...counts } = t;
  return {
    ...counts,
    cacheHitRatio: cacheHitRatio(t),
    estimatedUsd,
    billedUsd: billed ? billed.totalUsd : null,
  };
}

const usd = (n) => `${n.toFixed(2)} USD`;

/**
 * Why the bill and the estimate differ, as far as the sources show it (each reason only when it
 * applies): untagged spend, developers without billed spend, unattributed calls, billing lag and
 * prices.
 */
export function billedReasons({ usage, billed, now }) {
  const reasons = [];
  if (billed.inactiveTags?.length > 0) {
    reasons.push(
      `the cost-allocation tag(s) ${billed.inactiveTags.join(', ')} are not active, so the bill can be neither filtered nor split by them: activate them in the payer account (attribution.activateCostAllocationTags: true, or the Billing console); activation takes up to 24 h and is not retroactive`,
    );
  }
  const untagged = billed.groups.filter((g) => g.user === '').reduce((s, g) => s + g.usd, 0);
  if (untagged > 0) {
    reasons.push(
      `${usd(untagged)} billed without a User tag: the project's other resources (logs, storage, the enforcer, queries), and calls made before User was activated as a cost-allocation tag (activation is not retroactive and takes up to 24 h)`,
    );
  }
  const billedUsers = new Set(billed.groups.filter((g) => g.usd > 0).map((g) => g.user));
  const estimated = groupBy(
    usage.filter((r) => !r.unattributed),
    (r) => r.developer,
  );
  const missing = [...estimated]
    .filter(([dev, g]) => g.estimatedUsd > 0 && !billedUsers.has(dev))
    .map(([dev]) => dev)
    .sort();
  if (missing.length > 0) {
    reasons.push(
      `${missing.length} developer(s) with estimated spend have nothing billed under their User tag (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}): the tag was activated after their calls, or the charges are not billed yet`,
    );
  }
  const unattributed = usage.filter((r) => r.unattributed).reduce((s, r) => s + r.usd, 0);
  if (unattributed > 0) {
    reasons.push(
      `${usd(unattributed)} estimated for calls not made through a developer profile (unattributed): they carry no Project tag, so the bill shown here leaves them out`,
    );
  }
  if (billed.estimated || Date.parse(`${billed.end}T00:00:00Z`) > now.getTime() - 24 * 3600e3) {
    reasons.push(
      `Cost Explorer lags up to 24 h: the bill up to ${billed.end} (exclusive) is not final yet`,
    );
  }
  const estimate = usage.reduce((s, r) => s + r.usd, 0);
  if (Math.abs(billed.totalUsd - estimate) >= 0.01) {
    reasons.push(
      'the estimate prices tokens with the prices in the config; the bill uses AWS prices, discounts and credits. Anthropic models are billed as AWS Marketplace products, which the Project tag includes (a filter on the Amazon Bedrock service would miss them)',
    );
  }
  return reasons;
}

/** The charts of the HTML page, from the logs source (and the blocked developers from live). */
export function chartsOf({ usage, period, now, live }) {
  const today = isoDate(now.getTime());
  const days = daysOf(period.from, period.to).filter((d) => d <= today);
  const dayIndex = new Map(days.map((d, i) => [d, i]));
  const teams = [...groupBy(usage, (r) => r.team)].sort(
    ([a, x], [b, y]) => y.estimatedUsd - x.estimatedUsd || a.localeCompare(b),
  );
  const series = teams.map(([team]) => {
    const daily = days.map(() => 0);
    for (const r of usage) {
      if (r.team === team && dayIndex.has(r.day)) daily[dayIndex.get(r.day)] += r.usd;
    }
    return { team, usd: daily };
  });
  const developers = [
    ...groupBy(
      usage.filter((r) => !r.unattributed),
      (r) => r.developer,
    ),
  ]
    .map(([developer, g]) => ({ developer, team: g.last.team, usd: g.estimatedUsd }))
    .sort((a, b) => b.usd - a.usd || a.developer.localeCompare(b.developer))
    .slice(0, 10);
  const tierMix = [...groupBy(usage, (r) => r.tier)]
    .map(([tier, g]) => ({ tier, calls: g.calls, usd: g.estimatedUsd }))
    .sort((a, b) => b.usd - a.usd || a.tier.localeCompare(b.tier));
  const all = zero();
  for (const r of usage) add(all, r);
  return {
    spendByTeamDaily: { days, series },
    topDevelopers: developers,
    tierMix,
    cacheHitRatio: {
      overall: cacheHitRatio(all),
      byTeam: teams
        .map(([team, g]) => ({ team, ratio: cacheHitRatio(g) }))
        .sort((a, b) => a.team.localeCompare(b.team)),
    },
    blocked: (live?.statuses ?? [])
      .filter((s) => s.state === 'blocked')
      .map((s) => ({
        developer: s.developer,
        team: s.team,
        capUsd: s.capUsd,
        spentUsd: s.spentUsd,
      })),
  };
}

/**
 * The report object of the JSON contract. `usage`: the logs source's rows; `live`: the live
 * source or undefined (caps off); `billed`: the billed source or undefined (no --billed);
 * `sources`: their source entries, in order.
 */
export function buildReport({
  environment,
  project,
  now,
  period,
  by,
  usage,
  live,
  billed,
  sources,
}) {
  const nowDay = isoDate(now.getTime());
  const liveCurrent = Boolean(live) && period.from <= nowDay && nowDay < period.to;
  const rows = sortRows(reportRows(usage, by, { live, liveCurrent, billed }), by);
  const totals = totalsOf(rows, billed);
  for (const r of rows)
    r.share = totals.estimatedUsd > 0 ? r.estimatedUsd / totals.estimatedUsd : 0;
  return {
    schemaVersion: SCHEMA_VERSION,
    environment,
    project,
    generatedAt: now.toISOString(),
    period,
    by,
    sources,
    rows,
    totals,
    billed: billed
      ? {
          totalUsd: billed.totalUsd,
          untaggedUsd: billed.groups.filter((g) => g.user === '').reduce((n, g) => n + g.usd, 0),
          estimatedUsd: totals.estimatedUsd,
          differenceUsd: billed.totalUsd - totals.estimatedUsd,
          reasons: billedReasons({ usage, billed, now }),
        }
      : null,
    charts: chartsOf({ usage, period, now, live }),
  };
}
