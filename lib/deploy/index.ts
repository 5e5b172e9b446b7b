export * from './appStatus';
export * from './deleteApp';
export * from './deployApp';
export * from './dryRunApp';
export * from './failure';
export * from './policy';
export * from './steps';
export * from './planDeploy';
