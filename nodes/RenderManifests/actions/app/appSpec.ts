// The parameters both operations share (where the app spec comes from, the spec's fields, the
// ops team's policy overrides, the cluster's settings, template overrides) and how they become
// the input of lib/manifests. Validation is lib's: this only gathers values.
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	ADDONS,
	FRAMEWORKS,
	NOTIFICATION_CHANNELS,
	REPAIR_ACTIONS,
	TEMPLATE_NAMES,
	readTemplateFolder,
	type RenderOptions,
} from '../../../../lib/manifests';

const label = (value: string) =>
	value
		.split('_')
		.map((w) => w.charAt(0).toUpperCase() + w.slice(1))
		.join(' ');
const options = (values: readonly string[], names: Record<string, string> = {}) =>
	values.map((value) => ({ name: names[value] ?? label(value), value }));

const FRAMEWORK_NAMES: Record<string, string> = {
	flask: 'Flask',
	django: 'Django (with Celery Worker)',
	nodejs: 'Node.js',
	nextjs: 'Next.js',
	static: 'Static Site (Nginx)',
};
const CHANNEL_NAMES: Record<string, string> = { line: 'LINE', email: 'Email' };

const fromParameters = { show: { specSource: ['parameters'] } };

export const appSpecProperties: INodeProperties[] = [
	{
		displayName: 'App Spec',
		name: 'specSource',
		type: 'options',
		options: [
			{
				name: 'From Input Item',
				value: 'item',
				description: 'The spec is in the item, e.g. the body of a Webhook',
			},
			{ name: 'Define Below', value: 'parameters', description: 'Fill in the fields below' },
		],
		default: 'parameters',
	},
	{
		displayName: 'Spec Field',
		name: 'specField',
		type: 'string',
		default: 'body',
		placeholder: 'body',
		displayOptions: { show: { specSource: ['item'] } },
		description:
			"Dot path of the app spec in the item's JSON ('body' for a Webhook node's output); empty for the whole item",
	},
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'event-system',
		displayOptions: fromParameters,
		description:
			"The app's name: lowercase letters, digits and '-', starting with a letter, at most 40 characters. It names the namespace (app-NAME) and every object.",
	},
	{
		displayName: 'Domain',
		name: 'domain',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'event.example.com',
		displayOptions: fromParameters,
		description: 'Host name the app is served on over HTTPS',
	},
	{
		displayName: 'Framework',
		name: 'framework',
		type: 'options',
		options: options(FRAMEWORKS, FRAMEWORK_NAMES),
		default: 'flask',
		displayOptions: fromParameters,
	},
	{
		displayName: 'Image',
		name: 'image',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'registry.example.com/team/app:1.4.2',
		displayOptions: fromParameters,
		description:
			'Container image reference; prefer a fixed tag or digest so a rollback means something',
	},
	{
		displayName: 'Plan',
		name: 'plan',
		type: 'options',
		options: [
			{ name: 'Basic (256Mi / 250m)', value: 'basic' },
			{ name: 'Standard (512Mi / 500m)', value: 'standard' },
			{ name: 'Advanced (1Gi / 1 CPU)', value: 'advanced' },
			{ name: 'Professional (2Gi / 2 CPU)', value: 'professional' },
		],
		default: 'standard',
		displayOptions: fromParameters,
		description:
			'Resources per pod (requests; limits are twice as much), default replicas and addon sizes',
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: fromParameters,
		options: [
			{
				displayName: 'Addons',
				name: 'addons',
				type: 'multiOptions',
				options: options(ADDONS, { postgresql: 'PostgreSQL', redis: 'Redis' }),
				default: [],
			},
			{
				displayName: 'Display Name',
				name: 'displayName',
				type: 'string',
				default: '',
				description: 'Human name shown in alerts and the dashboard (any text, one line)',
			},
			{
				displayName: 'Environment Variables',
				name: 'env',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
				options: [
					{
						displayName: 'Variable',
						name: 'variables',
						values: [
							{ displayName: 'Name', name: 'name', type: 'string', default: '' },
							{ displayName: 'Value', name: 'value', type: 'string', default: '' },
						],
					},
				],
			},
			{
				displayName: 'Health Path',
				name: 'healthPath',
				type: 'string',
				default: '',
				placeholder: '/health',
				description:
					"Path the liveness and readiness probes call; empty for the framework's default",
			},
			{
				displayName: 'Init Command',
				name: 'initCommand',
				type: 'string',
				default: '',
				placeholder: 'python manage.py migrate --noinput',
				description:
					'Runs before the app starts, from its image (words separated by spaces, or a JSON array); "[]" for none. Django migrates by default.',
			},
			{
				displayName: 'Internet Egress',
				name: 'internetEgress',
				type: 'boolean',
				default: false,
				description:
					'Whether the NetworkPolicy lets the app reach the internet (besides DNS and its own addons)',
			},
			{
				displayName: 'Metrics Path',
				name: 'metricsPath',
				type: 'string',
				default: '',
				placeholder: '/metrics',
				description:
					'Path Prometheus scrapes; "none" if the app serves no metrics; empty for the framework\'s default',
			},
			{
				displayName: 'Namespace',
				name: 'namespace',
				type: 'string',
				default: '',
				description:
					'Namespace to deploy into; empty for the prefix (Cluster settings) plus the name',
			},
			{
				displayName: 'Notification Channels',
				name: 'notificationChannels',
				type: 'multiOptions',
				options: options(NOTIFICATION_CHANNELS, CHANNEL_NAMES),
				default: [],
			},
			{
				displayName: 'Port',
				name: 'port',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 65535 },
				default: 8000,
				description: "Port the container listens on (default: the framework's)",
			},
			{
				displayName: 'Replicas',
				name: 'replicas',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 50 },
				default: 2,
				description: "Pods of the web workload (default: the plan's)",
			},
			{
				displayName: 'Secret References',
				name: 'secretRefs',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
				description:
					'Existing Secrets the app reads: a whole Secret as environment, or one key as one variable',
				options: [
					{
						displayName: 'Secret',
						name: 'refs',
						values: [
							{ displayName: 'Secret Name', name: 'source', type: 'string', default: '' },
							{
								displayName: 'Key',
								name: 'key',
								type: 'string',
								default: '',
								description: 'Leave empty to load every key of the Secret',
							},
							{
								displayName: 'As Variable',
								name: 'env',
								type: 'string',
								default: '',
								description: 'Environment variable that gets the key (with Key)',
							},
						],
					},
				],
			},
			{
				displayName: 'Worker',
				name: 'worker',
				type: 'boolean',
				default: true,
				description:
					'Whether to run a Celery worker (Django only; on by default when the Redis addon is there)',
			},
			{
				displayName: 'Worker Command',
				name: 'workerCommand',
				type: 'string',
				default: '',
				placeholder: 'celery -A myproject worker --loglevel=INFO',
				description: 'Command of the worker (words separated by spaces, or a JSON array)',
			},
		],
	},
	{
		displayName: 'Remediation Policy',
		name: 'policy',
		type: 'collection',
		placeholder: 'Add Rule',
		default: {},
		description:
			"What automatic repairs may do to this app (written as annotations Repair Action reads). Set here, a rule overrides the item's own.",
		options: [
			{
				displayName: 'Allowed Actions',
				name: 'allowedActions',
				type: 'multiOptions',
				options: options(REPAIR_ACTIONS),
				default: [],
			},
			{
				displayName: 'Approval Required For',
				name: 'approvalRequired',
				type: 'multiOptions',
				options: options(REPAIR_ACTIONS),
				default: [],
				description: 'Actions that wait for a human (default: rollback)',
			},
			{
				displayName: 'Auto Repair',
				name: 'autoRepair',
				type: 'boolean',
				default: true,
				description: 'Whether repairs may run at all (alerts still notify)',
			},
			{
				displayName: 'Max Memory',
				name: 'maxMemory',
				type: 'string',
				default: '',
				placeholder: '2Gi',
				description: "Ceiling for memory raises (default: twice the plan's limit)",
			},
			{
				displayName: 'Max Replicas',
				name: 'maxReplicas',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 100 },
				default: 4,
				description: "Ceiling for scaling (default: the plan's)",
			},
		],
	},
	{
		displayName: 'Cluster',
		name: 'cluster',
		type: 'collection',
		placeholder: 'Add Setting',
		default: {},
		description: 'What the objects assume about the cluster',
		options: [
			{
				displayName: 'Ingress Class',
				name: 'ingressClassName',
				type: 'string',
				default: 'nginx',
			},
			{
				displayName: 'Ingress Controller Namespace',
				name: 'ingressNamespace',
				type: 'string',
				default: 'ingress-nginx',
				description: 'Allowed in by the NetworkPolicy',
			},
			{
				displayName: 'Issuer Kind',
				name: 'issuerKind',
				type: 'options',
				options: [
					{ name: 'ClusterIssuer', value: 'ClusterIssuer' },
					{ name: 'Issuer', value: 'Issuer' },
				],
				default: 'ClusterIssuer',
			},
			{
				displayName: 'Issuer Name',
				name: 'issuerName',
				type: 'string',
				default: 'letsencrypt-prod',
				description: 'The cert-manager issuer of the TLS certificate',
			},
			{
				displayName: 'Monitoring Labels',
				name: 'monitoringLabels',
				type: 'string',
				default: '',
				placeholder: 'release=kube-prometheus-stack',
				description:
					'Labels the Prometheus operator selects ServiceMonitors and PrometheusRules by (key=value, comma-separated)',
			},
			{
				displayName: 'Monitoring Namespace',
				name: 'monitoringNamespace',
				type: 'string',
				default: 'monitoring',
				description: 'Where Prometheus runs; allowed in by the NetworkPolicy to scrape',
			},
			{
				displayName: 'Namespace Prefix',
				name: 'namespacePrefix',
				type: 'string',
				default: 'app-',
			},
		],
	},
	{
		displayName: 'Templates',
		name: 'templates',
		type: 'collection',
		placeholder: 'Override Templates',
		default: {},
		options: [
			{
				displayName: 'Template Folder',
				name: 'folder',
				type: 'string',
				default: '',
				placeholder: '/home/node/.n8n/aiops-templates',
				description:
					"Folder laid out like the package's templates/ (e.g. frameworks/flask/deployment.yaml.hbs); its .hbs files override or add templates",
			},
			{
				displayName: 'Template Texts',
				name: 'overrides',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
				description: 'Your own text for a template (applied after the folder)',
				options: [
					{
						displayName: 'Template',
						name: 'template',
						values: [
							{
								displayName: 'Template',
								name: 'name',
								type: 'options',
								options: TEMPLATE_NAMES.map((name) => ({ name, value: name })),
								default: 'base/namespace.yaml',
							},
							{
								displayName: 'Text',
								name: 'text',
								type: 'string',
								typeOptions: { rows: 12 },
								default: '',
								description:
									'Handlebars; write every value as {{yaml value}} ({{JSON value}} in JSON)',
							},
						],
					},
				],
			},
		],
	},
];

