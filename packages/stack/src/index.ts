export * from './app';
export * from './network';
export * from './outputs';
export * from './settings';
export * from './shard-stack';
export * from './stack';
export * from './synth';
export * from './target';
