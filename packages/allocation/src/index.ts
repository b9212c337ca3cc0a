export * from './developer-profiles';
export * from './naming';
export * from './schema';
