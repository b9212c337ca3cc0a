// Report objects per the report contract, for tests of the report's formats. `sampleReport()` is a
// realistic month: 3 teams, 12 developers, 2 tiers, 30 days, one blocked developer, unattributed
// usage and a billed comparison, aggregated from deterministic per-day records so its rows,
// totals and charts agree. It carries hostile user data on purpose: one developer id is
// HOSTILE_ID, one billed reason contains "<!--" and U+2028.
export const HOSTILE_ID = '</script><script>alert(1)</script>';

const PRICES = {
  // USD per million tokens: input, output, cache read, cache write.
  sonnet: [3, 15, 0.3, 3.75],
  opus: [15, 75, 1.5, 18.75],
};
const TEAMS = [
  ['platform', 'CC-100', ['alice', 'bob', 'carol', 'dan']],
  ['data', 'CC-200', ['erin', 'frank', HOSTILE_ID, 'heidi']],
  ['mobile', 'CC-300', ['ivan', 'judy', 'mallory', 'niaj']],
];
const BLOCKED = 'mallory';
const CAP_USD = 25;
const DAYS = Array.from({ length: 30 }, (_, i) => `2026-11-${String(i + 1).padStart(2, '0')}`);

/** Deterministic pseudo-random integers (a linear congruential generator). */
function random(seed) {
  let state = seed;
  return (max) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % max;
  };
}

