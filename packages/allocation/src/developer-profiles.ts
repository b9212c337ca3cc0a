import { BedrockInferenceProfile } from '@cdktf/provider-aws/lib/bedrock-inference-profile';
import {
  BUDGET_STATE_TAG,
  DeploymentContextProps,
  ResolvedTier,
  compareCodeUnits,
  groupByDeveloper,
  profileName,
  validateContextProps,
} from '@claude-code-bedrock/core';
import {
  Fn,
  IResolvable,
  IResolveContext,
  TerraformIterator,
  TerraformLocal,
  TerraformStack,
  Token,
  ref,
} from 'cdktf';
import { Construct } from 'constructs';
import { profileDescription, profileKey, systemProfileArn } from './naming';
import { DeveloperProfilesPropsSchema } from './schema';

/** One developer as the allocation needs them. `ResolvedDeveloper` from core fits. */
export interface DeveloperProfileSpec {
  /**
   * The developer's id, usually an e-mail address or user name. It is the `User` tag of their
   * profiles and must equal the caller's `User` principal tag (or IAM user name).
   */
  readonly id: string;
  /** Team id: the `Team` tag. */
  readonly team: string;
  /** Cost center: the `CostCenter` tag. */
  readonly costCenter: string;
  /** Names of the tiers the developer is entitled to; one profile is created per tier. */
  readonly tiers: readonly string[];
}

/**
 * `context`: the project (no `--`) prefixes every profile name and is the `Project` tag; the
 * profiles are created in the region (a literal region code: it determines the partition) and
 * copied from the system profiles of the account (may be a token such as
 * `DataAwsCallerIdentity.accountId`). `context.tags` are extra tags on every profile, merged under
 * `User`, `Team`, `Project`, `CostCenter` and `Tier` (those five always win).
 */
export interface DeveloperProfilesProps extends DeploymentContextProps {
  /** Model tiers: tier name -> system cross-region inference profile id to copy from. */
  readonly tiers: readonly ResolvedTier[];
  /** The roster. Order does not matter. */
  readonly developers: readonly DeveloperProfileSpec[];
  /**
   * Application inference profiles allowed per account and region (Service Quotas:
   * "Application inference profiles per account"). Synthesis fails when the roster needs more.
   * @default 1000
   */
  readonly quota?: number;
  /**
   * Application inference profiles that already exist in the same account and region outside
   * this construct (other shards or environments, hand-made profiles); counted against `quota`.
   * @default 0 - this construct is the only user of the quota
   */
  readonly existingProfiles?: number;
  /** @deprecated pass `context.tags`; removed in the next minor */
  readonly tags?: Readonly<Record<string, string>>;
}

/** One developer's application inference profile for one tier. */
export interface InferenceProfileRef {
  /**
   * Profile ARN (`arn:aws:bedrock:<region>:<account>:application-inference-profile/<id>`); a token
   * for `local.<Arns>["<developer id>/<tier>"]`, the construct's map of every profile ARN (see
   * `DeveloperProfiles.arnMap`).
   */
  readonly arn: string;
  /** Profile id assigned by Bedrock; a token for the instance's `id`. */
  readonly id: string;
  /** Profile name (a literal): `profileName(project, developer id, tier)`. */
  readonly name: string;
  readonly tier: string;
  /**
   * The `for_each` resource of the developer's instance group; this profile is its instance
   * `profileKey(developer id, tier)`.
   */
  readonly resource: BedrockInferenceProfile;
}

/**
 * One entry of the `for_each` map: plain strings only, so synthesis stays linear in the roster and
 * the map reads like a hand-written `.tfvars` value.
 */
interface ProfileInstance {
  readonly name: string;
  readonly description: string;
  readonly user: string;
  readonly team: string;
  readonly cost_center: string;
  readonly tier: string;
}

