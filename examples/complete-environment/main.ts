// A complete environment (roles, profiles, logging, attribution, budgets, outputs and the policy
// checks) from a configuration built in code. The object literal is typed as the YAML file is
// (EnvironmentConfigInput: defaults optional); validateConfig checks it exactly as a config file
// is checked, applies the defaults and returns the EnvironmentConfig the stack takes.
import { App } from 'cdktf';
import { EnvironmentConfigInput, validateConfig } from '@claude-code-bedrock/core';
import { ClaudeCodeBedrockStack } from '@claude-code-bedrock/stack';

const input: EnvironmentConfigInput = {
  project: 'acme-claude',
  environment: 'dev',
  region: 'us-east-1',
  bucketPrefix: 'acme-dev',
  models: { sonnet: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' },
  prices: { sonnet: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 } },
  teams: [{ id: 'platform', costCenter: 'CC-100', monthlyBudgetUsd: 2000 }],
  developers: [{ id: 'jane.doe@example.com', team: 'platform' }],
  access: { developers: { principals: ['arn:aws:iam::123456789012:root'] } },
  budgets: { monthlyUsd: 10000, alertEmails: ['finops@example.com'] },
};

// Throws one ConfigError listing every problem (path, offending value) before anything is built.
const config = validateConfig(input, 'main.ts');

const app = new App();
new ClaudeCodeBedrockStack(app, config.environment, { config });
app.synth();
