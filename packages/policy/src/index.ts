export * from './checks';
export * from './compliance';
export * from './evaluate';
export * from './iam';
export * from './model';
export * from './rule';
export * from './rules';
export * from './suppress';
