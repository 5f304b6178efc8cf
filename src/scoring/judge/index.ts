export * from './judge.js';
export * from './schema.js';
