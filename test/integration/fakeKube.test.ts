// The fake API server against the real @kubernetes/client-node: each behaviour the package
// relies on, checked through the client's own APIs (typed clients, KubernetesObjectApi,
// Watch, Log), so the fake stays honest about what a real server answers.
import * as k8s from '@kubernetes/client-node';
import { Writable } from 'node:stream';

import { rbacTableFromYaml } from '../k8s/rbac';
import { DEFAULT_USER, FakeKube } from '../k8s/server';

let fake: FakeKube;
let kc: k8s.KubeConfig;

function deployment(name: string, namespace: string, image = 'nginx:1.25', replicas = 2) {
	return {
		apiVersion: 'apps/v1',
		kind: 'Deployment',
		metadata: { name, namespace },
		spec: {
			replicas,
			selector: { matchLabels: { app: name } },
			template: {
				metadata: { labels: { app: name } },
				spec: { containers: [{ name: 'app', image }] },
			},
		},
	};
}

async function raw(method: string, path: string, body?: unknown, contentType = 'application/json') {
	const res = await fetch(`${fake.url}${path}`, {
		method,
		headers: {
			authorization: 'Bearer fake-kube-token',
			...(body ? { 'content-type': contentType } : {}),
		},
		body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
	});
	const text = await res.text();
	return { status: res.status, text, json: () => JSON.parse(text) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(fn: () => T | undefined, what: string, ms = 3000): Promise<T> {
	const end = Date.now() + ms;
	for (;;) {
		const v = fn();
		if (v) return v;
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await sleep(10);
	}
}

beforeEach(async () => {
	fake = await new FakeKube({ tickMs: 0 }).start();
	kc = new k8s.KubeConfig();
	kc.loadFromString(fake.kubeconfig());
});

afterEach(async () => {
	await fake.stop();
});

describe('discovery', () => {
	it('lists groups and resources, and serves a CRD group only while installed', async () => {
		const apis = await kc.makeApiClient(k8s.ApisApi).getAPIVersions();
		const names = apis.groups.map((g) => g.name);
		expect(names).toEqual(
			expect.arrayContaining([
				'apps',
				'monitoring.coreos.com',
				'cert-manager.io',
				'networking.k8s.io',
			]),
		);
		const apps = await kc.makeApiClient(k8s.AppsV1Api).getAPIResources();
		expect(apps.resources.map((r) => r.name)).toEqual(
			expect.arrayContaining([
				'deployments',
				'deployments/scale',
				'deployments/status',
				'replicasets',
				'statefulsets',
			]),
		);
		fake.uninstallCrd('ServiceMonitor');
		fake.uninstallCrd('PrometheusRule');
		const gone = await raw('GET', '/apis/monitoring.coreos.com/v1');
		expect(gone.status).toBe(404);
		expect(gone.json()).toEqual({
			kind: 'Status',
			apiVersion: 'v1',
			metadata: {},
			status: 'Failure',
			message: 'the server could not find the requested resource',
			reason: 'NotFound',
			details: {},
			code: 404,
		});
		const version = await kc.makeApiClient(k8s.VersionApi).getCode();
		expect(version.gitVersion).toBe('v1.30.0');
	});

	it('answers 401 without a known token', async () => {
		const res = await fetch(`${fake.url}/api/v1/namespaces`, {
			headers: { authorization: 'Bearer nope' },
		});
		expect(res.status).toBe(401);
	});
});

describe('namespaces', () => {
	it('goes Terminating on delete, refuses new content, and is gone after the controller runs', async () => {
		const core = kc.makeApiClient(k8s.CoreV1Api);
		const ns = await core.createNamespace({ body: { metadata: { name: 'app-a' } } });
		expect(ns.status?.phase).toBe('Active');
		expect(ns.metadata?.labels?.['kubernetes.io/metadata.name']).toBe('app-a');
		await core.createNamespacedConfigMap({
			namespace: 'app-a',
			body: { metadata: { name: 'c' }, data: { a: '1' } },
		});
		const deleted = await core.deleteNamespace({ name: 'app-a' });
		expect((deleted as unknown as { status: { phase: string } }).status.phase).toBe('Terminating');
		const refused = await raw('POST', '/api/v1/namespaces/app-a/configmaps', {
			metadata: { name: 'd' },
		});
		expect(refused.status).toBe(403);
		expect(refused.json().message).toBe(
			'configmaps "d" is forbidden: unable to create new content in namespace app-a because it is being terminated',
		);
		fake.tick();
		expect(fake.get('ConfigMap', 'app-a', 'c')).toBeUndefined();
		expect(fake.get('Namespace', '', 'app-a')).toBeDefined();
		fake.tick();
		expect(fake.get('Namespace', '', 'app-a')).toBeUndefined();
	});

	it('answers 404 for content in a namespace that does not exist', async () => {
		const res = await raw('POST', '/api/v1/namespaces/nowhere/configmaps', {
			metadata: { name: 'd' },
		});
		expect(res.status).toBe(404);
		expect(res.json().message).toBe('namespaces "nowhere" not found');
	});
});

describe('server-side apply', () => {
	beforeEach(() => {
		fake.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'app-a' } });
	});

	const apply = (body: object, query = 'fieldManager=n8n-aiops') =>
		raw(
			'PATCH',
			`/apis/apps/v1/namespaces/app-a/deployments/web?${query}`,
			body,
			'application/apply-patch+yaml',
		);

	it('creates (201), then a repeated apply changes nothing (same resourceVersion)', async () => {
		const api = k8s.KubernetesObjectApi.makeApiClient(kc);
		await api.patch(
			deployment('web', 'app-a') as k8s.KubernetesObject,
			undefined,
			undefined,
			'n8n-aiops',
			false,
			k8s.PatchStrategy.ServerSideApply,
		);
		expect(fake.requests.at(-1)!.status).toBe(201);
		const first = fake.get('Deployment', 'app-a', 'web')!;
		const again = await apply(deployment('web', 'app-a'));
		expect(again.status).toBe(200);
		expect(again.json().metadata.resourceVersion).toBe(
			(first.metadata as { resourceVersion: string }).resourceVersion,
		);
		const managed = (
			first.metadata as {
				managedFields: { manager: string; operation: string; fieldsV1: object }[];
			}
		).managedFields;
		expect(managed).toHaveLength(1);
		expect(managed[0]).toMatchObject({
			manager: 'n8n-aiops',
			operation: 'Apply',
			fieldsType: 'FieldsV1',
		});
		expect(JSON.stringify(managed[0].fieldsV1)).toContain(
			'"k:{\\"name\\":\\"app\\"}":{".":{},"f:image":{}}',
		);
		// defaults are the server's, not the applier's
		expect((first.spec as { strategy: object }).strategy).toEqual({
			type: 'RollingUpdate',
			rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
		});
	});

	it("removes a field the manager stops applying, and keeps other managers' fields", async () => {
		const withLabel = deployment('web', 'app-a');
		(withLabel.metadata as Record<string, unknown>).labels = { team: 'a' };
		await apply(withLabel);
		fake.modify('Deployment', 'app-a', 'web', (o) => {
			(o.metadata as { annotations: object }).annotations = { note: 'by hand' };
		});
		await apply(deployment('web', 'app-a'));
		const live = fake.get('Deployment', 'app-a', 'web')!;
		expect((live.metadata as { labels?: object }).labels).toBeUndefined();
		expect((live.metadata as { annotations: Record<string, string> }).annotations.note).toBe(
			'by hand',
		);
	});

	it('conflicts (409) with a field another manager set, naming it exactly; force takes it over', async () => {
		await apply(deployment('web', 'app-a'));
		fake.modify('Deployment', 'app-a', 'web', (o) => {
			(o.spec as { replicas: number }).replicas = 5;
		});
		const conflict = await apply(deployment('web', 'app-a'));
		expect(conflict.status).toBe(409);
		expect(conflict.json()).toEqual({
			kind: 'Status',
			apiVersion: 'v1',
			metadata: {},
			status: 'Failure',
			message:
				'Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas',
			reason: 'Conflict',
			details: {
				causes: [
					{
						reason: 'FieldManagerConflict',
						message: 'conflict with "kubectl-edit" using apps/v1',
						field: '.spec.replicas',
					},
				],
			},
			code: 409,
		});
		const forced = await apply(deployment('web', 'app-a'), 'fieldManager=n8n-aiops&force=true');
		expect(forced.status).toBe(200);
		expect(forced.json().spec.replicas).toBe(2);
	});

	it('requires fieldManager for apply and refuses force on other patches (422)', async () => {
		const res = await apply(deployment('web', 'app-a'), '');
		expect(res.status).toBe(422);
		expect(res.json().message).toBe(
			'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
		);
		await apply(deployment('web', 'app-a'));
		const merge = await raw(
			'PATCH',
			'/apis/apps/v1/namespaces/app-a/deployments/web?force=true',
			{ spec: { replicas: 1 } },
			'application/merge-patch+json',
		);
		expect(merge.status).toBe(422);
		expect(merge.json().message).toBe(
			'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch',
		);
	});

	it('dryRun=All validates and answers the result without changing anything', async () => {
		await apply(deployment('web', 'app-a'));
		const before = fake.snapshot();
		const changed = deployment('web', 'app-a', 'nginx:1.26');
		const res = await apply(changed, 'fieldManager=n8n-aiops&dryRun=All');
		expect(res.status).toBe(200);
		expect(res.json().spec.template.spec.containers[0].image).toBe('nginx:1.26');
		expect(res.json().metadata.generation).toBe(2);
		const bad = deployment('web', 'app-a');
		bad.spec.template.metadata.labels = { app: 'other' };
		const invalid = await apply(bad, 'fieldManager=n8n-aiops&dryRun=All');
		expect(invalid.status).toBe(422);
		expect(invalid.json().message).toContain(
			'Deployment.apps "web" is invalid: spec.template.metadata.labels',
		);
		expect(fake.changedSince(before)).toEqual([]);
	});
});

