import { z } from 'zod';
import { ConfigError, renderValue, validateWith } from '../errors';
import { ACCOUNT_ID, PROJECT_NAME, REGION } from './fields';
import { tagMap, TAG_VALUE } from './tags';
import { tokenOr } from './token';

/** Where a construct is deployed: the fields every environment-scoped construct shares. */
export interface DeploymentContext {
  /** Project name (3-24 characters of a-z, 0-9 and -): the prefix of the resource names. */
  readonly project: string;
  /** Account id used in ARNs; may be an unresolved token (`DataAwsCallerIdentity.accountId`). */
  readonly accountId: string;
  /** Home region of the deployment (it also gives the ARN partition). */
  readonly region: string;
  /**
   * Extra tags for the constructs that tag their resources themselves (see each construct); the
   * provider's `default_tags` cover every resource.
   * @default - none
   */
  readonly tags?: Readonly<Record<string, string>>;
}

export const DeploymentContextSchema = z.object({
  project: PROJECT_NAME,
  accountId: tokenOr(ACCOUNT_ID),
  region: tokenOr(REGION),
  tags: tagMap(tokenOr(TAG_VALUE)).optional(),
});

/** Props of a construct that lives in one deployment. */
export interface DeploymentContextProps {
  /**
   * Project, account, region and extra tags. Required: optional in the type only while the
   * deprecated `project`, `accountId` and `region` props are accepted.
   */
  readonly context?: DeploymentContext;
  /** @deprecated pass `context.project`; removed in the next minor */
  readonly project?: string;
  /** @deprecated pass `context.accountId`; removed in the next minor */
  readonly accountId?: string;
  /** @deprecated pass `context.region`; removed in the next minor */
  readonly region?: string;
}

const LEGACY_KEYS = ['project', 'accountId', 'region', 'tags'] as const;

/**
 * The construct's context: `props.context`, or one built from the deprecated top-level
 * `project`, `accountId`, `region` (and `tags` where a construct had it). Validation (the
 * construct's schema) reports a missing context. Throws when both forms are given.
 */
export function deploymentContextOf(
  props: DeploymentContextProps & { readonly tags?: Readonly<Record<string, string>> },
  source: string,
): DeploymentContext | undefined {
  const legacy = LEGACY_KEYS.filter((k) => props[k] !== undefined);
  if (props.context !== undefined && legacy.length > 0) {
    throw new ConfigError(
      legacy.map((k) => ({
        path: k,
        value: renderValue(props[k]),
        message: `cannot be combined with context: pass it as context.${k}`,
      })),
      source,
    );
  }
  if (props.context !== undefined || legacy.length === 0) return props.context;
  const { project, accountId, region, tags } = props;
  // A missing field is reported by the construct's schema, with its path.
  return { project, accountId, region, tags } as DeploymentContext;
}

/**
 * {@link validateWith} for the props of a construct that lives in one deployment: the deprecated
 * top-level `project`, `accountId`, `region` (and `tags`) are folded into `context` first.
 */
export function validateContextProps<S extends z.ZodType>(
  schema: S,
  props: DeploymentContextProps & { readonly tags?: Readonly<Record<string, string>> },
  source: string,
): z.output<S> {
  return validateWith(schema, { ...props, context: deploymentContextOf(props, source) }, source);
}
