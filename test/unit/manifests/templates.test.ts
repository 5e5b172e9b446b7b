import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

import { InvalidInputError } from '../../../lib/errors';
import { renderManifests, TEMPLATE_NAMES } from '../../../lib/manifests';
import { BUILTIN_TEMPLATES } from '../../../lib/manifests/builtinTemplates';

const APP = {
	name: 'shop',
	domain: 'shop.example.com',
	framework: 'flask',
	image: 'nginx:1.27',
};
const password = () => 'pw';

function renderWith(templates: Record<string, string>, spec: Record<string, unknown> = {}) {
	return renderManifests({ ...APP, ...spec }, { templates, generatePassword: password });
}

function refusal(templates: Record<string, string>): InvalidInputError {
	try {
		renderWith(templates);
	} catch (error) {
		expect(error).toBeInstanceOf(InvalidInputError);
		return error as InvalidInputError;
	}
	throw new Error('the template was accepted');
}

describe('the package templates', () => {
	it('are all bundled: every manifest .hbs under templates/ is in the registry, with the same text', () => {
		const root = join(__dirname, '../../../templates');
		const files = (readdirSync(root, { recursive: true }) as string[])
			// templates/notifications/ are Notify's messages, bundled by lib/notify
			.filter((f) => f.endsWith('.hbs') && !f.startsWith('notifications/'))
			.map((f) => relative(root, join(root, f)).replace(/\.hbs$/, ''))
			.sort();
		expect(TEMPLATE_NAMES).toEqual(files);
	});

	it('write every value through {{yaml}} / {{json}}', () => {
		for (const [name, text] of Object.entries(BUILTIN_TEMPLATES)) {
			// the checker runs on them too; this says it in plain words for a reader
			const bare = [...text.matchAll(/(?<!\\)\{\{(?![!#/>]|else|yaml |json |~)/g)];
			expect({ name, bare: bare.map((m) => text.slice(m.index, m.index! + 30)) }).toEqual({
				name,
				bare: [],
			});
		}
	});
});

describe('template overrides', () => {
	it('replace a package template with the user text', () => {
		const result = renderWith({
			'base/serviceaccount.yaml': [
				'apiVersion: v1',
				'kind: ServiceAccount',
				'metadata:',
				'  name: {{yaml app.name}}',
				'  namespace: {{yaml app.namespace}}',
				'  annotations:',
				'    eks.amazonaws.com/role-arn: {{yaml (concat "arn:aws:iam::123:role/" app.name)}}',
				'automountServiceAccountToken: true',
			].join('\n'),
		});
		const sa = result.objects.find((o) => o.kind === 'ServiceAccount')!;
		expect(sa.metadata.annotations).toEqual({
			'eks.amazonaws.com/role-arn': 'arn:aws:iam::123:role/shop',
		});
		expect(result.templates.overridden).toEqual(['base/serviceaccount.yaml']);
	});

	it('can add templates, and a partial override reaches every template that uses it', () => {
		const result = renderWith({
			'base/pdb.yaml': [
				'apiVersion: policy/v1',
				'kind: PodDisruptionBudget',
				'metadata:',
				'  name: {{yaml app.name}}',
				'spec:',
				'  minAvailable: 1',
				'  selector:',
				'    matchLabels: {{yaml web.selector}}',
			].join('\n'),
			'partials/probes': 'livenessProbe:\n  tcpSocket:\n    port: http\n',
		});
		const pdb = result.objects.find((o) => o.kind === 'PodDisruptionBudget')!;
		// namespaced kinds land in the app namespace when the template does not say
		expect(pdb.metadata.namespace).toBe('app-shop');
		const container = (result.objects.find((o) => o.kind === 'Deployment')!.spec as any).template
			.spec.containers[0];
		expect(container.livenessProbe).toEqual({ tcpSocket: { port: 'http' } });
		expect(container.readinessProbe).toBeUndefined();
	});

	it.each([
		['a bare {{value}}', 'metadata:\n  name: {{app.name}}\n', /would print raw text/],
		['a triple stash', 'metadata:\n  name: {{{app.name}}}\n', /prints raw text/],
		[
			'a helper that prints raw text',
			'metadata:\n  name: {{concat app.name "x"}}\n',
			/would print raw text/,
		],
		['an unknown helper', 'name: {{yaml (shell "id")}}\n', /not a known helper/],
		['an unknown partial', '{{> partials/nope}}\n', /partial "partials\/nope" does not exist/],
		['a partial given a context', '{{> partials/probes app}}\n', /no context argument/],
		[
			'a block helper other than if/unless/each/with',
			'{{#lookup app "name"}}x{{/lookup}}\n',
			/not allowed/,
		],
		['a partial block', '{{#> partials/probes}}x{{/partials/probes}}\n', /not allowed/],
		['a decorator', '{{* decorate}}\n', /not allowed/],
		['invalid Handlebars', 'name: {{yaml app.name\n', /not a valid Handlebars template/],
	])('refuse %s, naming the template', (_what, text, why) => {
		const error = refusal({ 'base/serviceaccount.yaml': text });
		expect(error.field).toBe('templates.base/serviceaccount.yaml');
		expect(error.message).toMatch(why);
	});

	it.each([
		[
			'a value inside other text',
			'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x-{{yaml app.name}}\n',
			/must stand alone/,
		],
		[
			'a value inside a quoted string',
			'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "x{{yaml app.name}}"\n',
			/must stand alone|did not render valid YAML/,
		],
		['YAML that does not parse', 'apiVersion: v1\nkind: [\n', /did not render valid YAML/],
		['an alias', 'a: &x {b: 1}\nc: *x\n', /did not render valid YAML|alias/i],
		['a duplicate key', 'apiVersion: v1\napiVersion: v2\n', /did not render valid YAML/],
		['a document that is not an object', '- just\n- a list\n', /not a Kubernetes object/],
		[
			'a missing value',
			'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{yaml app.nothing}}\n',
			/not defined|does not exist/,
		],
	])('refuse a rendered template with %s', (_what, text, why) => {
		const error = refusal({ 'base/configmap.yaml': text });
		expect(error.field).toBe('templates.base/configmap.yaml');
		expect(error.message).toMatch(why);
	});

	it('refuse two templates rendering the same object', () => {
		const error = refusal({ 'base/extra.yaml': BUILTIN_TEMPLATES['base/service.yaml'] });
		expect(error.message).toMatch(
			/renders Service shop, which base\/(extra|service)\.yaml renders too/,
		);
	});

	it('refuse a name outside the layout (a typo would otherwise be ignored)', () => {
		const error = refusal({ 'frameworks/rails/deployment.yaml': 'x: 1' });
		expect(error.field).toBe('templates.frameworks/rails/deployment.yaml');
		expect(error.message).toMatch(/not a template name/);
	});

	it('refuse a dashboard that is not a JSON object', () => {
		expect(refusal({ 'monitoring/dashboard.json': '[1, 2]' }).message).toMatch(
			/must render a JSON object/,
		);
		expect(
			refusal({ 'monitoring/dashboard.json': '{"title": {{json app.name}} ' }).message,
		).toMatch(/valid JSON/);
	});

	it('render only the framework and addon templates the app asks for', () => {
		const flask = renderWith({}, { addons: ['redis'] });
		expect(flask.templates.rendered).toContain('frameworks/flask/deployment.yaml');
		expect(flask.templates.rendered).toContain('addons/redis.yaml');
		expect(
			flask.templates.rendered.some((t) => t.includes('django') || t.includes('postgresql')),
		).toBe(false);
	});
});