describe('patches and updates', () => {
	beforeEach(() => {
		fake.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'app-a' } });
		fake.seed(deployment('web', 'app-a'));
	});

	it('strategic merge merges containers by name; merge patch replaces the list', async () => {
		const apps = kc.makeApiClient(k8s.AppsV1Api);
		const patched = await apps.patchNamespacedDeployment(
			{
				name: 'web',
				namespace: 'app-a',
				body: {
					spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'busybox' }] } } },
				},
			},
			k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
		);
		expect(patched.spec?.template.spec?.containers.map((c) => c.name)).toEqual(['app', 'sidecar']);
		const merged = await raw(
			'PATCH',
			'/apis/apps/v1/namespaces/app-a/deployments/web',
			{ spec: { template: { spec: { containers: [{ name: 'only', image: 'busybox' }] } } } },
			'application/merge-patch+json',
		);
		expect(
			merged.json().spec.template.spec.containers.map((c: { name: string }) => c.name),
		).toEqual(['only']);
		expect(merged.json().metadata.generation).toBe(3);
	});

	it("JSON patch replaces; a stale resourceVersion is a 409 with the server's message", async () => {
		const res = await raw(
			'PATCH',
			'/apis/apps/v1/namespaces/app-a/deployments/web',
			[{ op: 'replace', path: '/spec/replicas', value: 4 }],
			'application/json-patch+json',
		);
		expect(res.json().spec.replicas).toBe(4);
		const stale = {
			...deployment('web', 'app-a'),
			metadata: { name: 'web', namespace: 'app-a', resourceVersion: '1' },
		};
		const put = await raw('PUT', '/apis/apps/v1/namespaces/app-a/deployments/web', stale);
		expect(put.status).toBe(409);
		expect(put.json().message).toBe(
			'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again',
		);
	});

	it('refuses strategic merge for custom resources (415)', async () => {
		fake.seed({
			apiVersion: 'monitoring.coreos.com/v1',
			kind: 'ServiceMonitor',
			metadata: { name: 'web', namespace: 'app-a' },
			spec: {},
		});
		const res = await raw(
			'PATCH',
			'/apis/monitoring.coreos.com/v1/namespaces/app-a/servicemonitors/web',
			{ spec: { x: 1 } },
			'application/strategic-merge-patch+json',
		);
		expect(res.status).toBe(415);
	});

	it('serves the scale subresource', async () => {
		const scale = await kc
			.makeApiClient(k8s.AppsV1Api)
			.readNamespacedDeploymentScale({ name: 'web', namespace: 'app-a' });
		expect(scale.spec?.replicas).toBe(2);
		expect(scale.status?.selector).toBe('app=web');
	});
});

