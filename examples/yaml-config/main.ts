// A complete environment from a YAML file: loadConfigFile reads and validates config.yaml (every
// problem reported at once, with its path and the offending value) before anything is built.
import { App } from 'cdktf';
import { loadConfigFile } from '@claude-code-bedrock/core';
import { ClaudeCodeBedrockStack } from '@claude-code-bedrock/stack';

const config = loadConfigFile('config.yaml'); // relative to the directory cdktf runs the app in
const app = new App();
new ClaudeCodeBedrockStack(app, config.environment, { config });
app.synth();
