// Hostile app specs the field rules must get right as a class: image references as the container
// runtime parses them, unknown keys inside list entries, and keys named after Object.prototype.
import { InvalidInputError } from '../../../lib/errors';
import { renderManifests, validateAppSpec } from '../../../lib/manifests';

const HEX64 = 'c1da5d2e9a0f6b3e4c8d7f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e';
const base = {
	name: 'shop',
	domain: 'shop.example.com',
	framework: 'nodejs',
	image: 'ghcr.io/acme/shop:1.4.2',
};

function refusal(spec: Record<string, unknown>): InvalidInputError {
	try {
		validateAppSpec(spec);
	} catch (error) {
		expect(error).toBeInstanceOf(InvalidInputError);
		return error as InvalidInputError;
	}
	throw new Error(`accepted ${JSON.stringify(spec)}`);
}

describe('image references, as distribution/reference and go-digest parse them', () => {
	it.each([
		'nginx',
		'nginx:1.25',
		'library/nginx:latest',
		'ghcr.io/acme/shop:1.4.2',
		'localhost/app',
		'localhost:5000/app',
		'registry.example.com:5000/team/sub/app:v1.2_rc-3',
		'Registry.Example.COM/app:1',
		'[::1]:5000/app:tag',
		'[2001:db8::1]/team/app',
		'a__b/c-d---e.f_g:T',
		`nginx@sha256:${HEX64}`,
		`ghcr.io/acme/shop:1.4.2@sha256:${HEX64}`,
		`app@sha384:${'ab'.repeat(48)}`,
		`app@sha512:${'0f'.repeat(64)}`,
		`app:${'t'.repeat(128)}`,
	])('accepts %s', (image) => {
		expect(validateAppSpec({ ...base, image }).spec.image).toBe(image);
	});

	it.each([
		[`shop@sha256:${HEX64.toUpperCase()}`, /sha256 digest is 64 lowercase hex digits/],
		[`shop@sha256:${HEX64.slice(0, 63)}`, /sha256 digest is 64 lowercase hex digits/],
		[`shop@sha256:${HEX64}0`, /sha256 digest is 64 lowercase hex digits/],
		[`shop@sha512:${HEX64}`, /sha512 digest is 128 lowercase hex digits/],
		[`shop@md5:${HEX64.slice(0, 32)}`, /algorithm must be sha256, sha384 or sha512, not "md5"/],
		[`shop@SHA256:${HEX64}`, /algorithm must be sha256, sha384 or sha512/],
		['shop@', /digest after @ must be algorithm:hex/],
		[`shop@${HEX64}`, /digest after @ must be algorithm:hex/],
		[`shop@sha256:${HEX64}@sha256:${HEX64}`, /sha256 digest is 64 lowercase hex/],
		['Shop', /repository path must be lowercase/],
		['acme/Shop:1', /repository path must be lowercase/],
		['ghcr.io/Acme/shop', /repository path must be lowercase/],
		['shop:', /tag must be/],
		['shop:-1', /tag must be/],
		['shop:.1', /tag must be/],
		['shop:a/b', /registry must be a host name/],
		[`shop:${'t'.repeat(129)}`, /tag must be/],
		[':1.0', /name is empty/],
		['acme//shop', /path component "" must be/],
		['acme/shop/', /path component "" must be/],
		['-shop', /path component "-shop"/],
		['shop-', /path component "shop-"/],
		['sh..op', /path component "sh..op"/],
		['sh op', /path component "sh op"/],
		['shop\n', /path component/],
		['ex_ample.com/app', /registry must be a host name/],
		['-reg.io/app', /registry must be a host name/],
		['reg.io:port/app', /registry must be a host name/],
		[HEX64, /64 hex digits name an image ID/],
		[`${'a'.repeat(256)}:1`, /longer than 255 characters/],
	])('refuses %j, naming image', (image, rule) => {
		const error = refusal({ ...base, image });
		expect(error.field).toBe('image');
		expect(error.message).toMatch(/^image: not an image reference: /);
		expect(error.message).toMatch(rule);
		expect(error.message).toContain(JSON.stringify(image).slice(1, 20));
	});
});