/**
 * An element of a map-valued address: `<address>["<key>"]`, optionally followed by `.<attribute>`
 * (an attribute of one `for_each` instance, or one value of the ARN map local).
 *
 * It delegates the address to one shared cdktf reference (which also handles cross-stack use)
 * and adds the instance key and attribute itself, honouring `suppressBraces` like cdktf's own
 * references, so it works in attributes, outputs, string templates and `Fn` calls. Unlike a
 * reference per instance it captures no stack trace, which would cost ~0.1 ms per profile.
 */
class InstanceAttribute implements IResolvable {
  public readonly creationStack: string[] = [];

  constructor(
    private readonly address: IResolvable,
    private readonly key: string,
    private readonly attribute?: string,
  ) {}

  public resolve(context: IResolveContext): string {
    const braces = !context.suppressBraces;
    context.suppressBraces = true;
    // Developer ids hold letters, digits and _ . : / = + @ - only, so the JSON-quoted key is a
    // valid HCL string with nothing to escape or interpolate.
    const element = `${this.address.resolve(context)}[${JSON.stringify(this.key)}]`;
    const expression = this.attribute ? `${element}.${this.attribute}` : element;
    return braces ? `\${${expression}}` : expression;
  }

  public toString(): string {
    return Token.asString(this);
  }
}

/** Creates the instance's attribute tokens on first use only: most callers read a few, or none. */
class ProfileRef implements InferenceProfileRef {
  private arnToken?: string;
  private idToken?: string;

  constructor(
    public readonly name: string,
    public readonly tier: string,
    public readonly resource: BedrockInferenceProfile,
    private readonly address: () => IResolvable,
    private readonly arnMap: () => IResolvable,
    private readonly key: string,
  ) {}

  public get arn(): string {
    return (this.arnToken ??= Token.asString(new InstanceAttribute(this.arnMap(), this.key)));
  }

  public get id(): string {
    return (this.idToken ??= Token.asString(new InstanceAttribute(this.address(), this.key, 'id')));
  }
}

/**
 * One Bedrock application inference profile per developer and entitled model tier, copied from the
 * tier's system cross-region profile and tagged for cost attribution.
 *
 * Profiles are instances of `aws_bedrock_inference_profile` resources with `for_each` over maps
 * keyed `"<developer id>/<tier>"`: one resource per non-empty developer instance group (construct
 * ids `G00` .. `G63`, see `developerGroup` in core), because Terraform re-evaluates a resource's
 * whole `for_each` value for each instance it plans, which makes one map of n profiles cost O(n²)
 * in `terraform plan`. The group depends on the developer id alone, so reordering the roster
 * changes nothing and adding or removing a developer touches only their instances and their
 * group's map. Name, description and model source (which force replacement) depend only on the
 * project, developer id and tier (and the tier's system profile).
 */
export class DeveloperProfiles extends Construct {
  /**
   * The `for_each` resources holding the profiles, one per non-empty developer instance group, in
   * group order; instances are keyed `profileKey(developer id, tier)`.
   */
  public readonly resources: readonly BedrockInferenceProfile[];
  /**
   * Every profile ARN, keyed `profileKey(developer id, tier)`: a local computed once from all the
   * group resources. Profile `arn` tokens index it, because Terraform evaluates a reference to one
   * `for_each` instance by building every instance of that resource, each looked up in a linear
   * scan of the plan's changes: thousands of per-instance references (the Athena profile mapping
   * has one per profile) made `terraform plan` cubic, 5 minutes at 5,000 developers. A reference to
   * a local costs the same at any size.
   */
  public readonly arnMap: TerraformLocal;
  /**
   * Every profile ARN by developer and tier (developer id -> tier -> ARN), computed once by
   * Terraform from the group resources (their `User` and `Tier` tags): what per-developer outputs
   * such as `inference_profiles` are built from. `{}` for an empty roster.
   */
  public readonly developerArnMap: TerraformLocal;
  /** developer id -> tier -> profile. */
  public readonly profiles: Readonly<Record<string, Readonly<Record<string, InferenceProfileRef>>>>;
  /** Number of profiles created (developers x their tiers). */
  public readonly profileCount: number;

