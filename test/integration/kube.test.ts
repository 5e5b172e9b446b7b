// lib/kube against the fake API server, through the real @kubernetes/client-node.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { InvalidInputError } from '../../lib/errors';
import {
	applyObject,
	CrdNotInstalledError,
	deleteObject,
	getObject,
	KubeApiError,
	KubeClient,
	KubeUnreachableError,
	listObjects,
	readPodLogs,
	rollbackToRevision,
	RolloutFailedError,
	rolloutRestart,
	RolloutTimeoutError,
	serverVersion,
	waitForDeletion,
	waitForRollout,
} from '../../lib/kube';
import { FakeKube } from '../k8s/server';

let fake: FakeKube;
let client: KubeClient;

const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'app-a' } };
function deployment(image = 'nginx:1.25', replicas = 2) {
	return {
		apiVersion: 'apps/v1',
		kind: 'Deployment',
		metadata: { name: 'web', namespace: 'app-a' },
		spec: {
			replicas,
			selector: { matchLabels: { app: 'web' } },
			template: {
				metadata: { labels: { app: 'web' } },
				spec: { containers: [{ name: 'app', image }] },
			},
		},
	};
}
const dRef = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'app-a', name: 'web' };

async function start(opts: ConstructorParameters<typeof FakeKube>[0] = {}) {
	fake = await new FakeKube(opts).start();
	client = KubeClient.fromCredential(
		{ mode: 'kubeconfig', kubeconfig: fake.kubeconfig() },
		{ timeoutMs: 2000 },
	);
}

afterEach(async () => {
	await fake?.stop();
});

describe('credentials', () => {
	it('kubeconfig: picks the context asked for, refuses one that is not there', async () => {
		await start();
		const text = fake
			.kubeconfig({ context: 'prod' })
			.replace('current-context: prod', 'current-context: other');
		const c = KubeClient.fromCredential({ mode: 'kubeconfig', kubeconfig: text, context: 'prod' });
		expect((await serverVersion(c)).gitVersion).toBe('v1.30.0');
		expect(() =>
			KubeClient.fromCredential({ mode: 'kubeconfig', kubeconfig: text, context: 'staging' }),
		).toThrow(
			new InvalidInputError('Context "staging" is not in the kubeconfig; it has: prod', 'context'),
		);
		expect(() => KubeClient.fromCredential({ mode: 'kubeconfig', kubeconfig: 'a: [' })).toThrow(
			/not valid YAML/,
		);
	});

	it('server + token + CA over HTTPS; a wrong token is a 401', async () => {
		await start({ tls: true });
		const good = KubeClient.fromCredential({
			mode: 'token',
			server: fake.url,
			token: 'fake-kube-token',
			caCert: fake.caPem(),
		});
		expect((await serverVersion(good)).major).toBe('1');
		const noCa = KubeClient.fromCredential({
			mode: 'token',
			server: fake.url,
			token: 'fake-kube-token',
		});
		await expect(serverVersion(noCa)).rejects.toBeInstanceOf(KubeUnreachableError);
		const insecure = KubeClient.fromCredential({
			mode: 'token',
			server: fake.url,
			token: 'fake-kube-token',
			insecure: true,
		});
		expect((await serverVersion(insecure)).major).toBe('1');
		const wrong = KubeClient.fromCredential({
			mode: 'token',
			server: fake.url,
			token: 'nope',
			caCert: fake.caPem(),
		});
		await expect(serverVersion(wrong)).rejects.toMatchObject({ code: 401 });
		expect(() =>
			KubeClient.fromCredential({ mode: 'token', server: 'http://127.0.0.1:1', token: 't' }),
		).toThrow(/needs "Skip TLS Verification"/);
	});

	it('in-cluster: the service account files and KUBERNETES_SERVICE_* of the pod', async () => {
		await start({ tls: true });
		const root = mkdtempSync(join(tmpdir(), 'sa-'));
		const dir = join(root, 'var/run/secrets/kubernetes.io/serviceaccount');
		mkdirSync(dir, { recursive: true });
		writeFileSync(join(dir, 'token'), 'fake-kube-token');
		writeFileSync(join(dir, 'ca.crt'), fake.caPem());
		writeFileSync(join(dir, 'namespace'), 'n8n');
		const url = new URL(fake.url);
		const saved = {
			host: process.env.KUBERNETES_SERVICE_HOST,
			port: process.env.KUBERNETES_SERVICE_PORT,
		};
		try {
			process.env.KUBERNETES_SERVICE_HOST = url.hostname;
			process.env.KUBERNETES_SERVICE_PORT = url.port;
			const c = KubeClient.fromCredential({ mode: 'inCluster' }, { inClusterRoot: root });
			expect((await serverVersion(c)).gitVersion).toBe('v1.30.0');
			delete process.env.KUBERNETES_SERVICE_HOST;
			expect(() =>
				KubeClient.fromCredential({ mode: 'inCluster' }, { inClusterRoot: root }),
			).toThrow(/not running in a Kubernetes pod/);
		} finally {
			process.env.KUBERNETES_SERVICE_HOST = saved.host;
			process.env.KUBERNETES_SERVICE_PORT = saved.port;
			if (saved.host === undefined) delete process.env.KUBERNETES_SERVICE_HOST;
			if (saved.port === undefined) delete process.env.KUBERNETES_SERVICE_PORT;
			rmSync(root, { recursive: true, force: true });
		}
	});
});

