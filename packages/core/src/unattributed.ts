/**
 * The name usage not made through a developer profile goes by: the enforcer's usage row, the cost
 * queries' developer prefix, team and cost center, the report's row. Reserved: the config refuses
 * it as a developer, team or cost-center id, or their usage would merge with everybody's
 * unattributed calls.
 */
export const UNATTRIBUTED = 'unattributed';
