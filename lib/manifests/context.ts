// The data every template sees (documented in the README's "Templates" section): the validated
// spec plus what follows from it — names, labels, resources of the plan, the container's env
// sources, the policy annotations, the addons' connection details. Templates decide the shape
// of the objects; this module decides the values.
import { createHash, randomBytes } from 'node:crypto';

import type { ClusterProfile } from './cluster';
import { FRAMEWORK_PROFILES } from './frameworks';
import { PLAN_PROFILES, type Resources } from './plans';
import { ANNOTATION_PREFIX, policyAnnotations, type RepairAction } from './policy';
import { dict } from './rules';
import type { AddonType, AppSpec } from './spec';

export const MANAGED_BY = 'n8n-aiops';

type Labels = Record<string, string>;

export interface Component {
	name: string;
	labels: Labels;
	/** the labels a Service/Deployment selects the component's pods by */
	selector: Labels;
}

export interface AddonContext extends Component {
	type: AddonType;
	image: string;
	port: number;
	storage: string;
	resources: Resources;
	secretName: string;
	/** database user and name (PostgreSQL identifiers) */
	user: string;
	database: string;
	password: string;
	/** the connection URL the app reads (DATABASE_URL, REDIS_URL) */
	url: string;
}

export interface TemplateContext {
	app: AppSpec & {
		alertPrefix: string;
		metricsEnabled: boolean;
		url: string;
	};
	cluster: ClusterProfile;
	labels: Labels;
	web: Component;
	worker: Component & { enabled: boolean; command: string[]; replicas: number };
	init: { enabled: boolean; command: string[] };
	resources: Resources;
	config: { name: string; data: Record<string, string>; checksum: string };
	container: {
		/** explicit env: addon URLs and single Secret keys (they win over envFrom) */
		env: Array<Record<string, unknown>>;
		/** the app's ConfigMap, then whole Secrets */
		envFrom: Array<Record<string, unknown>>;
	};
	/** annotations of every workload: the remediation policy and what notifications go where */
	workloadAnnotations: Record<string, string>;
	policyAnnotations: Record<string, string>;
	/** annotations of the addons' StatefulSets: restart and delete_pod only, never beyond one replica */
	addonAnnotations: Record<string, string>;
	addons: Partial<Record<AddonType, AddonContext>>;
	monitoring: {
		labels: Labels;
		ruleLabels: Labels;
		dashboardUid: string;
	};
	tls: { secretName: string };
}

export interface ContextOptions {
	/** makes addon passwords (tests pass a fixed one; default: 24 random bytes) */
	generatePassword?: (purpose: AddonType) => string;
}

const ADDON_IMAGES: Record<AddonType, { image: string; port: number }> = {
	postgresql: { image: 'docker.io/library/postgres:16-alpine', port: 5432 },
	redis: { image: 'docker.io/library/redis:7-alpine', port: 6379 },
};

function pascalCase(name: string): string {
	return name
		.split('-')
		.map((part) => part.charAt(0).toUpperCase() + part.slice(1))
		.join('');
}

/** Stable per namespace/name, readable, within Grafana's 40-character limit for uids. */
function dashboardUid(namespace: string, name: string): string {
	const hash = createHash('sha256').update(`${namespace}/${name}`).digest('hex').slice(0, 12);
	return `${name.slice(0, 27)}-${hash}`;
}

function component(spec: AppSpec, common: Labels, name: string, role: string): Component {
	const selector = {
		'app.kubernetes.io/name': spec.name,
		'app.kubernetes.io/component': role,
	};
	return { name, selector, labels: { ...common, ...selector } };
}

