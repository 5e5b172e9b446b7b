// Evidence before action in real n8n: Alertmanager Trigger → Investigate → Repair Action (Auto)
// against the fake Kubernetes API, one workload per cause. The repair follows the diagnosis at
// tier 1 — a rollback for a crash that began with a rollout, more memory on OOM — and never
// restarts into a missing Secret key, an unpullable image or a dependency without endpoints:
// those escalate, and the explanation names the Secret and key, the image, the Service.
import { applyObject, type KubeObject } from '../../lib/kube';
import { deploymentObject, NS, startCluster, type Cluster } from '../support/repair';
import { tmpFolder } from '../support/stores';
import { startN8n, type N8nInstance } from './support/n8n';
import { startReceiver } from './support/receiver';

const k8s = { id: 'kubeCred0000001', name: 'Fake cluster' };

function evidenceWorkflow(receiverUrl: string, folder: string) {
	const store = { store: 'embedded', options: { embeddedFolder: folder } };
	const node = (id: string, name: string, type: string, x: number, parameters: object, extra: object = {}) => ({
		id,
		name,
		type,
		typeVersion: 1,
		position: [x, 0],
		parameters,
		...extra,
	});
	return {
		id: 'evidenceRepair01',
		name: 'Evidence before action',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			node('n1', 'Alertmanager Trigger', 'n8n-nodes-aiops.alertmanagerTrigger', 0, { path: 'evidence', authentication: 'none', options: {} }, {
				webhookId: '5b0c7e1a-2d3f-4e5a-9b8c-7d6e5f4a3b2c',
			}),
			node('n2', 'Investigate', 'n8n-nodes-aiops.investigate', 250, { operation: 'investigate' }, { credentials: { aiopsKubernetesApi: k8s } }),
			node('n3', 'Repair Action', 'n8n-nodes-aiops.repairAction', 500, { operation: 'auto', verifyTimeout: 60, ...store }, {
				credentials: { aiopsKubernetesApi: k8s },
			}),
			node('n4', 'Echo', 'n8n-nodes-base.httpRequest', 750, {
				method: 'POST',
				url: `${receiverUrl}/repairs`,
				sendBody: true,
				specifyBody: 'json',
				jsonBody: '={{ JSON.stringify($json) }}',
				options: {},
			}, { typeVersion: 4.2 }),
		],
		connections: {
			'Alertmanager Trigger': { main: [[{ node: 'Investigate', type: 'main', index: 0 }]] },
			Investigate: { main: [[{ node: 'Repair Action', type: 'main', index: 0 }]] },
			'Repair Action': { main: [[{ node: 'Echo', type: 'main', index: 0 }]] },
		},
	};
}

