export * from './collect';
export * from './logSignals';
export * from './summary';
export * from './types';
export { runSource } from './source';
