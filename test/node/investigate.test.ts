// The BUILT Investigate node through the harness against the fake API server: evidence and a
// diagnosis on alert items, one cluster read per workload per batch, items that name no
// workload, Diagnose from evidence already on the item, and no Kubernetes credential.
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { applyObject } from '../../lib/kube';
import { loadNode, runNode } from '../harness/nodeHarness';
import { deploymentObject, NS, startCluster, type Cluster } from '../support/repair';

const node = loadNode('Investigate');
let cluster: Cluster;
let kube: { aiopsKubernetesApi: IDataObject };

beforeEach(async () => {
	cluster = await startCluster({ tickMs: 5 });
	kube = { aiopsKubernetesApi: { authentication: 'kubeconfig', kubeconfig: cluster.fake.kubeconfig(), context: '' } };
});
afterEach(async () => {
	await cluster.stop();
});

/** Alert items as a user builds them by hand (labels + startsAt), or as the trigger emits them. */
function alert(labels: Record<string, string>, extra: IDataObject = {}): INodeExecutionData {
	return { json: { status: 'firing', labels, annotations: {}, startsAt: '2030-01-01T00:00:00Z', ...extra } };
}

async function oomKilledWeb() {
	cluster.fake.failPods('web:oom', 'OOMKilled');
	await applyObject(cluster.client, deploymentObject({ image: 'web:oom', memory: { limit: '128Mi' } }), { fieldManager: 'test' });
	const end = Date.now() + 5000;
	while (!JSON.stringify(cluster.fake.list('Pod', NS)).includes('OOMKilled')) {
		if (Date.now() > end) throw new Error('pods never OOMKilled');
		await new Promise((r) => setTimeout(r, 20));
	}
}

describe('Investigate (built node)', () => {
	it('adds the evidence and a diagnosis; two alerts of one workload read the cluster once', async () => {
		await oomKilledWeb();
		const before = cluster.fake.requestsFor((r) => r.path.includes('/deployments/web')).length;
		const [out] = await runNode(node, {
			parameters: { operation: 'investigate' },
			credentials: kube,
			items: [
				alert({ alertname: 'KubePodOOMKilled', namespace: NS, deployment: 'web', reason: 'OOMKilled' }),
				alert({ alertname: 'KubePodCrashLooping', namespace: NS, deployment: 'web' }, { frequency: { anomaly_key: 'k', count_1h: 3, count_24h: 7, count_7d: 7, count_30d: 7, escalation_level: 'ESCALATE' } }),
			],
		});
		expect(out).toHaveLength(2);
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(cluster.fake.requestsFor((r) => r.path.includes('/deployments/web')).length - before).toBe(1);
		const evidence = out[0].json.evidence as IDataObject;
		expect((evidence.sources as IDataObject).cluster).toMatchObject({ status: 'ok' });
		expect(String(evidence.summary)).toContain('OOMKilled');
		expect(out[0].json.diagnosis).toMatchObject({ cause: 'out_of_memory', recommended_action: 'raise_memory' });
		// the history is each item's own
		expect((out[1].json.evidence as IDataObject).history).toMatchObject({ count24h: 7, escalation: 'ESCALATE' });
		expect((out[0].json.evidence as IDataObject).history).toBeUndefined();
	});

	it('an item that names no workload fails alone, naming the field', async () => {
		await oomKilledWeb();
		const [out] = await runNode(node, {
			parameters: { operation: 'investigate' },
			credentials: kube,
			continueOnFail: true,
			items: [alert({ alertname: 'X' }), alert({ alertname: 'KubePodOOMKilled', namespace: NS, deployment: 'web' })],
		});
		expect(out[0].json).toMatchObject({ field: 'namespace' });
		expect(out[1].json.diagnosis).toMatchObject({ cause: 'out_of_memory' });
		await expect(
			runNode(node, { parameters: { operation: 'investigate' }, credentials: kube, items: [alert({ alertname: 'X' })] }),
		).rejects.toBeInstanceOf(NodeOperationError);
	});

	it('Diagnose reads the evidence on the item; without it, an error naming the field', async () => {
		await oomKilledWeb();
		const [collected] = await runNode(node, {
			parameters: { operation: 'collectEvidence' },
			credentials: kube,
			items: [alert({ namespace: NS, deployment: 'web' })],
		});
		expect(collected[0].json.diagnosis).toBeUndefined();
		const [diagnosed] = await runNode(node, { parameters: { operation: 'diagnose' }, items: collected });
		expect(diagnosed[0].json.diagnosis).toMatchObject({ cause: 'out_of_memory' });
		const [failed] = await runNode(node, { parameters: { operation: 'diagnose' }, continueOnFail: true, items: [alert({ namespace: NS })] });
		expect(failed[0].json).toMatchObject({ field: 'evidence' });
	});

	it('without a Kubernetes credential the snapshot still comes out, saying the cluster was skipped', async () => {
		const [out] = await runNode(node, { parameters: { operation: 'investigate' }, items: [alert({ namespace: NS, deployment: 'web' })] });
		expect((out[0].json.evidence as IDataObject).sources).toMatchObject({ cluster: { status: 'skipped' }, logs: { status: 'skipped' } });
		expect(out[0].json.diagnosis).toMatchObject({ cause: 'unknown', recommended_action: null });
	});

	it('a cluster that hangs costs the cluster timeout, and the snapshot says which source is missing', async () => {
		await cluster.deploy({ image: 'web:1' });
		cluster.fake.fault({ path: /\/pods/, hang: true });
		const [out] = await runNode(node, {
			parameters: { operation: 'investigate', options: { clusterTimeout: 0.5 } },
			credentials: kube,
			items: [alert({ namespace: NS, deployment: 'web' })],
		});
		expect((out[0].json.evidence as IDataObject).sources).toMatchObject({ cluster: { status: 'timeout' } });
		expect((out[0].json.diagnosis as IDataObject).missing_sources).toEqual([expect.stringMatching(/^cluster \(timeout/)]);
	});
});