describe('unknown keys inside list entries and nested objects', () => {
	it('are reported like unknown top-level fields, with their path; nothing else changes', () => {
		const { spec, warnings } = validateAppSpec({
			...base,
			source_url: 'https://git.example/shop',
			env: [
				{ name: 'A', value: '1' },
				{ name: 'B', value: '2', valueFrom: { secretKeyRef: { name: 'x', key: 'y' } } },
			],
			secretRefs: [
				'plain',
				{ secret: 'db', namespace: 'kube-system' },
				{ secret: 'mail', key: 'password', env: 'MAIL_PASSWORD', optional: true },
			],
			addons: [{ type: 'redis', storage: '1Gi', version: '7' }],
			policy: { autoRepair: true, maxRestarts: 3 },
		});
		expect(warnings).toEqual([
			'source_url: not an app spec field; ignored',
			'env[1].valueFrom: not an app spec field; ignored',
			'secretRefs[1].namespace: not an app spec field; ignored',
			'secretRefs[2].optional: not an app spec field; ignored',
			'addons[0].version: not an app spec field; ignored',
			'policy.maxRestarts: not an app spec field; ignored',
		]);
		expect(spec.secretRefs).toEqual([
			{ secret: 'plain' },
			{ secret: 'db' },
			{ secret: 'mail', key: 'password', env: 'MAIL_PASSWORD' },
		]);
		expect(spec.env).toEqual([
			{ name: 'A', value: '1' },
			{ name: 'B', value: '2' },
		]);
	});

	it('render reports them in its warnings too', () => {
		const result = renderManifests({ ...base, secretRefs: [{ secret: 'db', namespace: 'kube-system' }] });
		expect(result.warnings).toContain('secretRefs[0].namespace: not an app spec field; ignored');
	});

	it('snake_case spellings inside entries are known, and giving both is refused', () => {
		expect(validateAppSpec({ ...base, addons: [{ type: 'redis', storage: '1Gi' }] }).warnings).toEqual([]);
		const error = refusal({
			...base,
			policy: { autoRepair: true, auto_repair: false },
		});
		expect(error.message).toMatch(/policy\.autoRepair: given twice/);
	});
});

describe('keys named after Object.prototype are plain keys', () => {
	const PROTO_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

	it.each(PROTO_KEYS)('env %s is an ordinary variable, rendered into the ConfigMap', (key) => {
		// JSON.parse makes "__proto__" an own key, as a webhook body does
		const spec = JSON.parse(
			`{"name":"shop","domain":"shop.example.com","framework":"nodejs","image":"nginx","addons":["postgresql"],"env":{"${key}":"v-${key}"}}`,
		);
		const result = renderManifests(spec);
		expect(JSON.stringify(result)).not.toContain('[object Object]');
		const config = result.objects.find((o) => o.kind === 'ConfigMap') as unknown as {
			data: Record<string, string>;
		};
		expect(Object.getOwnPropertyDescriptor(config.data, key)?.value).toBe(`v-${key}`);
		expect(result.yaml).toContain(`v-${key}`);
	});

	it.each(PROTO_KEYS)('%s as a field name anywhere is an unknown field, never a crash', (key) => {
		const spec = JSON.parse(
			`{"name":"shop","domain":"shop.example.com","framework":"nodejs","image":"nginx","${key}":1,"policy":{"${key}":1},"secretRefs":[{"secret":"s","${key}":1}]}`,
		);
		const { warnings } = validateAppSpec(spec);
		expect(warnings).toEqual([
			`${key}: not an app spec field; ignored`,
			`secretRefs[0].${key}: not an app spec field; ignored`,
			`policy.${key}: not an app spec field; ignored`,
		]);
	});

	it('a variable an addon sets is refused naming the addon, whatever the other keys', () => {
		const spec = JSON.parse(
			'{"name":"shop","domain":"shop.example.com","framework":"nodejs","image":"nginx","addons":["postgresql"],"env":{"__proto__":"x","DATABASE_URL":"postgres://elsewhere"}}',
		);
		const error = refusal(spec);
		expect(error.message).toBe(
			'env.DATABASE_URL: DATABASE_URL is set by the postgresql addon; remove it here',
		);
	});

	it('values given as keys and values of a template map stay plain keys', () => {
		const result = renderManifests(base, {
			templates: {
				'base/extra.yaml':
					'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n  namespace: {{yaml app.namespace}}\ndata: {{yaml (map "__proto__" "p" "constructor" "c")}}\n',
			},
		});
		const extra = result.objects.find((o) => o.metadata?.name === 'extra') as unknown as {
			data: Record<string, string>;
		};
		expect(Object.getOwnPropertyDescriptor(extra.data, '__proto__')?.value).toBe('p');
		expect(Object.getOwnPropertyDescriptor(extra.data, 'constructor')?.value).toBe('c');
	});
});
