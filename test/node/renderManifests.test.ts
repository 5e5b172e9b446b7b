import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

import { loadNode, runNode } from '../harness/nodeHarness';

const node = loadNode('RenderManifests');

const body = (overrides: Record<string, unknown> = {}) => ({
	name: 'event-system',
	display_name: '活動報名網站',
	domain: 'event.wooo.work',
	framework: 'flask',
	image: 'registry.wooo.work/event-system:2026.02.14',
	plan: 'standard',
	addons: ['postgresql'],
	...overrides,
});
// what n8n's Webhook node emits for a POST
const webhookItem = (spec: Record<string, unknown>) => ({
	json: { headers: { 'content-type': 'application/json' }, params: {}, query: {}, body: spec },
});
const fromItem = { specSource: 'item', specField: 'body' };

describe('Render Manifests (node)', () => {
	it('renders an app defined in the parameters', async () => {
		const [out] = await runNode(node, {
			parameters: {
				name: 'shop',
				domain: 'shop.example.com',
				framework: 'django',
				image: 'ghcr.io/example/shop:3.1.0',
				plan: 'basic',
				additionalFields: {
					addons: ['redis'],
					env: { variables: [{ name: 'GREETING', value: 'hi: there\nkind: Secret' }] },
					secretRefs: {
						refs: [
							{ source: 'shop-keys', key: '', env: '' },
							{ source: 'mail', key: 'password', env: 'MAIL_PASSWORD' },
						],
					},
					workerCommand: 'celery -A shop.app worker',
				},
			},
		});
		expect(out).toHaveLength(1);
		const json = out[0].json as any;
		expect(out[0].pairedItem).toEqual({ item: 0 });
		expect(json.namespace).toBe('app-shop');
		expect(json.objects.map((o: any) => o.kind)).toEqual([
			'Namespace',
			'NetworkPolicy',
			'ServiceAccount',
			'Secret',
			'ConfigMap',
			'Service',
			'Service',
			'Deployment',
			'Deployment',
			'StatefulSet',
			'Ingress',
			'Certificate',
			'PrometheusRule',
			'ServiceMonitor',
		]);
		// the YAML is the same objects, and the hostile env value stayed a value
		expect(parseAllDocuments(json.yaml).map((d: any) => d.toJS())).toEqual(json.objects);
		const config = json.objects.find((o: any) => o.kind === 'ConfigMap');
		expect(config.data.GREETING).toBe('hi: there\nkind: Secret');
		const worker = json.objects.find((o: any) => o.metadata.name === 'shop-worker');
		expect(worker.spec.template.spec.containers[0].command).toEqual([
			'celery',
			'-A',
			'shop.app',
			'worker',
		]);
		const web = json.objects.find((o: any) => o.kind === 'Deployment' && o.metadata.name === 'shop')
			.spec.template.spec.containers[0];
		expect(web.envFrom).toContainEqual({ secretRef: { name: 'shop-keys' } });
		expect(web.env).toContainEqual({
			name: 'MAIL_PASSWORD',
			valueFrom: { secretKeyRef: { name: 'mail', key: 'password' } },
		});
		expect(json.dashboard.panels).toHaveLength(5);
		expect(json.policyAnnotations['n8n-nodes-aiops.dev/max-replicas']).toBe('2');
	});

	it('renders the app spec of a webhook body, one output item per input item', async () => {
		const [out] = await runNode(node, {
			parameters: fromItem,
			items: [
				webhookItem(body()),
				webhookItem(
					body({ name: 'blog', domain: 'blog.example.com', framework: 'static', addons: [] }),
				),
			],
		});
		expect(out.map((i) => [i.json.name, i.pairedItem])).toEqual([
			['event-system', { item: 0 }],
			['blog', { item: 1 }],
		]);
		expect(out[0].json.warnings).toEqual([]);
	});

	it('fails a bad item naming the field and the rule, and still renders the others (continue on fail)', async () => {
		const [out] = await runNode(node, {
			parameters: fromItem,
			continueOnFail: true,
			items: [
				webhookItem(body()),
				webhookItem(body({ domain: 'evil.example.com\nkind: Secret' })),
				webhookItem(body({ name: 'other' })),
			],
		});
		expect(out).toHaveLength(3);
		expect(out[0].json.objects).toBeDefined();
		expect(out[1].json).toMatchObject({ field: 'domain' });
		expect(out[1].json.error).toMatch(/^domain: must be a fully qualified host name/);
		expect(out[1].pairedItem).toEqual({ item: 1 });
		expect(out[2].json.name).toBe('other');
	});

	it('throws for a bad item without continue on fail, with the item index and the field', async () => {
		const run = runNode(node, {
			parameters: fromItem,
			items: [webhookItem(body()), webhookItem(body({ plan: 'free' }))],
		});
		await expect(run).rejects.toMatchObject({
			name: 'NodeOperationError',
			message: expect.stringMatching(
				/^plan: must be one of basic, standard, advanced, professional/,
			),
			description: 'Field: plan',
			context: { itemIndex: 1 },
		});
	});

	it('says where it looked when the item holds no spec', async () => {
		const run = runNode(node, { parameters: fromItem, items: [{ json: { name: 'x' } }] });
		await expect(run).rejects.toMatchObject({
			message: 'The item has no app spec object at "body"',
			context: { itemIndex: 0 },
		});
	});

	it("puts the ops team's policy over the one in the webhook body", async () => {
		const [out] = await runNode(node, {
			parameters: {
				...fromItem,
				policy: { maxMemory: '2Gi', allowedActions: ['restart'], approvalRequired: [] },
			},
			items: [
				webhookItem(
					body({ policy: { max_memory: '64Gi', allowed_actions: ['restart', 'scale'] } }),
				),
			],
		});
		expect(out[0].json.policy).toEqual({
			autoRepair: true,
			allowedActions: ['restart'],
			maxMemory: '2Gi',
			maxReplicas: 4,
			approvalRequired: [],
		});
	});

	it('uses a template text from the parameters and templates from a folder', async () => {
		const folder = mkdtempSync(join(tmpdir(), 'aiops-templates-'));
		try {
			mkdirSync(join(folder, 'base'));
			writeFileSync(
				join(folder, 'base', 'limitrange.yaml.hbs'),
				'apiVersion: v1\nkind: LimitRange\nmetadata:\n  name: {{yaml app.name}}\nspec:\n  limits:\n    - type: Container\n      max:\n        memory: {{yaml app.policy.maxMemory}}\n',
			);
			writeFileSync(join(folder, 'README.md'), 'not a template');
			const [out] = await runNode(node, {
				parameters: {
					...fromItem,
					templates: {
						folder,
						overrides: {
							template: [
								{
									name: 'base/serviceaccount.yaml',
									text: 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {{yaml app.name}}\n  labels:\n    team: payments\n',
								},
							],
						},
					},
				},
				items: [webhookItem(body())],
			});
			const json = out[0].json as any;
			expect(json.objects.find((o: any) => o.kind === 'LimitRange').spec.limits[0].max.memory).toBe(
				'2Gi',
			);
			expect(json.objects.find((o: any) => o.kind === 'ServiceAccount').metadata.labels).toEqual({
				team: 'payments',
			});
			expect(json.templates.overridden.sort()).toEqual([
				'base/limitrange.yaml',
				'base/serviceaccount.yaml',
			]);
		} finally {
			rmSync(folder, { recursive: true, force: true });
		}
	});

	it('refuses a user template that would print raw text, naming it', async () => {
		const run = runNode(node, {
			parameters: {
				...fromItem,
				templates: {
					overrides: {
						template: [{ name: 'base/namespace.yaml', text: 'metadata:\n  name: {{app.name}}\n' }],
					},
				},
			},
			items: [webhookItem(body())],
		});
		await expect(run).rejects.toMatchObject({
			message: expect.stringMatching(
				/^templates\.base\/namespace\.yaml at line 2: .*would print raw text/,
			),
		});
	});

	it('validates a spec without rendering it', async () => {
		const [out] = await runNode(node, {
			parameters: { ...fromItem, operation: 'validate' },
			items: [webhookItem(body({ source_url: 'https://git.example.com/x.git' }))],
		});
		expect(out[0].json).toMatchObject({
			valid: true,
			name: 'event-system',
			namespace: 'app-event-system',
			warnings: ['source_url: not an app spec field; ignored'],
		});
		expect(out[0].json.objects).toBeUndefined();
	});
});
