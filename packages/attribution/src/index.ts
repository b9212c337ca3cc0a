export * from './cost-attribution';
export * from './invocation-log-table';
export * from './profile-mapping';
export * from './props';
export * from './queries';
export * from './results-bucket';
