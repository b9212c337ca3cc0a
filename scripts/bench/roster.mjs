// Generates benchmark environment configs: N developers in 4 teams, each entitled to one or two
// model tiers (everyone gets sonnet; every other developer is in the opus group), per-developer
// budgets on, account id configured (so planning needs no data-source reads).
export const BENCH_TEAMS = ['platform', 'payments', 'data', 'mobile'];

export function benchConfig(developers, { environment = 'bench' } = {}) {
  const devs = Array.from({ length: developers }, (_, i) => ({
    id: `dev${String(i).padStart(5, '0')}.user@corp.example`,
    team: BENCH_TEAMS[i % BENCH_TEAMS.length],
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
    teams: BENCH_TEAMS.map((id, i) => ({
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
