// Generates benchmark environment configs: N developers, each entitled to one or two model tiers
// (everyone gets sonnet; every other developer is in the opus group), per-developer budgets on,
// account id configured (so planning needs no data-source reads). Teams: the 4 of BENCH_TEAMS by
// default (the first-deploy figures), or with `teamSize` teams of about that many developers
// (team000, team001, ...), as the day-2 scenarios use.
export const BENCH_TEAMS = ['platform', 'payments', 'data', 'mobile'];

/**
 * The team ids of a bench roster: BENCH_TEAMS without `teamSize`, else floor(`developers` /
 * `teamSize`) teams (at least one), `team000` onwards.
 */
export function benchTeams(developers, { teamSize } = {}) {
  if (teamSize === undefined) return BENCH_TEAMS;
  const count = Math.max(1, Math.floor(developers / teamSize));
  return Array.from({ length: count }, (_, i) => `team${String(i).padStart(3, '0')}`);
}

/**
 * The bench environment config of `developers` developers, dealt round-robin to the teams. With
 * `teamSize`, the teams are those of a roster of `teamsFor` developers (default `developers`), so
 * developers added to a roster join its existing teams instead of reshaping them.
 */
export function benchConfig(
  developers,
  { environment = 'bench', teamSize, teamsFor = developers } = {},
) {
  const teams = benchTeams(teamsFor, { teamSize });
  const devs = Array.from({ length: developers }, (_, i) => ({
    id: `dev${String(i).padStart(5, '0')}.user@corp.example`,
    team: teams[i % teams.length],
    ...(i % 2 === 0 ? { groups: ['opus-users'] } : {}),
  }));
  return {
    project: 'bench-claude',
    environment,
    region: 'us-east-1',
    accountId: '123456789012',
    bucketPrefix: `bench-claude-${environment}`,
    models: {
      sonnet: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      opus: { profileId: 'us.anthropic.claude-opus-4-6-v1', group: 'opus-users' },
    },
    defaultModel: 'sonnet',
    prices: {
      sonnet: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
      opus: { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
    },
    teams: teams.map((id, i) => ({
      id,
      costCenter: `CC-${100 + i}`,
      monthlyBudgetUsd: 1000 * (i + 1),
    })),
    developers: devs,
    access: { developers: { principals: ['arn:aws:iam::123456789012:root'] } },
    budgets: {
      monthlyUsd: 100000,
      alertEmails: ['finops@corp.example'],
      perDeveloper: { enabled: true, defaultUsd: 300 },
    },
    allocation: { quota: 20000 },
  };
}
