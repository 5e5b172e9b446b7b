import { InvalidInputError } from '../../../lib/errors';
import { validateAppSpec, validateClusterProfile } from '../../../lib/manifests';

const BASE = {
	name: 'event-system',
	domain: 'event.example.com',
	framework: 'flask',
	image: 'registry.example.com/wooo/event:1.2.3',
};

function fails(input: Record<string, unknown>): InvalidInputError {
	try {
		validateAppSpec(input);
	} catch (error) {
		expect(error).toBeInstanceOf(InvalidInputError);
		return error as InvalidInputError;
	}
	throw new Error(`accepted ${JSON.stringify(input)}`);
}

describe('validateAppSpec', () => {
	it('completes a minimal spec with the framework and plan defaults', () => {
		const { spec, warnings } = validateAppSpec(BASE);
		expect(spec).toMatchObject({
			name: 'event-system',
			displayName: 'event-system',
			namespace: 'app-event-system',
			plan: 'standard',
			replicas: 2,
			port: 8000,
			healthPath: '/health',
			metricsPath: '/metrics',
			env: [],
			addons: [],
			worker: { enabled: false },
			initCommand: [],
			internetEgress: false,
			policy: {
				autoRepair: true,
				allowedActions: ['restart', 'rollback', 'raise_memory', 'scale', 'delete_pod', 'cleanup'],
				maxMemory: '2Gi',
				maxReplicas: 4,
				approvalRequired: ['rollback'],
			},
		});
		expect(warnings).toEqual([]);
	});

	it("reads the seed portal's snake_case body and says which fields it ignored", () => {
		const { spec, warnings } = validateAppSpec({
			name: 'event-system',
			display_name: '活動報名網站',
			domain: 'event.wooo.work',
			source_type: 'git',
			source_url: 'https://gitlab.com/wooo/event-system.git',
			framework: 'django',
			image: 'registry.wooo.work/event-system:2026.02.14',
			plan: 'standard',
			health_path: '/healthz',
			notification_channels: 'telegram, line',
			policy: { max_memory: '3Gi', approval_required: false },
		});
		expect(spec.displayName).toBe('活動報名網站');
		expect(spec.healthPath).toBe('/healthz');
		expect(spec.notificationChannels).toEqual(['telegram', 'line']);
		expect(spec.policy).toMatchObject({ maxMemory: '3Gi', approvalRequired: [] });
		expect(spec.initCommand).toEqual(['python', 'manage.py', 'migrate', '--noinput']);
		expect(warnings).toEqual([
			'source_type: not an app spec field; ignored',
			'source_url: not an app spec field; ignored',
		]);
	});

	it('refuses a field given in both spellings', () => {
		expect(fails({ ...BASE, displayName: 'a', display_name: 'b' }).field).toBe('displayName');
	});

	it.each([
		[{ name: undefined }, 'name', /is required/],
		[{ name: 'Event' }, 'name', /DNS-1035 label/],
		[{ name: '1shop' }, 'name', /starting with a letter/],
		[{ name: 'a'.repeat(41) }, 'name', /at most 40 characters/],
		[{ name: 42 }, 'name', /must be a string/],
		[{ domain: 'localhost' }, 'domain', /two or more dot-separated/],
		[{ domain: '*.example.com' }, 'domain', /no wildcard/],
		[{ domain: '10.0.0.1' }, 'domain', /not an IP address/],
		[{ domain: 'bücher.example' }, 'domain', /punycode/],
		[{ framework: 'rails' }, 'framework', /one of flask, django, nodejs, nextjs, static/],
		[{ image: 'Registry/App' }, 'image', /image reference/],
		[{ image: 'nginx:latest tag' }, 'image', /image reference/],
		[{ image: 'nginx@sha256:abc' }, 'image', /image reference/],
		[{ plan: 'free' }, 'plan', /one of basic, standard, advanced, professional/],
		[{ replicas: 0 }, 'replicas', /from 1 to 50/],
		[{ replicas: 2.5 }, 'replicas', /whole number/],
		[{ port: 70000 }, 'port', /from 1 to 65535/],
		[{ env: 'A=1' }, 'env', /object of NAME: value/],
		[{ env: { '1A': 'x' } }, 'env.1A', /environment variable name/],
		[
			{
				env: [
					{ name: 'A', value: 'x' },
					{ name: 'A', value: 'y' },
				],
			},
			'env[1].name',
			/more than once/,
		],
		[{ env: { A: { nested: true } } }, 'env.A', /must be a string/],
		[{ env: { A: 'a\u0007b' } }, 'env.A', /control characters/],
		[{ secretRefs: ['My_Secret'] }, 'secretRefs[0]', /DNS-1123 subdomain/],
		[{ secretRefs: [{ secret: 's', key: 'k' }] }, 'secretRefs[0].env', /is required with key/],
		[{ secretRefs: [{ secret: 's', key: '..k', env: 'K' }] }, 'secretRefs[0].key', /Secret key/],
		[
			{ env: { K: 'x' }, secretRefs: [{ secret: 's', key: 'k', env: 'K' }] },
			'secretRefs[0].env',
			/also set by env.K/,
		],
		[{ addons: ['mongodb'] }, 'addons[0]', /one of postgresql, redis/],
		[{ addons: ['redis', 'redis'] }, 'addons[1]', /more than once/],
		[{ addons: [{ type: 'redis', storage: '10m' }] }, 'addons[0].storage', /memory quantity/],
		[{ addons: [{ type: 'redis', storage: '1Mi' }] }, 'addons[0].storage', /at least 100Mi/],
		[
			{ addons: ['postgresql'], env: { DATABASE_URL: 'x' } },
			'env.DATABASE_URL',
			/set by the postgresql addon/,
		],
		[{ healthPath: 'health' }, 'healthPath', /absolute URL path/],
		[{ healthPath: '/a/../b' }, 'healthPath', /no '\.\.' segment/],
		[{ healthPath: '/a?b=1' }, 'healthPath', /no query/],
		[{ metricsPath: '/m etrics' }, 'metricsPath', /URL path/],
		[
			{ notificationChannels: ['pager'] },
			'notificationChannels[0]',
			/one of telegram, slack, email, line, webhook/,
		],
		[{ worker: true }, 'worker', /flask has no worker/],
		[{ framework: 'django', worker: true }, 'worker', /needs a broker/],
		[{ workerCommand: 'celery worker' }, 'workerCommand', /list of strings/],
		[{ initCommand: ['sh', ''] }, 'initCommand[1]', /must not be empty/],
		[{ initCommand: ['sh', '-c', 'a\nb'] }, 'initCommand[2]', /single line/],
		[{ namespace: 'kube_system' }, 'namespace', /DNS-1123 label/],
		[{ namespace: 'kube-system' }, 'namespace', /system namespace/],
		[{ namespace: 'default' }, 'namespace', /system namespace/],
		[{ namespace: 'monitoring' }, 'namespace', /Prometheus's namespace/],
		[{ displayName: 'a\nb' }, 'displayName', /single line/],
		[{ displayName: 'x'.repeat(101) }, 'displayName', /at most 100 characters/],
		[{ displayName: '\ud800' }, 'displayName', /unpaired surrogate/],
		[{ internetEgress: 'yes' }, 'internetEgress', /true or false/],
		[{ policy: 'strict' }, 'policy', /must be an object/],
		[
			{ policy: { allowedActions: ['reboot'] } },
			'policy.allowedActions[0]',
			/one of restart, rollback/,
		],
		[
			{ policy: { maxMemory: '512Mi' } },
			'policy.maxMemory',
			/at least the standard plan's memory limit \(1Gi\)/,
		],
		[{ policy: { maxMemory: 'lots' } }, 'policy.maxMemory', /memory quantity/],
		[{ replicas: 6, policy: { maxReplicas: 5 } }, 'policy.maxReplicas', /at least replicas \(6\)/],
		[
			{ policy: { allowedActions: ['restart'], approvalRequired: ['rollback'] } },
			'policy.approvalRequired',
			/rollback is not in policy.allowedActions/,
		],
	])('%j fails on %s', (change, field, rule) => {
		const input: Record<string, unknown> = { ...BASE, ...change };
		for (const [key, value] of Object.entries(change)) if (value === undefined) delete input[key];
		const error = fails(input);
		expect(error.field).toBe(field);
		expect(error.message).toMatch(new RegExp(`^${field.replace(/[[\].]/g, '\\$&')}: `));
		expect(error.message).toMatch(rule);
	});

	it('accepts what the rules allow', () => {
		const { spec } = validateAppSpec({
			...BASE,
			image:
				'localhost:5000/team/app_v2@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
			env: {
				PEM: '-----BEGIN-----\nabc\n-----END-----\n',
				'spring.profile': 'prod',
				NUM: 3,
				FLAG: true,
			},
			secretRefs: ['shop-api', { secret: 'db', key: 'password', env: 'DB_PASSWORD' }],
			addons: 'postgresql,redis',
			metricsPath: false,
			replicas: '3',
			port: '5000',
			policy: { maxReplicas: 3, approvalRequired: 'true', autoRepair: 'false' },
		});
		expect(spec.env).toEqual([
			{ name: 'PEM', value: '-----BEGIN-----\nabc\n-----END-----\n' },
			{ name: 'spring.profile', value: 'prod' },
			{ name: 'NUM', value: '3' },
			{ name: 'FLAG', value: 'true' },
		]);
		expect(spec.secretRefs).toEqual([
			{ secret: 'shop-api' },
			{ secret: 'db', key: 'password', env: 'DB_PASSWORD' },
		]);
		expect(spec.addons).toEqual([
			{ type: 'postgresql', storage: '5Gi' },
			{ type: 'redis', storage: '5Gi' },
		]);
		expect(spec.metricsPath).toBeNull();
		expect(spec.replicas).toBe(3);
		expect(spec.port).toBe(5000);
		expect(spec.policy).toMatchObject({
			autoRepair: false,
			maxReplicas: 3,
			approvalRequired: spec.policy.allowedActions,
		});
	});

	it('runs a Celery worker for Django when Redis is its broker, with a command from the name', () => {
		const { spec } = validateAppSpec({ ...BASE, framework: 'django', addons: ['redis'] });
		expect(spec.worker).toEqual({
			enabled: true,
			command: ['celery', '-A', 'event_system', 'worker', '--loglevel=INFO'],
		});
		const own = validateAppSpec({
			...BASE,
			framework: 'django',
			env: { CELERY_BROKER_URL: 'amqp://mq' },
			worker: true,
		});
		expect(own.spec.worker.enabled).toBe(true);
	});

	it('raises the default replica ceiling to the replicas asked for', () => {
		expect(validateAppSpec({ ...BASE, plan: 'basic', replicas: 5 }).spec.policy.maxReplicas).toBe(
			5,
		);
	});
});

describe('validateClusterProfile', () => {
	it('has the defaults the templates assume', () => {
		expect(validateClusterProfile()).toEqual({
			namespacePrefix: 'app-',
			ingressClassName: 'nginx',
			issuerName: 'letsencrypt-prod',
			issuerKind: 'ClusterIssuer',
			ingressNamespace: 'ingress-nginx',
			monitoringNamespace: 'monitoring',
			monitoringLabels: {},
		});
	});

	it.each([
		[{ namespacePrefix: 'App-' }, 'cluster.namespacePrefix'],
		[{ issuerKind: 'Vault' }, 'cluster.issuerKind'],
		[{ monitoringLabels: 'release' }, 'cluster.monitoringLabels'],
		[{ monitoringLabels: { 'bad key!': 'x' } }, 'cluster.monitoringLabels.bad key!'],
		[{ monitoringLabels: { team: 'a b' } }, 'cluster.monitoringLabels.team'],
	])('%j fails on %s', (input, field) => {
		expect(() => validateClusterProfile(input)).toThrow(expect.objectContaining({ field }));
	});

	it('reads labels written as text', () => {
		expect(
			validateClusterProfile({ monitoringLabels: 'release=prom, example.com/team=ops' })
				.monitoringLabels,
		).toEqual({
			release: 'prom',
			'example.com/team': 'ops',
		});
	});
});