  private readonly tierNames: readonly string[];

  constructor(scope: Construct, id: string, props: DeveloperProfilesProps) {
    super(scope, id);
    const source = `DeveloperProfiles '${this.node.path}'`;
    const p = validateContextProps(DeveloperProfilesPropsSchema, props, source);
    const { project, accountId, region, tags } = p.context;
    this.tierNames = p.tiers.map((t) => t.name);

    // Developers sorted by id and their tiers in definition order: nothing the construct produces
    // (the for_each map, `profiles`, the maps of ARNs) depends on the order of the roster.
    const developers = [...p.developers].sort((a, b) => compareCodeUnits(a.id, b.id));
    const tierOrder = (tiers: readonly string[]) => this.tierNames.filter((t) => tiers.includes(t));

    const rows: {
      readonly developerId: string;
      readonly tier: string;
      readonly key: string;
      readonly entry: ProfileInstance;
    }[] = [];
    for (const developer of developers) {
      for (const tier of tierOrder(developer.tiers)) {
        rows.push({
          developerId: developer.id,
          tier,
          key: profileKey(developer.id, tier),
          entry: {
            name: profileName(project, developer.id, tier),
            description: profileDescription(project, developer.id, tier),
            user: developer.id,
            team: developer.team,
            cost_center: developer.costCenter,
            tier,
          },
        });
      }
    }
    // Keys sorted so each map (and the JSON) is byte-identical whatever the roster order. No key is
    // an array index (each contains `/`), so objects keep this insertion order.
    rows.sort((a, b) => compareCodeUnits(a.key, b.key));

    // The model source depends on the tier only: one ARN per tier (the account id may be a token),
    // looked up by the instance's tier, keeps the per-instance data free of tokens.
    // The maps live in locals: Terraform evaluates a resource's for_each and arguments several
    // times while planning, and a large literal map inline in the resource makes `terraform plan`
    // about twice as slow as the same map in a local (measured at 100-5,000 developers).
    const copyFrom = new TerraformLocal(
      this,
      'ModelSources',
      Object.fromEntries(
        p.tiers.map((t) => [t.name, systemProfileArn(region, accountId, t.profileId)]),
      ),
    );
    const stack = TerraformStack.of(this);
    const resources: BedrockInferenceProfile[] = [];
    // Built through Maps and Object.fromEntries: developer ids such as `__proto__` or
    // `constructor` must become own properties, never touch the prototype.
    const byDeveloper = new Map<string, [string, InferenceProfileRef][]>();
    for (const [label, group] of groupByDeveloper(rows, (r) => r.developerId)) {
      const entries = new TerraformLocal(
        this,
        `Entries${label}`,
        Object.fromEntries(group.map((r) => [r.key, r.entry])),
      );
      const each = TerraformIterator.fromMap(entries.asAnyMap);
      const resource = new BedrockInferenceProfile(this, label, {
        forEach: each,
        name: each.getString('name'),
        description: each.getString('description'),
        modelSource: [
          { copyFrom: Token.asString(Fn.lookup(copyFrom.asStringMap, each.getString('tier'))) },
        ],
        tags: {
          ...tags,
          User: each.getString('user'),
          Team: each.getString('team'),
          Project: project,
          CostCenter: each.getString('cost_center'),
          Tier: each.getString('tier'),
        },
        // The spend-cap enforcer sets and removes this tag; a plan must not undo it.
        lifecycle: {
          ignoreChanges: [`tags["${BUDGET_STATE_TAG}"]`, `tags_all["${BUDGET_STATE_TAG}"]`],
        },
      });
      resources.push(resource);
      // One reference to the resource (`aws_bedrock_inference_profile.<logical id>`) shared by
      // every instance attribute of the group, made on first use like the resource's own tokens.
      let address: IResolvable | undefined;
      const addressOf = (): IResolvable =>
        (address ??= ref(`${resource.terraformResourceType}.${resource.friendlyUniqueId}`, stack));
      for (const r of group) {
        const list = byDeveloper.get(r.developerId) ?? [];
        list.push([
          r.tier,
          new ProfileRef(r.entry.name, r.tier, resource, addressOf, () => arnMapOf(), r.key),
        ]);
        byDeveloper.set(r.developerId, list);
      }
    }
    this.resources = resources;
    // Every instance of every group resource as one map (keys are unique across groups): the one
    // place the group addresses are listed. Same stack, so plain addresses.
    const groups = resources.map((r) => `${r.terraformResourceType}.${r.friendlyUniqueId}`);
    const instances = groups.length === 1 ? groups[0] : `merge(${groups.join(', ')})`;
    this.arnMap = new TerraformLocal(
      this,
      'Arns',
      groups.length === 0 ? {} : `\${ { for key, profile in ${instances} : key => profile.arn } }`,
    );
    this.developerArnMap = new TerraformLocal(
      this,
      'DeveloperArns',
      groups.length === 0
        ? {}
        : `\${ { for dev, ps in { for p in values(${instances}) : p.tags["User"] => p... } : dev => { for p in ps : p.tags["Tier"] => p.arn } } }`,
    );
    let arnMapRef: IResolvable | undefined;
    const arnMapOf = (): IResolvable =>
      (arnMapRef ??= ref(`local.${this.arnMap.friendlyUniqueId}`, stack));
    // Tiers in definition order within each developer, developers sorted by id.
    const tierIndex = new Map(this.tierNames.map((t, i) => [t, i]));
    for (const list of byDeveloper.values()) {
      list.sort(([a], [b]) => tierIndex.get(a)! - tierIndex.get(b)!);
    }
    const sortedDevelopers = [...byDeveloper.keys()].sort(compareCodeUnits);
    this.profiles = Object.freeze(
      Object.fromEntries(
        sortedDevelopers.map((developerId) => [
          developerId,
          Object.freeze(Object.fromEntries(byDeveloper.get(developerId)!)),
        ]),
      ),
    );
    this.profileCount = rows.length;
  }

