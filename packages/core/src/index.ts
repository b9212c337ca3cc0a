export * from './errors';
export * from './load';
export * from './naming';
export * from './pricing';
export * from './regions';
export * from './roster';
export * from './schema';
export * from './tags';