describe('objects', () => {
	beforeEach(() => start({ tickMs: 0 }));

	it('applies with field manager n8n-aiops as apply-patch+yaml, gets, lists and deletes', async () => {
		await applyObject(client, ns);
		const created = await applyObject(client, deployment());
		expect(created.metadata.uid).toBeDefined();
		const sent = fake.requests.at(-1)!;
		expect(sent).toMatchObject({
			method: 'PATCH',
			path: '/apis/apps/v1/namespaces/app-a/deployments/web',
			query: { fieldManager: 'n8n-aiops' },
			contentType: 'application/apply-patch+yaml',
			body: deployment(),
			status: 201,
		});
		expect((await getObject(client, dRef))?.metadata.name).toBe('web');
		expect(await getObject(client, { ...dRef, name: 'nope' })).toBeUndefined();
		const list = await listObjects(client, 'apps/v1', 'Deployment', { namespace: 'app-a' });
		expect(list.items.map((d) => [d.kind, d.apiVersion, d.metadata.name])).toEqual([
			['Deployment', 'apps/v1', 'web'],
		]);
		expect(await deleteObject(client, dRef)).toBe(true);
		expect(await deleteObject(client, dRef)).toBe(false);
	});

	it('strips server-set metadata and status from what it applies', async () => {
		await applyObject(client, ns);
		const live = await applyObject(client, deployment());
		await applyObject(client, { ...live, status: { replicas: 9 } });
		expect(fake.requests.at(-1)!.body).toEqual({
			...deployment(),
			spec: live.spec,
			metadata: { name: 'web', namespace: 'app-a', annotations: undefined },
		});
	});

	it('dry run changes nothing', async () => {
		await applyObject(client, ns);
		await applyObject(client, deployment());
		const before = fake.snapshot();
		const result = await applyObject(client, deployment('nginx:2'), { dryRun: true });
		expect(
			(result.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec
				.containers[0].image,
		).toBe('nginx:2');
		expect(fake.requests.at(-1)!.query.dryRun).toBe('All');
		expect(fake.changedSince(before)).toEqual([]);
	});

	it('tells a CRD that is not installed apart from other errors', async () => {
		fake.uninstallCrd('ServiceMonitor');
		fake.uninstallCrd('PrometheusRule');
		const sm = {
			apiVersion: 'monitoring.coreos.com/v1',
			kind: 'ServiceMonitor',
			metadata: { name: 'web', namespace: 'app-a' },
			spec: {},
		};
		await expect(applyObject(client, sm)).rejects.toBeInstanceOf(CrdNotInstalledError);
		await expect(applyObject(client, sm)).rejects.toThrow(
			'ServiceMonitor (monitoring.coreos.com/v1) is not served by this cluster: its CustomResourceDefinition is not installed',
		);
		// discovery is asked once per client
		expect(fake.requests.filter((r) => r.path === '/apis/monitoring.coreos.com/v1')).toHaveLength(
			1,
		);
		const cert = {
			apiVersion: 'cert-manager.io/v1',
			kind: 'Certificate',
			metadata: { name: 'web', namespace: 'app-a' },
			spec: {},
		};
		fake.uninstallCrd('Certificate');
		await expect(
			getObject(client, {
				apiVersion: 'cert-manager.io/v1',
				kind: 'Certificate',
				name: 'web',
				namespace: 'app-a',
			}),
		).rejects.toBeInstanceOf(CrdNotInstalledError);
		fake.installCrd('Certificate');
		await applyObject(client, ns);
		const fresh = KubeClient.fromCredential({ mode: 'kubeconfig', kubeconfig: fake.kubeconfig() });
		expect((await applyObject(fresh, cert)).kind).toBe('Certificate');
	});

	it('names the verb and resource a 403 is about', async () => {
		fake.rbac = {
			cluster: [{ apiGroups: [''], resources: ['namespaces'], verbs: ['*'] }],
			namespaced: {},
		};
		await applyObject(client, ns);
		const error = await applyObject(client, deployment()).catch((e) => e);
		expect(error).toBeInstanceOf(KubeApiError);
		expect(error.code).toBe(403);
		expect(error.message).toBe(
			'Kubernetes denied patch deployments.apps "web" in namespace "app-a" (403 Forbidden: the credential lacks "patch" on "deployments.apps"): deployments.apps "web" is forbidden: User "system:serviceaccount:n8n:n8n" cannot patch resource "deployments" in API group "apps" in the namespace "app-a"',
		);
	});

	it('retries 409 conflicts and transient 500s, not apply field conflicts', async () => {
		await applyObject(client, ns);
		fake.fault({ method: 'PATCH', path: /deployments\/web$/, status: 409, times: 1 });
		fake.fault({ method: 'PATCH', path: /deployments\/web$/, status: 500, times: 1 });
		await applyObject(client, deployment());
		expect(fake.requests.filter((r) => r.method === 'PATCH').map((r) => r.status)).toEqual([
			201, 409, 500, 201,
		]);
		fake.modify('Deployment', 'app-a', 'web', (o) => {
			(o.spec as { replicas: number }).replicas = 7;
		});
		const n = fake.requests.length;
		const error = await applyObject(client, deployment()).catch((e) => e);
		expect(error.isFieldManagerConflict).toBe(true);
		expect(error.message).toContain(
			'Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas',
		);
		expect(fake.requests.length - n).toBe(1);
		await applyObject(client, deployment(), { force: true });
		expect((fake.get('Deployment', 'app-a', 'web')!.spec as { replicas: number }).replicas).toBe(2);
	});

	it('gives up on an API that does not answer, naming the request', async () => {
		fake.fault({ path: '/api/v1/namespaces/app-a', hang: true });
		const quick = KubeClient.fromCredential(
			{ mode: 'kubeconfig', kubeconfig: fake.kubeconfig() },
			{ timeoutMs: 200 },
		);
		await expect(
			getObject(quick, { apiVersion: 'v1', kind: 'Namespace', name: 'app-a' }),
		).rejects.toThrow(
			/No answer from the Kubernetes API at http:\/\/127\.0\.0\.1:\d+ within 200 ms \(get namespaces "app-a"\)/,
		);
	});
});

describe('rollouts', () => {
	beforeEach(async () => {
		await start({ tickMs: 10 });
		await applyObject(client, ns);
	});

	it('waits with one list and one watch until kubectl would say "successfully rolled out"', async () => {
		await applyObject(client, deployment());
		const seen: string[] = [];
		const n = fake.requests.length;
		const result = await waitForRollout(client, dRef, {
			timeoutMs: 5000,
			onStatus: (s) => seen.push(s.message),
		});
		expect(result.message).toBe('deployment "web" successfully rolled out');
		expect(seen.at(-1)).toBe('deployment "web" successfully rolled out');
		const calls = fake.requests
			.slice(n)
			.map((r) => `${r.method} ${r.path} ${r.query.fieldSelector} ${r.query.watch ?? ''}`);
		const list = 'GET /apis/apps/v1/namespaces/app-a/deployments metadata.name=web ';
		const watch = 'GET /apis/apps/v1/namespaces/app-a/deployments metadata.name=web true';
		// one list, then one watch — unless the rollout had already finished when the list
		// answered (a loaded machine), when the list alone decides; never polling
		expect(calls).toEqual(calls.length === 1 ? [list] : [list, watch]);
	});

	it('times out with the last status when pods never become ready', async () => {
		fake.failPods('broken:1', 'CrashLoopBackOff');
		await applyObject(client, deployment('broken:1'));
		const error = await waitForRollout(client, dRef, { timeoutMs: 400 }).catch((e) => e);
		expect(error).toBeInstanceOf(RolloutTimeoutError);
		expect(error.lastStatus).toBe(
			'Waiting for deployment "web" rollout to finish: 0 of 2 updated replicas are available...',
		);
		expect(error.message).toContain('timed out waiting for the condition');
	});

	it('stops at an exceeded progress deadline, as kubectl does', async () => {
		fake.failPods('broken:1', 'ImagePullBackOff');
		await applyObject(client, deployment('broken:1'));
		setTimeout(() => fake.controllers.exceedProgressDeadline('app-a', 'web'), 100);
		const error = await waitForRollout(client, dRef, { timeoutMs: 3000 }).catch((e) => e);
		expect(error).toBeInstanceOf(RolloutFailedError);
		expect(error.message).toBe(
			'Deployment app-a/web: deployment "web" exceeded its progress deadline',
		);
	});

	it('restarts as kubectl rollout restart does', async () => {
		await applyObject(client, deployment());
		await waitForRollout(client, dRef, { timeoutMs: 5000 });
		const now = new Date('2026-03-01T10:00:00Z');
		const r = await rolloutRestart(
			client,
			{ kind: 'Deployment', namespace: 'app-a', name: 'web' },
			{ now },
		);
		const sent = fake.requests.at(-1)!;
		expect(sent.contentType).toBe('application/strategic-merge-patch+json');
		expect(sent.query).toEqual({ fieldManager: 'n8n-aiops' });
		expect(JSON.stringify(sent.body)).toBe(
			`{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"${r.restartedAt}"}}}}}`,
		);
		await expect(
			rolloutRestart(client, { kind: 'Deployment', namespace: 'app-a', name: 'web' }, { now }),
		).rejects.toThrow(
			'failed to create patch for web: if restart has already been triggered within the past second, please wait before attempting to trigger another',
		);
		const done = await waitForRollout(client, dRef, { timeoutMs: 5000 });
		expect((done.object.metadata.annotations ?? {})['deployment.kubernetes.io/revision']).toBe('2');
	});

	it("rolls back to the previous revision with kubectl's JSON patch", async () => {
		await applyObject(client, deployment('nginx:1'));
		await waitForRollout(client, dRef, { timeoutMs: 5000 });
		await applyObject(client, deployment('nginx:2'));
		await waitForRollout(client, dRef, { timeoutMs: 5000 });
		await applyObject(client, deployment('nginx:3'));
		await waitForRollout(client, dRef, { timeoutMs: 5000 });
		const result = await rollbackToRevision(client, { namespace: 'app-a', name: 'web' });
		expect(result).toMatchObject({
			revision: 2,
			skipped: false,
			message: 'deployment.apps/web rolled back',
		});
		const sent = fake.requests.at(-1)!;
		expect(sent.contentType).toBe('application/json-patch+json');
		const ops = sent.body as {
			op: string;
			path: string;
			value: { metadata: Record<string, unknown> };
		}[];
		expect(ops.map((o) => `${o.op} ${o.path}`)).toEqual([
			'replace /spec/template',
			'replace /metadata/annotations',
		]);
		expect(Object.keys(ops[0].value.metadata)).toEqual(['creationTimestamp', 'labels']);
		expect(ops[0].value.metadata).toEqual({ creationTimestamp: null, labels: { app: 'web' } });
		expect(ops[1].value).toEqual({ 'deployment.kubernetes.io/revision': '3' });
		const done = await waitForRollout(client, dRef, { timeoutMs: 5000 });
		expect(
			(done.object.spec as { template: { spec: { containers: { image: string }[] } } }).template
				.spec.containers[0].image,
		).toBe('nginx:2');
		expect(done.object.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('4');
		// to a named revision; one that does not exist
		expect(
			(
				await rollbackToRevision(
					client,
					{ namespace: 'app-a', name: 'web' },
					{ toRevision: 1, dryRun: true },
				)
			).revision,
		).toBe(1);
		await expect(
			rollbackToRevision(client, { namespace: 'app-a', name: 'web' }, { toRevision: 9 }),
		).rejects.toThrow('unable to find specified revision 9 in history');
	});

	it('refuses a rollback without history', async () => {
		await applyObject(client, deployment());
		await waitForRollout(client, dRef, { timeoutMs: 5000 });
		await expect(rollbackToRevision(client, { namespace: 'app-a', name: 'web' })).rejects.toThrow(
			'no rollout history found for deployment "web"',
		);
	});

	it('waits for a namespace to go', async () => {
		await deleteObject(client, { apiVersion: 'v1', kind: 'Namespace', name: 'app-a' });
		expect(
			await waitForDeletion(client, { apiVersion: 'v1', kind: 'Namespace', name: 'app-a' }, 3000),
		).toBe(true);
		expect(fake.get('Namespace', '', 'app-a')).toBeUndefined();
	});
});

describe('pod logs', () => {
	it('reads with sinceTime, tailLines, timestamps and previous; 403 names pods/log', async () => {
		await start({ tickMs: 0 });
		fake.seed(ns);
		fake.seed({
			apiVersion: 'v1',
			kind: 'Pod',
			metadata: { name: 'p', namespace: 'app-a' },
			spec: {
				containers: [
					{ name: 'app', image: 'x' },
					{ name: 'side', image: 'y' },
				],
			},
		});
		fake.setPodLogs('app-a', 'p', 'app', [
			{ time: '2026-01-01T00:00:00Z', text: 'a' },
			{ time: '2026-01-01T00:01:00Z', text: 'b' },
		]);
		expect(
			await readPodLogs(
				client,
				{ namespace: 'app-a', pod: 'p' },
				{ container: 'app', sinceTime: '2026-01-01T00:00:30Z' },
			),
		).toBe('b\n');
		expect(
			await readPodLogs(
				client,
				{ namespace: 'app-a', pod: 'p' },
				{ container: 'app', tailLines: 1, timestamps: true },
			),
		).toBe('2026-01-01T00:01:00.000000000Z b\n');
		await expect(readPodLogs(client, { namespace: 'app-a', pod: 'p' })).rejects.toThrow(
			'a container name must be specified for pod p, choose one of: [app side]',
		);
		await expect(
			readPodLogs(client, { namespace: 'app-a', pod: 'p' }, { container: 'app', previous: true }),
		).rejects.toThrow('previous terminated container "app" in pod "p" not found');
		fake.rbac = {
			cluster: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
			namespaced: {},
		};
		await expect(
			readPodLogs(client, { namespace: 'app-a', pod: 'p' }, { container: 'app' }),
		).rejects.toThrow(/the credential lacks "get" on "pods\/log"/);
	});
});