describe('deployment controller', () => {
	beforeEach(() => {
		fake.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'app-a' } });
	});

	it('creates a ReplicaSet with revision and pod-template-hash, rolls pods and reports availability', async () => {
		const d = fake.seed(deployment('web', 'app-a'));
		expect((d.status ?? {}) as object).toEqual({});
		fake.settle();
		const rs = fake.list('ReplicaSet', 'app-a');
		expect(rs).toHaveLength(1);
		const rsMeta = rs[0].metadata as {
			name: string;
			annotations: Record<string, string>;
			labels: Record<string, string>;
			ownerReferences: { kind: string; controller: boolean }[];
		};
		expect(rsMeta.annotations['deployment.kubernetes.io/revision']).toBe('1');
		expect(rsMeta.name).toBe(`web-${rsMeta.labels['pod-template-hash']}`);
		expect(rsMeta.ownerReferences[0]).toMatchObject({ kind: 'Deployment', controller: true });
		const pods = fake.list('Pod', 'app-a');
		expect(pods).toHaveLength(2);
		expect(pods.every((p) => (p.status as { phase: string }).phase === 'Running')).toBe(true);
		const live = fake.get('Deployment', 'app-a', 'web')!;
		expect(live.status).toMatchObject({
			observedGeneration: 1,
			replicas: 2,
			updatedReplicas: 2,
			availableReplicas: 2,
		});
		expect(
			(live.metadata as { annotations: Record<string, string> }).annotations[
				'deployment.kubernetes.io/revision'
			],
		).toBe('1');
		// a new template: revision 2, the old ReplicaSet scaled to zero
		fake.modify('Deployment', 'app-a', 'web', (o) => {
			(
				o.spec as { template: { spec: { containers: { image: string }[] } } }
			).template.spec.containers[0].image = 'nginx:1.26';
		});
		fake.settle();
		const sets = fake.list('ReplicaSet', 'app-a');
		expect(sets).toHaveLength(2);
		const byRev = Object.fromEntries(
			sets.map((s) => [
				(s.metadata as { annotations: Record<string, string> }).annotations[
					'deployment.kubernetes.io/revision'
				],
				s,
			]),
		);
		expect((byRev['1'].spec as { replicas: number }).replicas).toBe(0);
		expect((byRev['2'].spec as { replicas: number }).replicas).toBe(2);
		expect(fake.get('Deployment', 'app-a', 'web')!.status).toMatchObject({
			observedGeneration: 2,
			updatedReplicas: 2,
			replicas: 2,
		});
	});

	it('keeps pods of a failing image not ready, and reports ProgressDeadlineExceeded when told', async () => {
		fake.failPods('broken:1', 'CrashLoopBackOff');
		fake.seed(deployment('web', 'app-a', 'broken:1', 1));
		fake.settle();
		const pod = fake.list('Pod', 'app-a')[0];
		expect(
			(pod.status as { containerStatuses: { state: { waiting: { reason: string } } }[] })
				.containerStatuses[0].state.waiting.reason,
		).toBe('CrashLoopBackOff');
		fake.controllers.exceedProgressDeadline('app-a', 'web');
		fake.tick();
		const conditions = (
			fake.get('Deployment', 'app-a', 'web')!.status as {
				conditions: { type: string; reason: string }[];
			}
		).conditions;
		expect(conditions.find((c) => c.type === 'Progressing')!.reason).toBe(
			'ProgressDeadlineExceeded',
		);
	});

	it('streams watch events from a resourceVersion (client-node Watch)', async () => {
		const d = fake.seed(deployment('web', 'app-a'));
		const rv = (d.metadata as { resourceVersion: string }).resourceVersion;
		const events: string[] = [];
		const controller = await new k8s.Watch(kc).watch(
			'/apis/apps/v1/namespaces/app-a/deployments',
			{ fieldSelector: 'metadata.name=web', resourceVersion: rv },
			(type, obj) => events.push(`${type}:${obj.status?.availableReplicas ?? 0}`),
			() => undefined,
		);
		fake.settle();
		await until(() => events.some((e) => e === 'MODIFIED:2'), 'the watch to see availability');
		controller.abort();
		expect(events[0]).toMatch(/^MODIFIED/);
	});
});