  /** developer id -> ARN of the given tier (developers without that tier are left out). */
  public arnsForTier(tier: string): Record<string, string> {
    this.assertTier(tier);
    return Object.fromEntries(
      Object.entries(this.profiles).flatMap(([developer, byTier]) =>
        Object.prototype.hasOwnProperty.call(byTier, tier) ? [[developer, byTier[tier].arn]] : [],
      ),
    );
  }

  /** developer id -> tier -> ARN, for every developer (an output such as `inference_profiles`). */
  public arnsByDeveloper(): Record<string, Record<string, string>> {
    return Object.fromEntries(
      Object.entries(this.profiles).map(([developer, byTier]) => [
        developer,
        Object.fromEntries(Object.entries(byTier).map(([tier, ref]) => [tier, ref.arn])),
      ]),
    );
  }

  /** The profile of one developer and tier. Throws if the developer has no profile for it. */
  public profileFor(developerId: string, tier: string): InferenceProfileRef {
    this.assertTier(tier);
    const byTier = Object.prototype.hasOwnProperty.call(this.profiles, developerId)
      ? this.profiles[developerId]
      : undefined;
    if (!byTier)
      throw new Error(`DeveloperProfiles '${this.node.path}': no developer '${developerId}'`);
    if (!Object.prototype.hasOwnProperty.call(byTier, tier)) {
      throw new Error(
        `DeveloperProfiles '${this.node.path}': developer '${developerId}' is not entitled to tier '${tier}' (has ${Object.keys(byTier).join(', ') || 'none'})`,
      );
    }
    return byTier[tier];
  }

  private assertTier(tier: string): void {
    if (!this.tierNames.includes(tier)) {
      throw new Error(
        `DeveloperProfiles '${this.node.path}': unknown tier '${tier}' (tiers: ${this.tierNames.join(', ')})`,
      );
    }
  }
}
