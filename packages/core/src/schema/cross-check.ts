import { z } from 'zod';
import { roleSessionName } from '../naming';
import { entitledTierNames } from '../roster';
import { MAX_EMAILS_PER_NOTIFICATION, teamAlertEmailsOverLimit } from './budgets';
import { checkPriced } from './models';
import { checkStsEndpointTrust } from './network';
import { checkSlugCollisions, indexIds } from './roster';
import { profileQuotaExcess } from './settings';

type Ctx = z.RefinementCtx;
type Loose = Record<string, unknown>;
const obj = (v: unknown): Loose =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Loose) : {};
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Checks that span fields (references, uniqueness, quotas). Runs even when field-level checks
 * failed, so one run reports every problem; it therefore reads the input defensively.
 */
export function crossCheck(raw: unknown, ctx: Ctx): void {
  const c = obj(raw);
  const issue = (path: (string | number)[], input: unknown, message: string) =>
    ctx.addIssue({ code: 'custom', path, input, message });
  const models = obj(c.models);
  const tiers = Object.keys(models);
  const prices = obj(c.prices);

  for (const key of ['defaultModel', 'fastModel'] as const) {
    const tier = str(c[key]);
    if (tier !== undefined && !tiers.includes(tier)) {
      issue([key], tier, `must name a tier defined in models (${tiers.join(', ')})`);
    }
  }
  if (c.prices !== undefined) {
    checkPriced(tiers, prices, ctx);
    for (const tier of Object.keys(prices)) {
      if (!tiers.includes(tier))
        issue(['prices', tier], tier, `prices a tier not defined in models`);
    }
  }

  const teamIds = indexIds(c.teams, 'teams', ctx);
  const devIds = indexIds(c.developers, 'developers', ctx);
  checkSlugCollisions(devIds, 'profile names', ctx);
  arr(c.developers).forEach((raw, i) => {
    const d = obj(raw);
    const id = str(d.id);
    // A repeated developer is reported once, as a duplicate.
    if (id === undefined || devIds.get(id) !== i) return;
    const team = str(d.team);
    if (team !== undefined && !teamIds.has(team)) {
      issue(
        ['developers', i, 'team'],
        team,
        `is not a defined team id (${[...teamIds.keys()].join(', ')})`,
      );
    }
    const groups = arr(d.groups);
    arr(d.models).forEach((m, j) => {
      if (typeof m !== 'string') return;
      if (!tiers.includes(m)) {
        issue(['developers', i, 'models', j], m, `is not a model tier (${tiers.join(', ')})`);
        return;
      }
      const group = str(obj(models[m]).group);
      if (group && !groups.includes(group)) {
        issue(
          ['developers', i, 'models', j],
          m,
          `is restricted to group '${group}', which this developer is not in (developers[${i}].groups)`,
        );
      }
    });
  });

  const sessions = new Map<string, string>();
  for (const [id, index] of devIds) {
    const session = roleSessionName(id);
    if (session.length < 2) {
      issue(
        ['developers', index, 'id'],
        id,
        'must be at least 2 characters: it is the STS role session name of the developer',
      );
    }
    const first = sessions.get(session);
    if (first !== undefined) {
      issue(
        ['developers', index, 'id'],
        id,
        `has the same role session name '${session}' as '${first}' (developers[${devIds.get(first)}]); the invocation logs could not tell them apart`,
      );
    } else sessions.set(session, id);
  }

  const access = obj(c.access);
  if (
    access.admins === undefined &&
    access.developers !== undefined &&
    arr(obj(access.developers).principals).length === 0
  ) {
    issue(
      ['access', 'admins'],
      undefined,
      'is required when access.developers has no IAM principals (the admin role falls back to those principals)',
    );
  }

  if (c.network !== undefined) checkStsEndpointTrust(obj(c.network), obj(access.developers), ctx);

  const ssoStartUrl = obj(c.claudeCode).ssoStartUrl;
  if (ssoStartUrl !== undefined && obj(c.attribution).identityCenterInstanceArn === undefined) {
    issue(
      ['claudeCode', 'ssoStartUrl'],
      ssoStartUrl,
      'needs attribution.identityCenterInstanceArn: the generated AWS CLI profile signs in to the permission set this stack creates',
    );
  }
  if (
    obj(c.attribution).identityCenterInstanceArn !== undefined &&
    access.identity === 'username'
  ) {
    issue(
      ['access', 'identity'],
      access.identity,
      "must be 'principalTag' with attribution.identityCenterInstanceArn: Identity Center sessions carry the User tag, not an IAM user name",
    );
  }

  const sharedEmails = arr(obj(c.budgets).alertEmails);
  arr(c.teams).forEach((t, i) => {
    const emails = arr(obj(t).alertEmails);
    const subscribers = teamAlertEmailsOverLimit(sharedEmails, emails);
    if (subscribers !== undefined) {
      issue(
        ['teams', i, 'alertEmails'],
        emails,
        `with budgets.alertEmails makes ${subscribers} e-mail subscribers; AWS Budgets allows at most ${MAX_EMAILS_PER_NOTIFICATION} per notification`,
      );
    }
  });

  if (obj(obj(c.budgets).perDeveloper).enforce === true && obj(c.allocation).shardBy === 'team') {
    issue(
      ['budgets', 'perDeveloper', 'enforce'],
      true,
      'cannot be combined with allocation.shardBy: team yet (the enforcer blocks the profiles it finds in the environment stack); keep allocation in one stack or turn enforcement off',
    );
  }

  const fastModel = str(c.fastModel);
  const required = arr(c.developers).reduce<number>(
    (n, d) =>
      n +
      entitledTierNames(
        { models: models as Parameters<typeof entitledTierNames>[0]['models'], fastModel },
        {
          models: Array.isArray(obj(d).models)
            ? arr(obj(d).models).filter(
                (m): m is string => typeof m === 'string' && tiers.includes(m),
              )
            : undefined,
          groups: arr(obj(d).groups).filter((g): g is string => typeof g === 'string'),
        },
      ).length,
    0,
  );
  const excess = profileQuotaExcess(required, obj(c.allocation).quota);
  if (excess !== undefined) {
    issue(
      ['allocation', 'quota'],
      excess.quota,
      `is ${excess.quota} but the ${arr(c.developers).length} developers need ${required} application inference profiles; request a Bedrock quota increase and raise allocation.quota, or split the roster (allocation.shardBy: team, or another account/region)`,
    );
  }
}