function withEnv(d: KubeObject, env: object[]): KubeObject {
	(d.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec.containers[0].env = env;
	return d;
}

describe('Investigate before Repair Action in real n8n', () => {
	let n8n: N8nInstance;
	let cluster: Cluster;
	let receiver: Awaited<ReturnType<typeof startReceiver>>;
	const folder = tmpFolder('evidence-e2e');

	beforeAll(async () => {
		cluster = await startCluster();
		receiver = await startReceiver();
		n8n = await startN8n({
			credentials: [
				{ ...k8s, type: 'aiopsKubernetesApi', data: { authentication: 'kubeconfig', kubeconfig: cluster.fake.kubeconfig(), context: '' } },
			],
			workflows: [evidenceWorkflow(receiver.url, folder.path)],
			webhooks: ['evidence'],
		});
	});

	afterAll(async () => {
		await n8n?.stop();
		await receiver?.close();
		await cluster?.stop();
		folder.remove();
	});

	const podsShow = async (text: string) => {
		const end = Date.now() + 10_000;
		while (!JSON.stringify(cluster.fake.list('Pod', NS)).includes(text)) {
			if (Date.now() > end) throw new Error(`pods never showed ${text}`);
			await new Promise((r) => setTimeout(r, 50));
		}
	};

	async function alertAbout(deployment: string, alertname: string) {
		const seen = receiver.received.length;
		const res = await fetch(`${n8n.baseUrl}/webhook/evidence`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				receiver: 'n8n',
				status: 'firing',
				alerts: [
					{
						status: 'firing',
						labels: { alertname, namespace: NS, deployment, severity: 'critical' },
						annotations: { summary: `${deployment} is failing` },
						startsAt: new Date(Date.now() - 60_000).toISOString(),
						endsAt: '0001-01-01T00:00:00Z',
						generatorURL: 'http://prometheus/graph',
						fingerprint: '',
					},
				],
				groupLabels: {},
				commonLabels: {},
				commonAnnotations: {},
				externalURL: 'http://alertmanager',
				version: '4',
				groupKey: `{}:{deployment="${deployment}"}`,
				truncatedAlerts: 0,
			}),
		});
		expect(res.status).toBe(200);
		const all = await receiver.waitFor(seen + 1, 240_000);
		const item = all[seen].body as Record<string, Record<string, unknown>>;
		return { diagnosis: item.diagnosis, repair: item.repair, evidence: item.evidence };
	}

	const imageOf = (name: string) =>
		JSON.stringify(cluster.fake.get('Deployment', NS, name)?.spec).match(/"image":"([^"]+)"/)?.[1];

	it('a crash loop right after a rollout: rolled back at tier 1', async () => {
		await cluster.deploy({ name: 'checkout', image: 'checkout:1' });
		cluster.fake.failPods('checkout:2', 'CrashLoopBackOff');
		await applyObject(cluster.client, deploymentObject({ name: 'checkout', image: 'checkout:2' }), { fieldManager: 'test-deployer' });
		await podsShow('CrashLoopBackOff');
		const { diagnosis, repair } = await alertAbout('checkout', 'KubePodCrashLooping');
		expect(diagnosis).toMatchObject({ cause: 'crash_after_rollout', recommended_action: 'rollback' });
		expect(repair).toMatchObject({ action: 'rollback', status: 'succeeded' });
		expect(imageOf('checkout')).toBe('checkout:1');
	});

	it('OOMKilled: the memory limit is raised', async () => {
		cluster.fake.failPods('cart:1', 'OOMKilled');
		await applyObject(cluster.client, deploymentObject({ name: 'cart', image: 'cart:1', memory: { limit: '256Mi' } }), { fieldManager: 'test' });
		await podsShow('OOMKilled');
		// in the fake, more memory is what the pods were waiting for: they heal once it is raised
		let watching = true;
		const heal = (async () => {
			while (watching && JSON.stringify(cluster.fake.get('Deployment', NS, 'cart')?.spec).includes('"memory":"256Mi"')) {
				await new Promise((r) => setTimeout(r, 20));
			}
			cluster.fake.healPods('cart:1');
		})();
		const { diagnosis, repair } = await alertAbout('cart', 'KubePodOOMKilled').finally(() => (watching = false));
		await heal;
		expect(diagnosis).toMatchObject({ cause: 'out_of_memory', recommended_action: 'raise_memory' });
		expect(repair).toMatchObject({ action: 'raise_memory', status: 'succeeded' });
		expect(JSON.stringify(cluster.fake.get('Deployment', NS, 'cart')?.spec)).not.toContain('"memory":"256Mi"');
	});

	it('the database Service has no ready endpoints and the logs say connection refused: no restart, the dependency named', async () => {
		cluster.fake.seed({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'orders-db', namespace: NS }, spec: { clusterIP: '10.96.0.40', ports: [{ port: 5432 }] } });
		cluster.fake.seed({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'orders-db', namespace: NS }, subsets: [] });
		cluster.fake.failPods('orders:1', 'CrashLoopBackOff');
		await applyObject(cluster.client, withEnv(deploymentObject({ name: 'orders', image: 'orders:1' }), [{ name: 'DATABASE_URL', value: 'postgres://orders@orders-db:5432/orders' }]), { fieldManager: 'test' });
		await podsShow('orders');
		await podsShow('CrashLoopBackOff');
		for (const p of cluster.fake.list('Pod', NS)) {
			const name = String((p.metadata as { name: string }).name);
			if (name.startsWith('orders-')) cluster.fake.setPodLogs(NS, name, 'app', [], [{ time: '2030-01-01T00:00:00Z', text: 'dial tcp 10.96.0.40:5432: connect: connection refused' }]);
		}
		const before = JSON.stringify(cluster.fake.get('Deployment', NS, 'orders')?.spec);
		const { diagnosis, repair } = await alertAbout('orders', 'KubePodCrashLooping');
		expect(diagnosis).toMatchObject({ cause: 'dependency_unreachable', recommended_action: 'escalate', subject: { kind: 'service', name: 'orders-db' } });
		expect(repair).toMatchObject({ status: 'escalated', action: null });
		expect(String((repair.plan as Record<string, unknown>).explanation)).toContain(`${NS}/orders-db`);
		expect(JSON.stringify(cluster.fake.get('Deployment', NS, 'orders')?.spec)).toBe(before);
	});

	it('CreateContainerConfigError for a missing Secret key: no restart, the Secret and key named', async () => {
		cluster.fake.seed({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'payments-db', namespace: NS }, data: { user: 'cGF5' } });
		await applyObject(
			cluster.client,
			withEnv(deploymentObject({ name: 'payments', image: 'payments:1' }), [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'payments-db', key: 'password' } } }]),
			{ fieldManager: 'test' },
		);
		await podsShow('CreateContainerConfigError');
		const before = JSON.stringify(cluster.fake.get('Deployment', NS, 'payments')?.spec);
		const { diagnosis, repair } = await alertAbout('payments', 'KubeDeploymentReplicasMismatch');
		expect(diagnosis).toMatchObject({ cause: 'configuration_error', subject: { kind: 'secret', name: 'payments-db', key: 'password' } });
		expect(repair).toMatchObject({ status: 'escalated' });
		expect(String((repair.plan as Record<string, unknown>).explanation)).toContain(`Secret ${NS}/payments-db key password`);
		expect(JSON.stringify(cluster.fake.get('Deployment', NS, 'payments')?.spec)).toBe(before);
	});

	it('ImagePullBackOff: no restart, the image named', async () => {
		cluster.fake.failPods('registry.test/search:404', 'ImagePullBackOff');
		await applyObject(cluster.client, deploymentObject({ name: 'search', image: 'registry.test/search:404' }), { fieldManager: 'test' });
		await podsShow('ImagePullBackOff');
		const { diagnosis, repair } = await alertAbout('search', 'KubePodNotReady');
		expect(diagnosis).toMatchObject({ cause: 'image_pull_failure', subject: { kind: 'image', name: 'registry.test/search:404' } });
		expect(repair).toMatchObject({ status: 'escalated' });
		expect(String((repair.plan as Record<string, unknown>).explanation)).toContain('registry.test/search:404');
	});
});
