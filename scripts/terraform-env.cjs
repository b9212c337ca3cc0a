// The environment of every Terraform run of the project: the scripts (scripts/lib.mjs) and the
// tests (@claude-code-bedrock/testing) both take it from here. CommonJS so both can load it.
const { join } = require('node:path');

/** Terraform CLI config that installs hashicorp/* from the machine's filesystem mirror. */
const TF_CLI_CONFIG = join(__dirname, 'terraformrc');

/** The CLI config a run uses: the file `CCB_TF_CLI_CONFIG` names, else {@link TF_CLI_CONFIG}. */
function terraformCliConfig(env = process.env) {
  return env.CCB_TF_CLI_CONFIG ?? TF_CLI_CONFIG;
}

/**
 * Provider SDK logging off unless the user asked for logs. The AWS provider's plugin SDKs emit
 * TRACE logs on every RPC even when TF_LOG is unset; Terraform parses each line and throws it
 * away. That costs about half of `terraform plan` at 2,000 profiles (36 s -> 16-18 s measured
 * here; hashicorp/terraform-plugin-framework#1269). Any TF_LOG* setting of the caller wins.
 */
function quietProviderLogs(env = process.env) {
  return Object.keys(env).some((k) => k.startsWith('TF_LOG')) ? {} : { TF_LOG_SDK: 'off' };
}

/**
 * Environment for terraform: `env` (default: this process's) with the project's CLI config, quiet
 * provider logs, no prompts, no checkpoint calls, then `extra`. Changes nothing in `env`.
 */
function terraformEnv(extra = {}, env = process.env) {
  return {
    ...env,
    ...quietProviderLogs(env),
    TF_CLI_CONFIG_FILE: terraformCliConfig(env),
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    ...extra,
  };
}

module.exports = { TF_CLI_CONFIG, terraformCliConfig, quietProviderLogs, terraformEnv };