function getPath(json: IDataObject, path: string): unknown {
	let value: unknown = json;
	for (const part of path.split('.').filter((p) => p !== '')) {
		if (typeof value !== 'object' || value === null) return undefined;
		value = (value as IDataObject)[part];
	}
	return value;
}

/** A command typed in a text field: a JSON array, or words separated by spaces. */
function command(text: string): unknown {
	const trimmed = text.trim();
	if (!trimmed.startsWith('[')) return trimmed.split(/\s+/);
	try {
		return JSON.parse(trimmed);
	} catch {
		// lib/manifests names the field when it finds no list of strings here
		return trimmed;
	}
}

function specFromParameters(this: IExecuteFunctions, i: number): IDataObject {
	const extra = this.getNodeParameter('additionalFields', i, {}) as IDataObject;
	const spec: IDataObject = {
		name: this.getNodeParameter('name', i),
		domain: this.getNodeParameter('domain', i),
		framework: this.getNodeParameter('framework', i),
		image: this.getNodeParameter('image', i),
		plan: this.getNodeParameter('plan', i),
	};
	for (const [key, value] of Object.entries(extra)) {
		if (key === 'env') {
			spec.env = ((value as IDataObject).variables as IDataObject[] | undefined) ?? [];
		} else if (key === 'secretRefs') {
			const refs = ((value as IDataObject).refs as IDataObject[] | undefined) ?? [];
			spec.secretRefs = refs.map(({ source, key, env }) =>
				key || env ? { secret: source, key, env } : { secret: source },
			);
		} else if ((key === 'initCommand' || key === 'workerCommand') && typeof value === 'string') {
			if (value.trim() !== '') spec[key] = command(value) as IDataObject[];
		} else {
			spec[key] = value;
		}
	}
	return spec;
}

