/**
 * The tag that blocks a developer's application inference profile once they reach their spend cap.
 * The spend-cap enforcer sets it, the developer policy denies `bedrock:InvokeModel*` on a profile
 * whose `aws:ResourceTag/BudgetState` is `blocked`, and Terraform ignores changes to the key.
 */
export const BUDGET_STATE_TAG = 'BudgetState';
/** The {@link BUDGET_STATE_TAG} value that denies invoking the profile. */
export const BLOCKED_VALUE = 'blocked';