describe('RBAC', () => {
	it("answers 403 with the authorizer's message for a verb the role lacks; apply-create needs create", async () => {
		fake.rbac = rbacTableFromYaml(
			`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: limited }
rules:
- apiGroups: [apps]
  resources: [deployments]
  verbs: [get, patch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: limited }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: limited }
subjects: [{ kind: ServiceAccount, name: n8n, namespace: n8n }]
`,
			{ namespace: 'n8n', name: 'n8n' },
		);
		fake.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'app-a' } });
		const list = await raw('GET', '/apis/apps/v1/namespaces/app-a/deployments');
		expect(list.status).toBe(403);
		expect(list.json().message).toBe(
			`deployments.apps is forbidden: User "${DEFAULT_USER}" cannot list resource "deployments" in API group "apps" in the namespace "app-a"`,
		);
		const create = await raw(
			'PATCH',
			'/apis/apps/v1/namespaces/app-a/deployments/web?fieldManager=m',
			deployment('web', 'app-a'),
			'application/apply-patch+yaml',
		);
		expect(create.status).toBe(403);
		expect(create.json().message).toContain('cannot create resource "deployments"');
		const ns = await raw('DELETE', '/api/v1/namespaces/app-a');
		expect(ns.json().message).toBe(
			`namespaces "app-a" is forbidden: User "${DEFAULT_USER}" cannot delete resource "namespaces" in API group "" at the cluster scope`,
		);
	});
});

