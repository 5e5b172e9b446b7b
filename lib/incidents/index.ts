export * from './alertInput';
export * from './incidentStore';
export * from './service';
export * from './sqlSchema';
export * from './tier';
export * from './types';
