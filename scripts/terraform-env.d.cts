// Types of terraform-env.cjs, for the TypeScript that loads it (@claude-code-bedrock/testing).
type Env = Record<string, string | undefined>;

export declare const TF_CLI_CONFIG: string;
export declare function terraformCliConfig(env?: Env): string;
export declare function quietProviderLogs(env?: Env): { TF_LOG_SDK?: 'off' };
export declare function terraformEnv(extra?: Env, env?: Env): Env;
