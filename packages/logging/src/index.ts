export * from './audit-trail';
export * from './bedrock-audit-logging';
export * from './fields';
export * from './hardened-bucket';
export * from './invocation-log-queries';
export * from './invocation-logging-configuration';
export * from './vpc-flow-logs';
