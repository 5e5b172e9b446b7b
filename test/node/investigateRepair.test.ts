// Evidence before action, through the BUILT nodes: Investigate → Repair Action (Auto) against
// the fake cluster, one case per cause. The repair follows the diagnosis at tier 1: it rolls
// back a crash that began with a rollout, raises memory on OOM, and never restarts into a
// missing Secret, an unpullable image or a dead dependency — it escalates naming the cause.
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { applyObject, getObject, type KubeObject } from '../../lib/kube';
import { builtStore, loadNode, runNode } from '../harness/nodeHarness';
import { deploymentObject, NS, startCluster, type Cluster } from '../support/repair';
import { tmpFolder } from '../support/stores';

const { closeEmbeddedStores } = builtStore();
const investigate = loadNode('Investigate');
const repair = loadNode('RepairAction');
const folder = tmpFolder('investigate-repair');
let cluster: Cluster;
let kube: { aiopsKubernetesApi: IDataObject };

beforeEach(async () => {
	cluster = await startCluster({ tickMs: 5 });
	kube = { aiopsKubernetesApi: { authentication: 'kubeconfig', kubeconfig: cluster.fake.kubeconfig(), context: '' } };
});
afterEach(async () => {
	await cluster.stop();
});
afterAll(async () => {
	await closeEmbeddedStores();
	folder.remove();
});

let keyCounter = 0;
function alertItem(alertname: string): INodeExecutionData {
	// a fresh signature per test: guard state (cooldowns) must not carry between cases
	keyCounter++;
	return {
		json: {
			status: 'firing',
			labels: { alertname, namespace: NS, deployment: 'web', case: String(keyCounter) },
			annotations: {},
			startsAt: new Date(Date.now() - 60_000).toISOString(),
			incident: { id: `inc-${keyCounter}`, recommended_tier: 1 },
		},
	};
}

/** `between` runs after the investigation, before the repair (a fixed image, in the fake). */
async function investigateThenRepair(alertname: string, between: () => void = () => undefined) {
	const [investigated] = await runNode(investigate, { parameters: { operation: 'investigate' }, credentials: kube, items: [alertItem(alertname)] });
	between();
	const [repaired] = await runNode(repair, {
		parameters: { operation: 'auto', store: 'embedded', verifyTimeout: 60, options: { embeddedFolder: folder.path } },
		credentials: kube,
		items: investigated,
	});
	return { diagnosis: repaired[0].json.diagnosis as IDataObject, repair: repaired[0].json.repair as IDataObject };
}

async function waitForPods(text: string) {
	const end = Date.now() + 5000;
	while (!JSON.stringify(cluster.fake.list('Pod', NS)).includes(text)) {
		if (Date.now() > end) throw new Error(`pods never showed ${text}`);
		await new Promise((r) => setTimeout(r, 20));
	}
}

const live = async () =>
	(await getObject(cluster.client, { apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS, name: 'web' })) as KubeObject;
const image = (d: KubeObject) => JSON.stringify(d.spec).match(/"image":"([^"]+)"/)?.[1];