describe('faults and recording', () => {
	it('injects a 500 once, delays, and hangs until the client gives up; records what was sent', async () => {
		const core = kc.makeApiClient(k8s.CoreV1Api);
		fake.fault({ method: 'GET', path: '/api/v1/namespaces', times: 1, status: 500 });
		await expect(core.listNamespace()).rejects.toMatchObject({ code: 500 });
		await expect(core.listNamespace()).resolves.toBeDefined();
		fake.fault({ path: /\/api\/v1\/namespaces$/, delayMs: 150, times: 1 });
		const t0 = Date.now();
		await core.listNamespace();
		expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
		fake.fault({ path: '/api/v1/namespaces', hang: true });
		const hung = await Promise.race([
			core.listNamespace().then(() => 'answered'),
			sleep(300).then(() => 'no answer'),
		]);
		expect(hung).toBe('no answer');
		expect(fake.requests.map((r) => `${r.method} ${r.path} ${r.verb}`)).toEqual([
			'GET /api/v1/namespaces list',
			'GET /api/v1/namespaces list',
			'GET /api/v1/namespaces list',
			'GET /api/v1/namespaces list',
		]);
		expect(fake.requests.map((r) => r.status).slice(0, 3)).toEqual([500, 200, 200]);
	});
});

describe('pod logs', () => {
	it('serves sinceTime, tailLines, timestamps and previous like the kubelet (client-node Log)', async () => {
		fake.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'app-a' } });
		fake.seed({
			apiVersion: 'v1',
			kind: 'Pod',
			metadata: { name: 'p', namespace: 'app-a' },
			spec: { containers: [{ name: 'app', image: 'x' }] },
		});
		fake.setPodLogs(
			'app-a',
			'p',
			'app',
			[
				{ time: '2026-01-01T00:00:00Z', text: 'one' },
				{ time: '2026-01-01T00:00:10Z', text: 'two' },
				{ time: '2026-01-01T00:00:20Z', text: 'three' },
			],
			[{ time: '2025-12-31T23:59:00Z', text: 'crashed' }],
		);
		const read = async (opts: k8s.LogOptions) => {
			let out = '';
			const sink = new Writable({ write: (c, _e, cb) => ((out += c.toString()), cb()) });
			await new k8s.Log(kc).log('app-a', 'p', 'app', sink, opts);
			await until(
				() => sink.writableFinished || out.length > 0 || undefined,
				'log body',
				1000,
			).catch(() => undefined);
			await sleep(20);
			return out;
		};
		expect(await read({ sinceTime: '2026-01-01T00:00:10Z' })).toBe('two\nthree\n');
		expect(await read({ tailLines: 1, timestamps: true })).toBe(
			'2026-01-01T00:00:20.000000000Z three\n',
		);
		expect(await read({ previous: true })).toBe('crashed\n');
		expect(fake.requests.at(-1)!.query).toMatchObject({ container: 'app', previous: 'true' });
	});
});
