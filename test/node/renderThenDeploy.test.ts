// The onboarding path end to end at the node layer: Render Manifests' output items go straight
// into Deploy App, against the fake API server with only the shipped RBAC (templates/rbac) —
// the two nodes agree on fields (objects, policyAnnotations), on create-only Secrets and on
// what each step holds, and the role covers every kind Render Manifests emits.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { loadNode, runNode } from '../harness/nodeHarness';
import { rbacTableFromYaml } from '../k8s/rbac';
import { FakeKube } from '../k8s/server';

const render = loadNode('RenderManifests');
const deploy = loadNode('DeployApp');

const spec = {
	name: 'shop',
	display_name: 'Shop',
	domain: 'shop.example.com',
	framework: 'django',
	image: 'ghcr.io/example/shop:3.1.0',
	plan: 'standard',
	addons: ['postgresql', 'redis'],
};

let fake: FakeKube;

beforeEach(async () => {
	fake = await new FakeKube({ tickMs: 5 }).start();
	fake.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'monitoring' } });
	fake.rbac = rbacTableFromYaml(
		readFileSync(join(__dirname, '../../templates/rbac/deploy-app.yaml'), 'utf8'),
		{
			namespace: 'n8n',
			name: 'n8n',
		},
	);
});

afterEach(async () => {
	await fake.stop();
});

async function rendered() {
	const [items] = await runNode(render, {
		parameters: { specSource: 'item', specField: 'body' },
		items: [{ json: { body: spec } }],
	});
	return items;
}

it('deploys what Render Manifests renders, keeps generated passwords on a redeploy, and tears it down', async () => {
	const credentials = {
		aiopsKubernetesApi: { authentication: 'kubeconfig', kubeconfig: fake.kubeconfig() },
	};
	const first = await rendered();
	const [out] = await runNode(deploy, {
		parameters: { operation: 'deploy', rolloutTimeout: 30 },
		items: first,
		credentials,
	});
	const report = out[0].json as {
		status: string;
		namespace: string;
		steps: { step: string; status: string }[];
		rollouts: { kind: string; status: string }[];
		objects: { kind: string; name: string; result: string }[];
	};
	expect(report.status).toBe('succeeded');
	expect(report.namespace).toBe('app-shop');
	expect(report.steps.every((s) => s.status === 'succeeded')).toBe(true);
	// the web Deployment, the celery worker and both addons, each rolled out
	expect(report.rollouts.map((r) => `${r.kind}:${r.status}`).sort()).toEqual([
		'Deployment:rolled out',
		'Deployment:rolled out',
		'StatefulSet:rolled out',
		'StatefulSet:rolled out',
	]);
	const secrets = report.objects.filter((o) => o.kind === 'Secret');
	expect(secrets.length).toBeGreaterThan(0);
	const passwords = secrets.map((s) => JSON.stringify(fake.get('Secret', 'app-shop', s.name)));
	// a second render generates new passwords; deploying it must not replace the ones in use
	const [again] = await runNode(deploy, {
		parameters: { operation: 'deploy', rolloutTimeout: 30 },
		items: await rendered(),
		credentials,
	});
	const second = again[0].json as { status: string; objects: { kind: string; result: string }[] };
	expect(second.status).toBe('succeeded');
	expect(second.objects.filter((o) => o.kind === 'Secret').map((o) => o.result)).toEqual(
		secrets.map(() => 'kept'),
	);
	expect(secrets.map((s) => JSON.stringify(fake.get('Secret', 'app-shop', s.name)))).toEqual(
		passwords,
	);
	expect(fake.requests.filter((r) => r.status === 403)).toEqual([]);
	const [gone] = await runNode(deploy, {
		parameters: { operation: 'delete', namespaceTimeout: 10 },
		items: first,
		credentials,
	});
	expect(gone[0].json).toMatchObject({
		status: 'succeeded',
		namespaces: [{ name: 'app-shop', gone: true }],
	});
});