describe('Investigate → Repair Action (Auto)', { timeout: 120_000 }, () => {
	it('a crash loop right after a rollout is rolled back at tier 1', async () => {
		await cluster.deploy({ image: 'web:1' });
		cluster.fake.failPods('web:2', 'CrashLoopBackOff');
		await applyObject(cluster.client, deploymentObject({ image: 'web:2' }), { fieldManager: 'test-deployer' });
		await waitForPods('CrashLoopBackOff');
		const { diagnosis, repair: r } = await investigateThenRepair('KubePodCrashLooping');
		expect(diagnosis).toMatchObject({ cause: 'crash_after_rollout', recommended_action: 'rollback' });
		expect(r).toMatchObject({ action: 'rollback', status: 'succeeded' });
		expect(String((r.plan as IDataObject).explanation)).toContain('diagnosis crash_after_rollout');
		expect(image(await live())).toBe('web:1');
	});

	it('OOMKilled raises the memory limit', async () => {
		cluster.fake.failPods('web:oom', 'OOMKilled');
		await applyObject(cluster.client, deploymentObject({ image: 'web:oom', memory: { limit: '256Mi' } }), { fieldManager: 'test' });
		await waitForPods('OOMKilled');
		// more memory is what the fake's pods of this image were waiting for
		const { diagnosis, repair: r } = await investigateThenRepair('KubePodOOMKilled', () => cluster.fake.healPods('web:oom'));
		expect(diagnosis).toMatchObject({ cause: 'out_of_memory' });
		expect(r).toMatchObject({ action: 'raise_memory', status: 'succeeded' });
		expect(JSON.stringify((await live()).spec)).not.toContain('"memory":"256Mi"');
	});

	it('a missing Secret key: no restart, an escalation naming the Secret and the key', async () => {
		await applyObject(
			cluster.client,
			(() => {
				const d = deploymentObject({ image: 'web:1' });
				(d.spec as { template: { spec: { containers: IDataObject[] } } }).template.spec.containers[0].env = [
					{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-credentials', key: 'password' } } },
				];
				return d;
			})(),
			{ fieldManager: 'test' },
		);
		cluster.fake.seed({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db-credentials', namespace: NS }, data: { user: 'YXBw' } });
		await waitForPods('CreateContainerConfigError');
		const before = JSON.stringify((await live()).spec);
		const { diagnosis, repair: r } = await investigateThenRepair('KubePodNotReady');
		expect(diagnosis).toMatchObject({ cause: 'configuration_error', subject: { kind: 'secret', name: 'db-credentials', key: 'password' } });
		expect(r).toMatchObject({ status: 'escalated', action: null });
		expect(String((r.plan as IDataObject).explanation)).toContain(`Secret ${NS}/db-credentials key password`);
		expect(JSON.stringify((await live()).spec)).toBe(before);
	});

	it('an unpullable image: no restart, the escalation names the image', async () => {
		cluster.fake.failPods('registry.test/web:404', 'ImagePullBackOff');
		await applyObject(cluster.client, deploymentObject({ image: 'registry.test/web:404' }), { fieldManager: 'test' });
		await waitForPods('ImagePullBackOff');
		const { diagnosis, repair: r } = await investigateThenRepair('KubePodNotReady');
		expect(diagnosis).toMatchObject({ cause: 'image_pull_failure', subject: { kind: 'image', name: 'registry.test/web:404' } });
		expect(r).toMatchObject({ status: 'escalated' });
		expect(String((r.plan as IDataObject).explanation)).toContain('registry.test/web:404');
	});

	it('the database has no ready endpoints and the logs say connection refused: no restart, the dependency named', async () => {
		cluster.fake.seed({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: NS }, spec: { clusterIP: '10.96.0.12', ports: [{ port: 5432 }] } });
		cluster.fake.seed({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'db', namespace: NS }, subsets: [] });
		cluster.fake.failPods('web:db', 'CrashLoopBackOff');
		const d = deploymentObject({ image: 'web:db' });
		(d.spec as { template: { spec: { containers: IDataObject[] } } }).template.spec.containers[0].env = [
			{ name: 'DATABASE_URL', value: 'postgres://app@db:5432/shop' },
		];
		await applyObject(cluster.client, d, { fieldManager: 'test' });
		await waitForPods('CrashLoopBackOff');
		for (const p of cluster.fake.list('Pod', NS)) {
			const name = String((p.metadata as IDataObject).name);
			cluster.fake.setPodLogs(NS, name, 'app', [], [{ time: '2030-01-01T00:00:00Z', text: 'FATAL: could not connect to server: Connection refused (db:5432)' }]);
		}
		const { diagnosis, repair: r } = await investigateThenRepair('KubePodCrashLooping');
		expect(diagnosis).toMatchObject({ cause: 'dependency_unreachable', subject: { kind: 'service', name: 'db' } });
		expect(r).toMatchObject({ status: 'escalated' });
		expect(String((r.plan as IDataObject).explanation)).toContain(`${NS}/db`);
	});
});
