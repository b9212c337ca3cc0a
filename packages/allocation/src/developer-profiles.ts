import { BedrockInferenceProfile } from '@cdktf/provider-aws/lib/bedrock-inference-profile';
import { ResolvedTier, profileName, validateWith } from '@claude-code-bedrock/core';
import { Construct } from 'constructs';
import { constructIdFor, profileDescription, systemProfileArn } from './naming';
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

export interface DeveloperProfilesProps {
  /** Project name: prefix of every profile name and the `Project` tag. */
  readonly project: string;
  /** Region the profiles are created in (a literal region code; it determines the partition). */
  readonly region: string;
  /** Account of the system profiles to copy from; may be a token (`DataAwsCallerIdentity.accountId`). */
  readonly accountId: string;
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
  /**
   * Extra tags on every profile, merged under `User`, `Team`, `Project`, `CostCenter` and `Tier`
   * (those five always win).
   * @default {} - only the five attribution tags
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/** One developer's application inference profile for one tier. */
export interface InferenceProfileRef {
  /** Profile ARN (`arn:aws:bedrock:<region>:<account>:application-inference-profile/<id>`); a token. */
  readonly arn: string;
  /** Profile id assigned by Bedrock; a token. */
  readonly id: string;
  /** Profile name (a literal): `profileName(project, developer id, tier)`. */
  readonly name: string;
  readonly tier: string;
  readonly resource: BedrockInferenceProfile;
}

/**
 * Reads the resource's attributes on first use only: every attribute token costs cdktf a stack
 * trace capture, which adds up over thousands of profiles that the caller may never reference.
 */
class ProfileRef implements InferenceProfileRef {
  private arnToken?: string;
  private idToken?: string;

  constructor(
    public readonly name: string,
    public readonly tier: string,
    public readonly resource: BedrockInferenceProfile,
  ) {}

  public get arn(): string {
    return (this.arnToken ??= this.resource.arn);
  }

  public get id(): string {
    return (this.idToken ??= this.resource.id);
  }
}

/**
 * One Bedrock application inference profile per developer and entitled model tier, copied from the
 * tier's system cross-region profile and tagged for cost attribution.
 *
 * Terraform addresses derive from the developer id and tier only (`<id>/<developer>/<tier>`), so
 * reordering the roster changes nothing and adding or removing a developer touches only their
 * profiles. Name, description and model source (which force replacement) depend only on the
 * project, developer id and tier (and the tier's system profile).
 */
export class DeveloperProfiles extends Construct {
  /** developer id -> tier -> profile. */
  public readonly profiles: Readonly<Record<string, Readonly<Record<string, InferenceProfileRef>>>>;
  /** Number of profiles created (developers x their tiers). */
  public readonly profileCount: number;

  private readonly tierNames: readonly string[];

  constructor(scope: Construct, id: string, props: DeveloperProfilesProps) {
    super(scope, id);
    const p = validateWith(
      DeveloperProfilesPropsSchema,
      props,
      `DeveloperProfiles '${this.node.path}'`,
    );
    this.tierNames = p.tiers.map((t) => t.name);

    const copyFrom = new Map(
      p.tiers.map((t) => [t.name, systemProfileArn(p.region, props.accountId, t.profileId)]),
    );
    // Developers sorted by id and their tiers in definition order: nothing the construct produces
    // (resources, `profiles`, the maps of ARNs) depends on the order of the roster.
    const developers = [...p.developers].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const tierOrder = (tiers: readonly string[]) => this.tierNames.filter((t) => tiers.includes(t));

    let count = 0;
    const profiles: [string, Readonly<Record<string, InferenceProfileRef>>][] = [];
    for (const developer of developers) {
      const scopeOfDeveloper = new Construct(this, constructIdFor(developer.id));
      const refs: [string, InferenceProfileRef][] = [];
      for (const tier of tierOrder(developer.tiers)) {
        const name = profileName(p.project, developer.id, tier);
        const resource = new BedrockInferenceProfile(scopeOfDeveloper, constructIdFor(tier), {
          name,
          description: profileDescription(p.project, developer.id, tier),
          modelSource: [{ copyFrom: copyFrom.get(tier)! }],
          tags: {
            ...p.tags,
            User: developer.id,
            Team: developer.team,
            Project: p.project,
            CostCenter: developer.costCenter,
            Tier: tier,
          },
        });
        refs.push([tier, new ProfileRef(name, tier, resource)]);
        count += 1;
      }
      profiles.push([developer.id, Object.freeze(Object.fromEntries(refs))]);
    }
    this.profiles = Object.freeze(Object.fromEntries(profiles));
    this.profileCount = count;
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
