export * from './credentialChecks';
export * from './embedded';
export * from './failure';
export * from './migrations';
export * from './postgres';
export * from './redis';
export * from './sql';