function snakeCase(name: string): string {
	return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** The app spec of item i: from the item or the parameters, with the node's policy rules on top. */
export function readAppSpec(this: IExecuteFunctions, item: INodeExecutionData, i: number): unknown {
	let spec: unknown;
	if (this.getNodeParameter('specSource', i) === 'item') {
		const field = (this.getNodeParameter('specField', i, '') as string).trim();
		spec = field === '' ? item.json : getPath(item.json, field);
		if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
			throw new NodeOperationError(
				this.getNode(),
				`The item has no app spec object at "${field || '(the whole item)'}"`,
				{
					itemIndex: i,
					description: 'Set Spec Field to where the spec is, e.g. body for a Webhook',
				},
			);
		}
	} else {
		spec = specFromParameters.call(this, i);
	}
	const rules = this.getNodeParameter('policy', i, {}) as IDataObject;
	if (Object.keys(rules).length === 0) return spec;
	const own = (spec as IDataObject).policy;
	const policy: IDataObject =
		typeof own === 'object' && own !== null ? { ...(own as IDataObject) } : {};
	for (const [key, value] of Object.entries(rules)) {
		delete policy[snakeCase(key)];
		policy[key] = value;
	}
	return { ...(spec as IDataObject), policy };
}

/** Cluster settings and template overrides of item i (a folder is read once per execution). */
export async function readRenderOptions(
	this: IExecuteFunctions,
	i: number,
	folders: Map<string, Promise<Record<string, string>>>,
): Promise<RenderOptions> {
	const cluster = this.getNodeParameter('cluster', i, {}) as RenderOptions['cluster'];
	const templates = this.getNodeParameter('templates', i, {}) as IDataObject;
	const overrides: Record<string, string> = {};
	const folder = typeof templates.folder === 'string' ? templates.folder.trim() : '';
	if (folder !== '') {
		// n8n's own file access restrictions (N8N_RESTRICT_FILE_ACCESS_TO, n8n's own files) apply
		// to the folder and to every file read from it (a symlink may point elsewhere)
		const helpers = this.helpers as Partial<IExecuteFunctions['helpers']>;
		const mayRead = async (path: string) =>
			!helpers.resolvePath || !helpers.isFilePathBlocked
				? true
				: !helpers.isFilePathBlocked(await helpers.resolvePath(path));
		if (!(await mayRead(folder))) {
			throw new NodeOperationError(
				this.getNode(),
				`Template Folder: access to ${folder} is not allowed by this n8n instance's file access settings`,
				{ itemIndex: i, description: 'See N8N_RESTRICT_FILE_ACCESS_TO' },
			);
		}
		if (!folders.has(folder)) folders.set(folder, readTemplateFolder(folder, mayRead));
		Object.assign(overrides, await folders.get(folder));
	}
	const texts =
		((templates.overrides as IDataObject | undefined)?.template as IDataObject[] | undefined) ?? [];
	for (const entry of texts) overrides[String(entry.name)] = String(entry.text ?? '');
	return { cluster, templates: overrides };
}
