export * from './sharedSecrets';
