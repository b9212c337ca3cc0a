import { profileName, slugify } from './naming';
import type { EnvironmentConfig } from './schema';
import { destinationRegions } from './regions';

/** A model tier with its defaults resolved. */
export interface ResolvedTier {
  readonly name: string;
  /** System cross-region inference profile id, e.g. `us.anthropic.claude-opus-4-6-v1`. */
  readonly profileId: string;
  /** Destination regions of the system profile. */
  readonly destinationRegions: readonly string[];
  /** Group a developer must belong to, if the tier is restricted. */
  readonly group?: string;
}

/** A developer with team data and entitlements resolved. */
export interface ResolvedDeveloper {
  readonly id: string;
  /** `slugify(id)`: unique within the roster. */
  readonly slug: string;
  readonly team: string;
  readonly costCenter: string;
  /** Entitled tier names, in `models` order. */
  readonly tiers: readonly string[];
  /** Monthly budget for the optional per-developer budget. */
  readonly monthlyBudgetUsd: number;
  /** Application inference profile name per tier. */
  readonly profileNames: Readonly<Record<string, string>>;
}

export function resolveTiers(config: Pick<EnvironmentConfig, 'models'>): ResolvedTier[] {
  return Object.entries(config.models).map(([name, m]) => {
    const profileId = typeof m === 'string' ? m : m.profileId;
    const regions =
      typeof m === 'string' || !m.destinationRegions
        ? destinationRegions(profileId)
        : m.destinationRegions;
    return {
      name,
      profileId,
      destinationRegions: regions,
      ...(typeof m !== 'string' && m.group ? { group: m.group } : {}),
    };
  });
}

/** The tier used for `ANTHROPIC_MODEL` and `inference_profile_arns`. */
export function defaultTierName(
  config: Pick<EnvironmentConfig, 'models' | 'defaultModel'>,
): string {
  return config.defaultModel ?? Object.keys(config.models)[0];
}

/** The resolved roster of each config object, with the roster it was resolved from. */
const resolvedRosters = new WeakMap<
  EnvironmentConfig,
  { readonly from: EnvironmentConfig['developers']; readonly roster: readonly ResolvedDeveloper[] }
>();

/**
 * The roster with teams, entitlements, budgets and profile names resolved, in config order. A
 * config object is resolved once and the result reused (a new array each call, the same frozen
 * developers): a sharded app builds a stack per team from the same config, and resolving the
 * whole roster for each of 50 teams made synthesis quadratic in the roster (5,000 developers).
 * A config whose roster was replaced or grown since is resolved again; other changes to a config
 * object after it was first resolved are not seen (validated configs are never changed).
 */
export function resolveDevelopers(config: EnvironmentConfig): ResolvedDeveloper[] {
  const cached = resolvedRosters.get(config);
  if (cached && cached.from === config.developers && cached.roster.length === cached.from.length) {
    return [...cached.roster];
  }
  const roster = resolveRoster(config);
  resolvedRosters.set(config, { from: config.developers, roster });
  return [...roster];
}

function resolveRoster(config: EnvironmentConfig): readonly ResolvedDeveloper[] {
  const teams = new Map(config.teams.map((t) => [t.id, t]));
  return config.developers.map((d) => {
    const tiers = Object.freeze(entitledTierNames(config, d));
    return Object.freeze({
      id: d.id,
      slug: slugify(d.id),
      team: d.team,
      costCenter: d.costCenter ?? teams.get(d.team)!.costCenter,
      tiers,
      monthlyBudgetUsd: d.monthlyBudgetUsd ?? config.budgets.perDeveloper.defaultUsd,
      profileNames: Object.freeze(
        Object.fromEntries(tiers.map((t) => [t, profileName(config.project, d.id, t)])),
      ),
    });
  });
}

/**
 * Tiers a developer is entitled to: their `models` list if given, else every tier whose group
 * (if any) they belong to; plus the fast tier, which everyone gets. Order follows `models`.
 */
export function entitledTierNames(
  c: Pick<EnvironmentConfig, 'models' | 'fastModel'>,
  d: { models?: string[]; groups?: string[] },
): string[] {
  const tiers = Object.keys(c.models);
  const groups = d.groups ?? [];
  const chosen = new Set(
    d.models ??
      tiers.filter((t) => {
        const m = c.models[t];
        return typeof m === 'string' || m.group === undefined || groups.includes(m.group);
      }),
  );
  if (c.fastModel) chosen.add(c.fastModel);
  return tiers.filter((t) => chosen.has(t));
}
