// The app spec: what an app owner asks for (a webhook body or the node's parameters), checked
// field by field and completed with the defaults of its framework and plan. Nothing is rendered
// from a spec that has not been through validateAppSpec.
import { InvalidInputError } from '../errors';
import { DEFAULT_CLUSTER, type ClusterProfile } from './cluster';
import { FRAMEWORK_PROFILES, FRAMEWORKS, type Framework } from './frameworks';
import { PLAN_PROFILES, PLANS, type Plan } from './plans';
import { REPAIR_ACTIONS, type RemediationPolicy, type RepairAction } from './policy';
import {
	boolean,
	dict,
	dns1035Label,
	dns1123Label,
	dns1123Subdomain,
	envName,
	fail,
	hostname,
	httpPath,
	imageReference,
	integer,
	list,
	memoryQuantity,
	oneOf,
	quantityValue,
	secretKey,
	text,
} from './rules';

export const ADDONS = ['postgresql', 'redis'] as const;
export type AddonType = (typeof ADDONS)[number];

export const NOTIFICATION_CHANNELS = ['telegram', 'slack', 'email', 'line', 'webhook'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/**
 * An app name also names its Service, Deployments (`<name>-worker`) and StatefulSets
 * (`<name>-postgresql`, whose pods carry a `<name>-postgresql-<hash>` label of at most 63
 * characters): 40 leaves room for every suffix.
 */
export const MAX_NAME_LENGTH = 40;

const SYSTEM_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

export interface EnvVar {
	name: string;
	value: string;
}

/** A whole Secret as environment (`envFrom`), or one key of it as one variable. */
export type SecretRef = { secret: string } | { secret: string; key: string; env: string };

export interface Addon {
	type: AddonType;
	storage: string;
}

export interface AppSpec {
	name: string;
	displayName: string;
	namespace: string;
	domain: string;
	framework: Framework;
	image: string;
	plan: Plan;
	replicas: number;
	env: EnvVar[];
	secretRefs: SecretRef[];
	addons: Addon[];
	healthPath: string;
	port: number;
	/** null: the app serves no Prometheus metrics */
	metricsPath: string | null;
	notificationChannels: NotificationChannel[];
	/** a background worker from the same image (Django: Celery) */
	worker: { enabled: boolean; command: string[] };
	/** runs before the app starts (Django: migrations); empty for none */
	initCommand: string[];
	/** egress to the internet (outside the cluster) besides DNS and the app's own addons */
	internetEgress: boolean;
	policy: RemediationPolicy;
}

export interface ValidatedSpec {
	spec: AppSpec;
	/** fields of the input that mean nothing here (e.g. the seed portal's source_url) */
	warnings: string[];
}

// Field names as the spec is written (camelCase), with the snake_case spelling a webhook from
// the seed's portal sends (display_name, health_path …).
const FIELDS = [
	'name',
	'displayName',
	'namespace',
	'domain',
	'framework',
	'image',
	'plan',
	'replicas',
	'env',
	'secretRefs',
	'addons',
	'healthPath',
	'port',
	'metricsPath',
	'notificationChannels',
	'worker',
	'workerCommand',
	'initCommand',
	'internetEgress',
	'policy',
] as const;
const POLICY_FIELDS = [
	'autoRepair',
	'allowedActions',
	'maxMemory',
	'maxReplicas',
	'approvalRequired',
] as const;

// The fields of list entries: an unknown one is reported like an unknown top-level field.
const ENV_FIELDS = ['name', 'value'] as const;
const SECRET_REF_FIELDS = ['secret', 'key', 'env'] as const;
const ADDON_FIELDS = ['type', 'storage'] as const;

function snakeCase(name: string): string {
	return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads the known fields (either spelling, not both) and reports the unknown ones. */
function readFields<K extends string>(
	input: Record<string, unknown>,
	fields: readonly K[],
	prefix: string,
	warnings: string[],
): Partial<Record<K, unknown>> {
	const out = dict<unknown>() as Partial<Record<K, unknown>>;
	const known = new Set<string>();
	for (const field of fields) {
		const snake = snakeCase(field);
		known.add(field).add(snake);
		const has = Object.prototype.hasOwnProperty;
		if (has.call(input, field) && snake !== field && has.call(input, snake)) {
			throw new InvalidInputError(
				`${prefix}${field}: given twice, as ${field} and ${snake}; keep one`,
				`${prefix}${field}`,
			);
		}
		const value = has.call(input, field)
			? input[field]
			: has.call(input, snake)
				? input[snake]
				: undefined;
		// an empty form field means "use the default"
		if (value !== undefined && value !== null && value !== '') out[field] = value;
	}
	for (const key of Object.keys(input)) {
		if (!known.has(key)) warnings.push(`${prefix}${key}: not an app spec field; ignored`);
	}
	return out;
}

function readEnv(value: unknown, warnings: string[]): EnvVar[] {
	if (value === undefined) return [];
	let entries: Array<{ name: string; nameField: string; raw: unknown; valueField: string }>;
	if (Array.isArray(value)) {
		entries = value.map((entry, i) => {
			if (!isObject(entry)) fail(`env[${i}]`, 'must be an object with name and value', entry);
			const fields = readFields(entry, ENV_FIELDS, `env[${i}].`, warnings);
			const nameField = `env[${i}].name`;
			return {
				name: envName(fields.name, nameField),
				nameField,
				raw: fields.value ?? '',
				valueField: `env[${i}].value`,
			};
		});
	} else if (isObject(value)) {
		entries = Object.entries(value).map(([key, raw]) => {
			const field = `env.${key}`;
			return { name: envName(key, field), nameField: field, raw, valueField: field };
		});
	} else {
		return fail('env', 'must be an object of NAME: value, or a list of {name, value}', value);
	}
	const seen = new Set<string>();
	return entries.map(({ name, nameField, raw, valueField }) => {
		if (seen.has(name)) fail(nameField, `${name} is given more than once`);
		seen.add(name);
		const v = typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : raw;
		return { name, value: text(v, valueField, { maxLength: 32768, multiline: true }) };
	});
}

function readSecretRefs(value: unknown, warnings: string[]): SecretRef[] {
	if (value === undefined) return [];
	return list(value, 'secretRefs').map((item, i) => {
		const field = `secretRefs[${i}]`;
		if (typeof item === 'string') return { secret: dns1123Subdomain(item, field) };
		if (!isObject(item)) return fail(field, 'must be a Secret name or {secret, key, env}', item);
		const entry = readFields(item, SECRET_REF_FIELDS, `${field}.`, warnings);
		const secret = dns1123Subdomain(entry.secret, `${field}.secret`);
		if (entry.key === undefined && entry.env === undefined) return { secret };
		if (entry.key === undefined)
			fail(`${field}.key`, 'is required with env (the key of the Secret to load)');
		if (entry.env === undefined)
			fail(`${field}.env`, 'is required with key (the variable to load the key into)');
		return {
			secret,
			key: secretKey(entry.key, `${field}.key`),
			env: envName(entry.env, `${field}.env`),
		};
	});
}

function readAddons(value: unknown, plan: Plan, warnings: string[]): Addon[] {
	if (value === undefined) return [];
	const addons = list(value, 'addons').map((item, i): Addon => {
		const field = `addons[${i}]`;
		if (typeof item === 'string') {
			return { type: oneOf(item, field, ADDONS), storage: PLAN_PROFILES[plan].addonStorage };
		}
		if (!isObject(item))
			return fail(field, `must be one of ${ADDONS.join(', ')} or {type, storage}`, item);
		const entry = readFields(item, ADDON_FIELDS, `${field}.`, warnings);
		const storage =
			entry.storage === undefined
				? PLAN_PROFILES[plan].addonStorage
				: memoryQuantity(entry.storage, `${field}.storage`);
		if (quantityValue(storage) < 2 ** 30 / 10)
			fail(`${field}.storage`, 'must be at least 100Mi', storage);
		return { type: oneOf(entry.type, `${field}.type`, ADDONS), storage };
	});
	addons.forEach((addon, i) => {
		if (addons.findIndex((a) => a.type === addon.type) !== i) {
			fail(`addons[${i}]`, `${addon.type} is listed more than once`);
		}
	});
	return addons;
}

function readCommand(value: unknown, field: string): string[] {
	const parts = Array.isArray(value)
		? value
		: fail(field, 'must be a list of strings (the command and its arguments)', value);
	if (parts.length > 64) fail(field, 'must have at most 64 parts');
	return parts.map((part, i) => {
		const v = text(part, `${field}[${i}]`, { maxLength: 4096, multiline: false });
		if (v === '') fail(`${field}[${i}]`, 'must not be empty');
		return v;
	});
}

function readActions(value: unknown, field: string): RepairAction[] {
	const actions = list(value, field).map((action, i) =>
		oneOf(action, `${field}[${i}]`, REPAIR_ACTIONS),
	);
	return REPAIR_ACTIONS.filter((action) => actions.includes(action));
}

/** Memory in the largest binary unit that expresses it exactly. */
function formatMemory(bytes: number): string {
	for (const [unit, factor] of [
		['Gi', 2 ** 30],
		['Mi', 2 ** 20],
		['Ki', 2 ** 10],
	] as const) {
		if (bytes % factor === 0) return `${bytes / factor}${unit}`;
	}
	return String(bytes);
}

function readPolicy(
	value: unknown,
	plan: Plan,
	replicas: number,
	warnings: string[],
): RemediationPolicy {
	if (value !== undefined && !isObject(value)) fail('policy', 'must be an object', value);
	const fields = readFields(value ?? {}, POLICY_FIELDS, 'policy.', warnings);
	const profile = PLAN_PROFILES[plan];
	const allowedActions =
		fields.allowedActions === undefined
			? [...REPAIR_ACTIONS]
			: readActions(fields.allowedActions, 'policy.allowedActions');
	const limit = quantityValue(profile.resources.limits.memory);
	const maxMemory =
		fields.maxMemory === undefined
			? formatMemory(2 * limit)
			: memoryQuantity(fields.maxMemory, 'policy.maxMemory');
	if (quantityValue(maxMemory) < limit) {
		fail(
			'policy.maxMemory',
			`must be at least the ${plan} plan's memory limit (${profile.resources.limits.memory})`,
			maxMemory,
		);
	}
	const maxReplicas =
		fields.maxReplicas === undefined
			? Math.max(profile.maxReplicas, replicas)
			: integer(fields.maxReplicas, 'policy.maxReplicas', 1, 100);
	if (maxReplicas < replicas) {
		fail('policy.maxReplicas', `must be at least replicas (${replicas})`, maxReplicas);
	}
	let approvalRequired: RepairAction[];
	const approval = fields.approvalRequired;
	if (approval === undefined) approvalRequired = allowedActions.filter((a) => a === 'rollback');
	else if (typeof approval === 'boolean' || approval === 'true' || approval === 'false') {
		approvalRequired = boolean(approval, 'policy.approvalRequired') ? [...allowedActions] : [];
	} else {
		approvalRequired = readActions(approval, 'policy.approvalRequired');
		for (const action of approvalRequired) {
			if (!allowedActions.includes(action)) {
				fail('policy.approvalRequired', `${action} is not in policy.allowedActions`, action);
			}
		}
	}
	return {
		autoRepair:
			fields.autoRepair === undefined ? true : boolean(fields.autoRepair, 'policy.autoRepair'),
		allowedActions,
		maxMemory,
		maxReplicas,
		approvalRequired,
	};
}

/** Env variables the addons and the worker set themselves; the app's env must not shadow them. */
export function addonEnvNames(addons: Addon[], framework: Framework): Record<string, string> {
	const names = dict<string>();
	if (addons.some((a) => a.type === 'postgresql')) names.DATABASE_URL = 'postgresql';
	if (addons.some((a) => a.type === 'redis')) {
		names.REDIS_URL = 'redis';
		if (FRAMEWORK_PROFILES[framework].hasWorker) names.CELERY_BROKER_URL = 'redis';
	}
	return names;
}

/**
 * Checks every field of an app spec and fills in the defaults. Throws InvalidInputError naming
 * the first bad field and the rule it breaks.
 */
export function validateAppSpec(
	input: unknown,
	cluster: Pick<
		ClusterProfile,
		'namespacePrefix' | 'ingressNamespace' | 'monitoringNamespace'
	> = DEFAULT_CLUSTER,
): ValidatedSpec {
	if (!isObject(input)) fail('spec', 'must be an object (the app spec)', input);
	const warnings: string[] = [];
	const f = readFields(input, FIELDS, '', warnings);

	if (f.name === undefined) fail('name', 'is required');
	const name = dns1035Label(f.name, 'name', MAX_NAME_LENGTH);
	const displayName =
		f.displayName === undefined
			? name
			: text(f.displayName, 'displayName', { maxLength: 100, multiline: false });
	const namespace =
		f.namespace === undefined
			? dns1123Label(`${cluster.namespacePrefix}${name}`, 'namespace')
			: dns1123Label(f.namespace, 'namespace');
	// the Namespace object is applied with this app's labels (Pod Security Admission among them)
	if (SYSTEM_NAMESPACES.has(namespace) || namespace.startsWith('kube-')) {
		fail('namespace', 'must not be a system namespace (default, kube-*)', namespace);
	}
	if (namespace === cluster.ingressNamespace || namespace === cluster.monitoringNamespace) {
		fail('namespace', "must not be the ingress controller's or Prometheus's namespace", namespace);
	}
	if (f.domain === undefined) fail('domain', 'is required');
	const domain = hostname(f.domain, 'domain');
	if (f.framework === undefined) fail('framework', `is required (one of ${FRAMEWORKS.join(', ')})`);
	const framework = oneOf(f.framework, 'framework', FRAMEWORKS);
	if (f.image === undefined) fail('image', 'is required');
	const image = imageReference(f.image, 'image');
	const plan = f.plan === undefined ? 'standard' : oneOf(f.plan, 'plan', PLANS);
	const profile = FRAMEWORK_PROFILES[framework];
	const replicas =
		f.replicas === undefined
			? PLAN_PROFILES[plan].replicas
			: integer(f.replicas, 'replicas', 1, 50);

	const env = readEnv(f.env, warnings);
	const secretRefs = readSecretRefs(f.secretRefs, warnings);
	const addons = readAddons(f.addons, plan, warnings);
	const reserved = addonEnvNames(addons, framework);
	const envSources = new Map<string, string>();
	env.forEach((v) => envSources.set(v.name, `env.${v.name}`));
	secretRefs.forEach((ref, i) => {
		if (!('env' in ref)) return;
		const field = `secretRefs[${i}].env`;
		if (envSources.has(ref.env))
			fail(field, `${ref.env} is also set by ${envSources.get(ref.env)}`);
		envSources.set(ref.env, field);
	});
	for (const [envVar, field] of envSources) {
		if (reserved[envVar]) {
			fail(field, `${envVar} is set by the ${reserved[envVar]} addon; remove it here`);
		}
	}

	const port = f.port === undefined ? profile.port : integer(f.port, 'port', 1, 65535);
	const healthPath =
		f.healthPath === undefined ? profile.healthPath : httpPath(f.healthPath, 'healthPath');
	let metricsPath = profile.metricsPath;
	if (f.metricsPath === false || f.metricsPath === 'none') metricsPath = null;
	else if (f.metricsPath !== undefined) metricsPath = httpPath(f.metricsPath, 'metricsPath');

	const notificationChannels =
		f.notificationChannels === undefined
			? []
			: [
					...new Set(
						list(f.notificationChannels, 'notificationChannels').map((c, i) =>
							oneOf(c, `notificationChannels[${i}]`, NOTIFICATION_CHANNELS),
						),
					),
				];

	const hasBroker = reserved.CELERY_BROKER_URL !== undefined || envSources.has('CELERY_BROKER_URL');
	const workerEnabled =
		f.worker === undefined ? profile.hasWorker && hasBroker : boolean(f.worker, 'worker');
	if (workerEnabled && !profile.hasWorker) {
		fail('worker', `${framework} has no worker; only django runs one (Celery)`);
	}
	if (workerEnabled && !hasBroker) {
		fail(
			'worker',
			'needs a broker: add the redis addon or set CELERY_BROKER_URL in env or secretRefs',
		);
	}
	const workerCommand =
		f.workerCommand === undefined
			? ['celery', '-A', name.replace(/-/g, '_'), 'worker', '--loglevel=INFO']
			: readCommand(f.workerCommand, 'workerCommand');
	const initCommand =
		f.initCommand === undefined
			? [...profile.initCommand]
			: readCommand(f.initCommand, 'initCommand');

	return {
		spec: {
			name,
			displayName,
			namespace,
			domain,
			framework,
			image,
			plan,
			replicas,
			env,
			secretRefs,
			addons,
			healthPath,
			port,
			metricsPath,
			notificationChannels,
			worker: { enabled: workerEnabled, command: workerCommand },
			initCommand,
			internetEgress:
				f.internetEgress === undefined ? false : boolean(f.internetEgress, 'internetEgress'),
			policy: readPolicy(f.policy, plan, replicas, warnings),
		},
		warnings,
	};
}
