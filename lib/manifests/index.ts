export * from './cluster';
export * from './frameworks';
export * from './order';
export * from './plans';
export * from './policy';
export * from './render';
export * from './spec';
export { readTemplateFolder, TEMPLATE_NAMES, DASHBOARD_TEMPLATE } from './templates';
export { toYamlDocument, toYamlStream } from './yamlOutput';
