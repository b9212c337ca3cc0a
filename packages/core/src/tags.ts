/** Tags the kit puts on every taggable resource (through the provider's default_tags). */
export function commonTags(
  project: string,
  environment: string,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  return { ...extra, Project: project, Environment: environment, ManagedBy: 'claude-code-bedrock' };
}

/** Cost-allocation tag keys the kit sets on inference profiles. */
export const COST_ALLOCATION_TAG_KEYS = ['User', 'Team', 'Project', 'CostCenter'] as const;
