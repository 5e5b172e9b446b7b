// The evidence snapshot and its diagnosis against the fake Kubernetes API: one case per cause,
// the cluster's state reached the way a real cluster reaches it (the kubelet stand-in reports
// config errors from the pod's Secret references, pull failures, crash loops, and records its
// Warning events), and sources that hang or fail.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { diagnose } from '../../lib/diagnosis';
import { collectEvidence, evidenceSummary } from '../../lib/evidence';
import { applyObject, listObjects, type KubeObject } from '../../lib/kube';
import { prometheusClient } from '../../lib/trend/prometheusClient';
import { deploymentObject, NS, startCluster, type Cluster } from '../support/repair';

const target = { namespace: NS, kind: 'Deployment', name: 'web' };
const FAST = { clusterMs: 3000, logsMs: 3000, prometheusMs: 3000 };

let cluster: Cluster;
beforeEach(async () => {
	cluster = await startCluster();
});
afterEach(async () => {
	await cluster.stop();
});

function withEnv(o: KubeObject, env: unknown[]): KubeObject {
	const spec = (o.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec;
	spec.containers[0].env = env;
	return o;
}

async function until(check: () => Promise<boolean>, ms = 5000) {
	const end = Date.now() + ms;
	while (!(await check())) {
		if (Date.now() > end) throw new Error('condition not reached');
		await new Promise((r) => setTimeout(r, 25));
	}
}

async function podsWaiting(reason: string) {
	await until(async () => {
		const { items } = await listObjects(cluster.client, 'v1', 'Pod', { namespace: NS });
		return items.some((p) =>
			JSON.stringify((p.status as Record<string, unknown>)?.containerStatuses ?? []).includes(reason),
		);
	});
}

describe('evidence and diagnosis against the cluster', () => {
	it('a missing Secret key: CreateContainerConfigError, the kubelet event, and a diagnosis naming Secret and key', async () => {
		cluster.fake.seed({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db-credentials', namespace: NS }, data: { user: 'YXBw' } });
		await applyObject(
			cluster.client,
			withEnv(deploymentObject({ image: 'web:1' }), [
				{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-credentials', key: 'password' } } },
			]),
			{ fieldManager: 'test' },
		);
		await podsWaiting('CreateContainerConfigError');
		const snapshot = await collectEvidence(target, { kube: cluster.client }, FAST);
		expect(snapshot.sources.cluster.status).toBe('ok');
		expect(snapshot.events.some((e) => e.reason === 'Failed' && e.message.includes("couldn't find key password"))).toBe(true);
		const d = diagnose(snapshot);
		expect(d.cause).toBe('configuration_error');
		expect(d.subject).toEqual({ kind: 'secret', name: 'db-credentials', key: 'password', namespace: NS });
		expect(d.cannotHelp).toContain('restart');
	});

	it('an image that cannot be pulled names the image, and no restart is recommended', async () => {
		cluster.fake.failPods('registry.test/web:9', 'ImagePullBackOff');
		await applyObject(cluster.client, deploymentObject({ image: 'registry.test/web:9' }), { fieldManager: 'test' });
		await podsWaiting('ImagePullBackOff');
		const d = diagnose(await collectEvidence(target, { kube: cluster.client }, FAST));
		expect(d.cause).toBe('image_pull_failure');
		expect(d.subject).toEqual({ kind: 'image', name: 'registry.test/web:9' });
		expect(d.recommended).not.toBe('restart');
	});

	it('OOMKilled: the last termination says so and memory is to be raised', async () => {
		cluster.fake.failPods('web:oom', 'OOMKilled');
		await applyObject(cluster.client, deploymentObject({ image: 'web:oom', memory: { limit: '128Mi' } }), { fieldManager: 'test' });
		await podsWaiting('OOMKilled');
		const snapshot = await collectEvidence(target, { kube: cluster.client }, FAST);
		expect(snapshot.workload?.containers[0].limits.memory).toBe('128Mi');
		const d = diagnose(snapshot);
		expect(d.cause).toBe('out_of_memory');
		expect(d.recommended).toBe('raise_memory');
	});

	it('a crash loop that starts right after a rollout: roll back to the previous revision', async () => {
		await cluster.deploy({ image: 'web:1' });
		cluster.fake.failPods('web:2', 'CrashLoopBackOff');
		await applyObject(cluster.client, deploymentObject({ image: 'web:2' }), { fieldManager: 'test-deployer' });
		await podsWaiting('CrashLoopBackOff');
		const snapshot = await collectEvidence(target, { kube: cluster.client }, FAST);
		expect(snapshot.workload?.revisions.map((r) => r.images[0])).toEqual(['web:2', 'web:1']);
		const d = diagnose(snapshot);
		expect(d.cause).toBe('crash_after_rollout');
		expect(d.recommended).toBe('rollback');
	});

	it('the database Service has no ready endpoints and the logs say connection refused: escalate naming it', async () => {
		cluster.fake.seed({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: NS }, spec: { clusterIP: '10.96.0.12', ports: [{ port: 5432 }] } });
		cluster.fake.seed({
			apiVersion: 'v1',
			kind: 'Endpoints',
			metadata: { name: 'db', namespace: NS },
			subsets: [{ notReadyAddresses: [{ ip: '10.244.0.9' }], ports: [{ port: 5432 }] }],
		});
		cluster.fake.failPods('web:db', 'CrashLoopBackOff');
		await applyObject(
			cluster.client,
			withEnv(deploymentObject({ image: 'web:db' }), [{ name: 'DATABASE_URL', value: 'postgres://app@db:5432/shop' }]),
			{ fieldManager: 'test' },
		);
		await podsWaiting('CrashLoopBackOff');
		const { items } = await listObjects(cluster.client, 'v1', 'Pod', { namespace: NS });
		for (const p of items) {
			cluster.fake.setPodLogs(NS, p.metadata.name, 'app', [{ time: '2030-01-01T00:00:01Z', text: 'starting' }], [
				{ time: '2030-01-01T00:00:00Z', text: 'Error: connect ECONNREFUSED 10.96.0.12:5432' },
			]);
		}
		const snapshot = await collectEvidence(target, { kube: cluster.client }, FAST);
		expect(snapshot.logs[0]).toMatchObject({ previous: true });
		expect(snapshot.dependencies).toEqual([
			expect.objectContaining({ service: 'db', exists: true, readyEndpoints: 0, notReadyEndpoints: 1 }),
		]);
		const d = diagnose(snapshot);
		expect(d.cause).toBe('dependency_unreachable');
		expect(d.recommended).toBe('escalate');
		expect(d.subject).toMatchObject({ kind: 'service', name: 'db' });
		expect(d.summary).toContain(`${NS}/db`);
	});

	it('a cluster that hangs delays the snapshot by its timeout only, and the snapshot says so', async () => {
		await cluster.deploy({ image: 'web:1' });
		cluster.fake.fault({ path: /\/events/, hang: true });
		const started = Date.now();
		const snapshot = await collectEvidence(target, { kube: cluster.client }, { clusterMs: 400, logsMs: 400, prometheusMs: 400 });
		expect(Date.now() - started).toBeLessThan(3000);
		expect(snapshot.sources.cluster).toMatchObject({ status: 'timeout' });
		expect(snapshot.sources.logs.status).toBe('skipped');
		expect(evidenceSummary(snapshot)).toContain('cluster timeout');
		expect(diagnose(snapshot).missing[0]).toMatch(/^cluster \(timeout/);
	});

	it('a Prometheus that never answers is one missing source; the cluster part still comes', async () => {
		const hanging: Server = createServer(() => undefined);
		await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
		try {
			const port = (hanging.address() as AddressInfo).port;
			cluster.fake.failPods('web:oom', 'OOMKilled');
			await applyObject(cluster.client, deploymentObject({ image: 'web:oom' }), { fieldManager: 'test' });
			await podsWaiting('OOMKilled');
			const snapshot = await collectEvidence(
				target,
				{ kube: cluster.client, prometheus: prometheusClient({ url: `http://127.0.0.1:${port}` }, 60_000) },
				{ clusterMs: 3000, logsMs: 3000, prometheusMs: 300 },
			);
			expect(snapshot.sources.prometheus.status).toBe('timeout');
			expect(snapshot.sources.cluster.status).toBe('ok');
			expect(diagnose(snapshot).cause).toBe('out_of_memory');
		} finally {
			hanging.closeAllConnections();
			hanging.close();
		}
	});

	it('a cluster that refuses (403) is an error source, not a failed snapshot', async () => {
		cluster.fake.fault({ path: /deployments/, status: 403 });
		const snapshot = await collectEvidence(target, { kube: cluster.client }, FAST);
		expect(snapshot.sources.cluster.status).toBe('error');
		expect(snapshot.sources.cluster.detail).toMatch(/forbidden|403/i);
	});
});
