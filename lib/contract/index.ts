// The item contract: what travels between the nodes of this package (DESIGN.md "The item
// contract"). The trigger writes the alert and its identity; each node after it adds one
// section through its writer, and reads the others through their readers.
export * from './alert';
export * from './fields';
export * from './frequency';
export * from './incident';
export * from './notification';
export * from './repair';
export * from './evidence';
