export * from './fingerprint';
export * from './replicas';
export * from './signature';
export * from './webhook';
export * from './workload';
export * from './filters';
export * from './receiverAuth';