const ZERO = { calls: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
const ratio = (u) => {
  const all = u.inputTokens + u.cacheReadTokens + u.cacheWriteTokens;
  return all === 0 ? null : u.cacheReadTokens / all;
};
const add = (a, b) => ({
  calls: a.calls + b.calls,
  inputTokens: a.inputTokens + b.inputTokens,
  outputTokens: a.outputTokens + b.outputTokens,
  cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
  cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
  usd: (a.usd ?? 0) + (b.usd ?? 0),
});

/** One record per developer (null: unattributed), day and tier. */
function records() {
  const next = random(42);
  const people = TEAMS.flatMap(([team, costCenter, devs]) =>
    devs.map((developer) => ({ developer, team, costCenter })),
  );
  people.push({ developer: null, team: null, costCenter: null });
  const out = [];
  for (const person of people) {
    for (const day of DAYS) {
      for (const tier of Object.keys(PRICES)) {
        const heavy = person.developer === BLOCKED ? 4 : 1;
        const calls = person.developer === null ? next(3) : next(tier === 'opus' ? 6 : 25) * heavy;
        if (calls === 0) continue;
        const u = {
          calls,
          inputTokens: calls * (800 + next(2000)),
          outputTokens: calls * (200 + next(900)),
          cacheReadTokens: calls * next(30000),
          cacheWriteTokens: calls * next(2500),
        };
        const p = PRICES[tier];
        u.usd =
          (u.inputTokens * p[0] +
            u.outputTokens * p[1] +
            u.cacheReadTokens * p[2] +
            u.cacheWriteTokens * p[3]) /
          1e6;
        out.push({ ...person, day, tier, ...u });
      }
    }
  }
  return out;
}

function groupBy(list, key) {
  const groups = new Map();
  for (const r of list) groups.set(key(r), add(groups.get(key(r)) ?? ZERO, r));
  return groups;
}

export function sampleReport() {
  const recs = records();
  const total = [...groupBy(recs, () => 'all').values()][0];
  const byDev = groupBy(recs, (r) => r.developer);
  const people = TEAMS.flatMap(([team, costCenter, devs]) =>
    devs.map((developer) => ({ developer, team, costCenter })),
  );
  const billedFactor = 1.013;
  const rows = [...people, { developer: null }].map(({ developer, team, costCenter }) => {
    const u = byDev.get(developer);
    const capState =
      developer === null
        ? null
        : u.usd >= CAP_USD
          ? 'blocked'
          : u.usd >= 0.8 * CAP_USD
            ? 'warned'
            : 'ok';
    return {
      key: developer ?? 'unattributed',
      label: developer ?? 'unattributed',
      team: team ?? null,
      costCenter: costCenter ?? null,
      unattributed: developer === null,
      calls: u.calls,
      inputTokens: u.inputTokens,
      outputTokens: u.outputTokens,
      cacheReadTokens: u.cacheReadTokens,
      cacheWriteTokens: u.cacheWriteTokens,
      cacheHitRatio: ratio(u),
      estimatedUsd: u.usd,
      billedUsd: u.usd * billedFactor,
      share: u.usd / total.usd,
      capUsd: developer === null ? null : CAP_USD,
      capState,
      liveUsd: null,
    };
  });
  const billedTotal = rows.reduce((sum, r) => sum + r.billedUsd, 0);
  const byTeamDay = groupBy(recs, (r) => `${r.team}|${r.day}`);
  const byTeam = groupBy(recs, (r) => r.team);
  const teams = TEAMS.map(([team]) => team);
  return {
    schemaVersion: 1,
    environment: 'dev',
    project: 'ccb-dev',
    generatedAt: '2026-12-01T06:00:00.000Z',
    period: { from: '2026-11-01', to: '2026-12-01', label: '2026-11' },
    by: 'developer',
    sources: [
      {
        name: 'logs',
        description:
          'Athena workgroup ccb-dev-analytics, named query usage-by-developer-tier-day, 1.2 MB scanned',
        asOf: '2026-12-01T06:00:00.000Z',
      },
      {
        name: 'billed',
        description: 'Cost Explorer GetCostAndUsage by tags User, Team (UnblendedCost)',
        asOf: '2026-12-01T05:59:58.000Z',
      },
    ],
    rows: rows.sort((a, b) => b.estimatedUsd - a.estimatedUsd),
    totals: {
      calls: total.calls,
      inputTokens: total.inputTokens,
      outputTokens: total.outputTokens,
      cacheReadTokens: total.cacheReadTokens,
      cacheWriteTokens: total.cacheWriteTokens,
      cacheHitRatio: ratio(total),
      estimatedUsd: total.usd,
      billedUsd: billedTotal,
    },
    billed: {
      totalUsd: billedTotal,
      estimatedUsd: total.usd,
      differenceUsd: billedTotal - total.usd,
      reasons: [
        'Cost Explorer data lags usage by up to 24 hours',
        'Prices in the kit are list prices; the bill applies <!-- the account\u2028discount -->',
      ],
    },
    charts: {
      spendByTeamDaily: {
        days: DAYS,
        series: teams.map((team) => ({
          team,
          usd: DAYS.map((day) => byTeamDay.get(`${team}|${day}`)?.usd ?? 0),
        })),
      },
      topDevelopers: rows
        .filter((r) => !r.unattributed)
        .slice(0, 10)
        .map((r) => ({ developer: r.key, team: r.team, usd: r.estimatedUsd })),
      tierMix: [...groupBy(recs, (r) => r.tier)].map(([tier, u]) => ({
        tier,
        calls: u.calls,
        usd: u.usd,
      })),
      cacheHitRatio: {
        overall: ratio(total),
        byTeam: teams.map((team) => ({ team, ratio: ratio(byTeam.get(team)) })),
      },
      blocked: rows
        .filter((r) => r.capState === 'blocked')
        .map((r) => ({
          developer: r.key,
          team: r.team,
          capUsd: r.capUsd,
          spentUsd: r.estimatedUsd,
        })),
    },
  };
}

/** A period without any usage: no rows, nothing to chart. */
export function emptyReport() {
  return {
    schemaVersion: 1,
    environment: 'dev',
    project: 'ccb-dev',
    generatedAt: '2026-12-01T06:00:00.000Z',
    period: { from: '2026-11-01', to: '2026-12-01', label: '2026-11' },
    by: 'developer',
    sources: [{ name: 'logs', description: 'Athena workgroup ccb-dev-analytics', asOf: null }],
    rows: [],
    totals: { ...ZERO, cacheHitRatio: null, estimatedUsd: 0, billedUsd: null },
    billed: null,
    charts: {
      spendByTeamDaily: { days: [], series: [] },
      topDevelopers: [],
      tierMix: [],
      cacheHitRatio: { overall: null, byTeam: [] },
      blocked: [],
    },
  };
}
