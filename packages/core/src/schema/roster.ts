import { z } from 'zod';
import { findSlugCollisions } from '../naming';
import { DEVELOPER_ID, EMAIL, TEAM_ID, TIER_NAME, USD } from './fields';
import { COST_CENTER } from './tags';

export const TeamSchema = z.strictObject({
  id: TEAM_ID.meta({ description: 'Team id: the `Team` tag and budget names.' }),
  costCenter: COST_CENTER.meta({
    description: 'Cost center of the team: the `CostCenter` tag of its developers.',
  }),
  monthlyBudgetUsd: USD.meta({ description: "The team's monthly budget in USD." }),
  alertEmails: z.array(EMAIL).optional().meta({
    description:
      "Extra recipients of this team's budget alerts; with `budgets.alertEmails` at most 10.",
    defaultDescription: 'only `budgets.alertEmails`',
  }),
});

export const DeveloperSchema = z.strictObject({
  id: DEVELOPER_ID.meta({
    description:
      'Developer id, usually an e-mail address or user name (dots, `@`, `+`, uppercase allowed): the `User` tag, matched by ABAC.',
  }),
  team: TEAM_ID.meta({ description: 'Id of a team in `teams`.' }),
  models: z.array(TIER_NAME).min(1, 'must list at least one tier (or omit it)').optional().meta({
    description:
      'Tiers this developer gets (each must be a tier of `models`, and in its group if it has one).',
    defaultDescription: 'every tier the developer is entitled to',
  }),
  groups: z.array(TEAM_ID).optional().meta({
    description: 'Named groups, used by `models.<tier>.group`.',
    defaultDescription: 'none',
  }),
  costCenter: COST_CENTER.optional().meta({
    description: "Overrides the team's cost center for this developer.",
    defaultDescription: "the team's",
  }),
  monthlyBudgetUsd: USD.optional().meta({
    description: 'Monthly budget of this developer when `budgets.perDeveloper.enabled`.',
    defaultDescription: '`budgets.perDeveloper.defaultUsd`',
  }),
});

/**
 * Indexes the ids of the entries of the list at `list` (`teams`, `developers`), reporting every
 * repeated id at `<list>[i].id`. Reads the input defensively: cross-field checks also run on bad
 * input. Returns id -> index of its first entry.
 */
export function indexIds(
  entries: unknown,
  list: string,
  ctx: z.RefinementCtx,
): Map<string, number> {
  const first = new Map<string, number>();
  (Array.isArray(entries) ? entries : []).forEach((entry, i) => {
    const id = entry && typeof entry === 'object' ? (entry as { id?: unknown }).id : undefined;
    if (typeof id !== 'string') return;
    const seen = first.get(id);
    if (seen === undefined) first.set(id, i);
    else {
      const message = `duplicates ${list}[${seen}].id`;
      ctx.addIssue({ code: 'custom', path: [list, i, 'id'], input: id, message });
    }
  });
  return first;
}

/**
 * Reports every developer id (of `ids`, from {@link indexIds}) that collides with another after
 * sanitisation (`slugify`), which names derived from ids cannot tell apart; `names` says which.
 */
export function checkSlugCollisions(
  ids: ReadonlyMap<string, number>,
  names: string,
  ctx: z.RefinementCtx,
): void {
  for (const { slug, ids: colliding } of findSlugCollisions([...ids.keys()])) {
    const [first, ...others] = colliding;
    for (const other of others) {
      ctx.addIssue({
        code: 'custom',
        path: ['developers', ids.get(other)!, 'id'],
        input: other,
        message: `collides with '${first}' (developers[${ids.get(first)}]): ${names} allow only letters, digits and single separators, so both would get one name after sanitisation to '${slug}'`,
      });
    }
  }
}
