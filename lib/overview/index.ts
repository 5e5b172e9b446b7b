export * from './checks';
export * from './executions';
export * from './metrics';
export * from './page';
export * from './snapshot';
export * from './text';
