// Render Manifests: app spec in, Kubernetes objects out (in apply order), with the same objects
// as one YAML stream, the Grafana dashboard, and the remediation policy annotations.
import { InvalidInputError } from '../errors';
import { validateClusterProfile, type ClusterProfile } from './cluster';
import { buildContext, type ContextOptions } from './context';
import { CLUSTER_SCOPED_KINDS, inApplyOrder, type KubeObject } from './order';
import type { RemediationPolicy } from './policy';
import { validateAppSpec, type AppSpec } from './spec';
import { templateSet } from './templates';
import { toYamlStream } from './yamlOutput';

export interface RenderOptions extends ContextOptions {
	/** the cluster's settings (ingress class, issuer, monitoring namespace and labels …) */
	cluster?: Partial<Record<keyof ClusterProfile, unknown>>;
	/** template name → the user's text, overriding or adding to the package's templates */
	templates?: Record<string, string>;
}

export interface RenderResult {
	name: string;
	namespace: string;
	spec: AppSpec;
	/** in apply order */
	objects: KubeObject[];
	/** the objects as one multi-document YAML */
	yaml: string;
	/** Grafana dashboard model (post it as {"dashboard": …, "overwrite": true}) */
	dashboard: Record<string, unknown>;
	policy: RemediationPolicy;
	/** what Repair Action reads back from the workloads */
	policyAnnotations: Record<string, string>;
	/** the templates that rendered objects, and those whose text came from the user */
	templates: { rendered: string[]; overridden: string[] };
	warnings: string[];
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A rendered document must be a Kubernetes object; namespaced kinds land in the app's namespace. */
function asKubeObject(doc: unknown, template: string, namespace: string): KubeObject {
	const field = `templates.${template}`;
	const meta = isObject(doc) && isObject(doc.metadata) ? doc.metadata : undefined;
	if (
		!isObject(doc) ||
		typeof doc.apiVersion !== 'string' ||
		typeof doc.kind !== 'string' ||
		!meta ||
		typeof meta.name !== 'string' ||
		meta.name === ''
	) {
		throw new InvalidInputError(
			`${field}: rendered a document that is not a Kubernetes object (apiVersion, kind and metadata.name are required)`,
			field,
		);
	}
	if (!CLUSTER_SCOPED_KINDS.has(doc.kind) && meta.namespace === undefined)
		meta.namespace = namespace;
	return doc as KubeObject;
}

export function renderManifests(input: unknown, options: RenderOptions = {}): RenderResult {
	const cluster = validateClusterProfile(options.cluster);
	const { spec, warnings } = validateAppSpec(input, cluster);
	const templates = templateSet(options.templates);
	const context = buildContext(spec, cluster, options);

	const objects: KubeObject[] = [];
	const origin = new Map<string, string>();
	const rendered: string[] = [];
	for (const template of templates.objectTemplates(
		spec.framework,
		spec.addons.map((a) => a.type),
	)) {
		const docs = template.render(context, templates.partials);
		if (docs.length > 0) rendered.push(template.name);
		for (const doc of docs) {
			const object = asKubeObject(doc, template.name, spec.namespace);
			const id = `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
			const first = origin.get(id);
			if (first) {
				const field = `templates.${template.name}`;
				throw new InvalidInputError(
					`${field}: renders ${object.kind} ${object.metadata.name}, which ${first} renders too`,
					field,
				);
			}
			origin.set(id, template.name);
			objects.push(object);
		}
	}
	const [dashboard] = templates.dashboard().render(context, templates.partials);
	if (!isObject(dashboard)) {
		throw new InvalidInputError(
			'templates.monitoring/dashboard.json: must render a JSON object',
			'templates.monitoring/dashboard.json',
		);
	}
	const ordered = inApplyOrder(objects);
	return {
		name: spec.name,
		namespace: spec.namespace,
		spec,
		objects: ordered,
		yaml: toYamlStream(ordered),
		dashboard,
		policy: spec.policy,
		policyAnnotations: context.policyAnnotations,
		templates: { rendered, overridden: templates.overridden },
		warnings,
	};
}
