import { tagsOf } from '../iam';
import { StackModel, TfElement, block, blocks, isExpression, strings } from '../model';
import { PolicyRule, RuleResult } from '../rule';

/** The cost-allocation-tag filter value of a team budget. */
export function teamFilterValue(team: string): string {
  return `user:Team$${team}`;
}

/** `TagKeyValue` filter values of a budget (`cost_filter` blocks or the legacy `cost_filters` map). */
export function tagKeyValues(budget: TfElement): string[] {
  const fromBlocks = blocks(budget.config.cost_filter)
    .filter((f) => f.name === 'TagKeyValue')
    .flatMap((f) => strings(f.values));
  const legacy = strings(block(budget.config.cost_filters)?.TagKeyValue);
  return [...fromBlocks, ...legacy];
}

/** Teams the stack must budget for: the given ids plus the `Team` tags of inference profiles. */
export function requiredTeams(model: StackModel, teams: readonly string[] = []): string[] {
  const tagged = model.ofType('aws_bedrock_inference_profile').flatMap((p) => {
    const team = tagsOf(p).Team;
    if (typeof team !== 'string' || team === '') return [];
    if (!isExpression(team)) return [team];
    // for_each profiles: `Team = "${each.value.<attr>}"`, read <attr> from every for_each entry
    // (the map inline, or in the local it refers to, as DeveloperProfiles synthesizes it).
    const attr = /^\$\{each\.value\.(\w+)\}$/.exec(team)?.[1];
    const entries = block(model.followLocals(p.config.for_each));
    if (!attr || !entries) return [];
    return Object.values(entries).map((e) => block(e)?.[attr]);
  });
  const literal = tagged.filter(
    (t): t is string => typeof t === 'string' && t !== '' && !isExpression(t),
  );
  return [...new Set([...teams, ...literal])].sort();
}

/** Every team has a monthly budget filtered on its cost-allocation tag. */
export const teamBudgets: PolicyRule = {
  id: 'CCB-BUD-1',
  description:
    'Every team (given, or found in inference-profile Team tags) has an aws_budgets_budget filtered on TagKeyValue user:Team$<team>',
  severity: 'error',
  fix: "Add an aws_budgets_budget per team with cost_filter { name = 'TagKeyValue', values = ['user:Team$<team>'] } and notifications (PlatformBudgets from @claude-code-bedrock/budgets does this from the teams list)",
  checks: ['budget-monitoring'],
  evaluate({ model, options }) {
    const teams = requiredTeams(model, options.teams);
    if (teams.length === 0) {
      return [
        {
          status: 'not-applicable',
          reason: 'no teams given and no inference profile has a Team tag',
        },
      ];
    }
    const budgets = model.ofType('aws_budgets_budget').map((b) => ({ b, values: tagKeyValues(b) }));
    return teams.map((team): RuleResult => {
      const value = teamFilterValue(team);
      const found = budgets.find((x) => x.values.includes(value));
      return found
        ? {
            address: found.b.address,
            status: 'compliant',
            reason: `budget for team '${team}' filters on ${value}`,
          }
        : {
            status: 'non-compliant',
            reason: `team '${team}' has no aws_budgets_budget filtered on TagKeyValue ${value}`,
          };
    });
  },
};
