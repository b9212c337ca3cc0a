export * from './app';
export * from './settings';
export * from './stack';
export * from './target';
