export * from './diagnose';
export * from './types';
export { RULES, RECENT_ROLLOUT_SECONDS } from './rules';