export function buildContext(
	spec: AppSpec,
	cluster: ClusterProfile,
	options: ContextOptions = {},
): TemplateContext {
	const plan = PLAN_PROFILES[spec.plan];
	const framework = FRAMEWORK_PROFILES[spec.framework];
	const generatePassword =
		options.generatePassword ?? (() => randomBytes(24).toString('base64url'));
	const common: Labels = {
		'app.kubernetes.io/name': spec.name,
		'app.kubernetes.io/instance': spec.name,
		'app.kubernetes.io/part-of': spec.name,
		'app.kubernetes.io/managed-by': MANAGED_BY,
		[`${ANNOTATION_PREFIX}/framework`]: spec.framework,
		[`${ANNOTATION_PREFIX}/plan`]: spec.plan,
	};

	const addons: Partial<Record<AddonType, AddonContext>> = {};
	for (const addon of spec.addons) {
		const name = `${spec.name}-${addon.type}`;
		const identifier = spec.name.replace(/-/g, '_');
		const password = generatePassword(addon.type);
		const { image, port } = ADDON_IMAGES[addon.type];
		const url =
			addon.type === 'postgresql'
				? `postgresql://${identifier}:${password}@${name}:${port}/${identifier}`
				: `redis://:${password}@${name}:${port}/0`;
		addons[addon.type] = {
			...component(spec, common, name, addon.type),
			type: addon.type,
			image,
			port,
			storage: addon.storage,
			resources: plan.addonResources,
			secretName: name,
			user: identifier,
			database: identifier,
			password,
			url,
		};
	}

	const data = Object.assign(dict<string>(), framework.env(plan, spec.port));
	for (const v of spec.env) data[v.name] = v.value;
	const configName = `${spec.name}-config`;

	const env: Array<Record<string, unknown>> = [];
	const fromSecret = (name: string, secret: string, key: string) =>
		env.push({ name, valueFrom: { secretKeyRef: { name: secret, key } } });
	if (addons.postgresql) fromSecret('DATABASE_URL', addons.postgresql.secretName, 'DATABASE_URL');
	if (addons.redis) {
		fromSecret('REDIS_URL', addons.redis.secretName, 'REDIS_URL');
		if (framework.hasWorker) fromSecret('CELERY_BROKER_URL', addons.redis.secretName, 'REDIS_URL');
	}
	const envFrom: Array<Record<string, unknown>> = [{ configMapRef: { name: configName } }];
	// the seed's convention: `<name>-secrets`, if someone creates it, is the app's environment too
	envFrom.push({ secretRef: { name: `${spec.name}-secrets`, optional: true } });
	for (const ref of spec.secretRefs) {
		if ('env' in ref) fromSecret(ref.env, ref.secret, ref.key);
		else if (ref.secret !== `${spec.name}-secrets`)
			envFrom.push({ secretRef: { name: ref.secret } });
	}

	const policy = policyAnnotations(spec.policy);
	// where this app's notifications go (Notify reads it from the alert's workload)
	const notify: Record<string, string> =
		spec.notificationChannels.length > 0
			? { [`${ANNOTATION_PREFIX}/notify`]: spec.notificationChannels.join(',') }
			: {};
	const workloadAnnotations = {
		...policy,
		[`${ANNOTATION_PREFIX}/display-name`]: spec.displayName,
		...notify,
	};
	// a single-replica database is restarted or its pod replaced, never rolled back, scaled or
	// given more memory than its plan by a repair
	const addonActions: RepairAction[] = ['restart', 'delete_pod'];
	const addonAnnotations = {
		...policyAnnotations({
			autoRepair: spec.policy.autoRepair,
			allowedActions: spec.policy.allowedActions.filter((a) => addonActions.includes(a)),
			maxMemory: plan.addonResources.limits.memory,
			maxReplicas: 1,
			approvalRequired: spec.policy.approvalRequired.filter((a) => addonActions.includes(a)),
		}),
		...notify,
	};
	const monitoringLabels = { ...common, ...cluster.monitoringLabels };

	return {
		app: {
			...spec,
			alertPrefix: pascalCase(spec.name),
			metricsEnabled: spec.metricsPath !== null,
			url: `https://${spec.domain}`,
		},
		cluster,
		labels: common,
		web: component(spec, common, spec.name, 'web'),
		worker: {
			...component(spec, common, `${spec.name}-worker`, 'worker'),
			enabled: spec.worker.enabled,
			command: spec.worker.command,
			replicas: plan.workerReplicas,
		},
		init: { enabled: spec.initCommand.length > 0, command: spec.initCommand },
		resources: plan.resources,
		config: {
			name: configName,
			data,
			// a change of config rolls the pods (the pod template changes with it)
			checksum: createHash('sha256').update(JSON.stringify(data)).digest('hex'),
		},
		container: { env, envFrom },
		workloadAnnotations,
		policyAnnotations: policy,
		addonAnnotations,
		addons,
		monitoring: {
			labels: monitoringLabels,
			ruleLabels: { prometheus: 'k8s', role: 'alert-rules', ...monitoringLabels },
			dashboardUid: dashboardUid(spec.namespace, spec.name),
		},
		tls: { secretName: `${spec.name}-tls` },
	};
}
