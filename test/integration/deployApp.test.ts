// Deploy, Dry Run, Status and Delete of a typical app (test/fixtures/k8s/app.yaml) against
// the fake API server, including the CRD-missing, 403, 409 and timeout paths.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { appStatus, deleteApp, deployApp, dryRunApp } from '../../lib/deploy';
import { KubeClient, parseYamlObjects } from '../../lib/kube';
import type { FakeKubeOptions } from '../k8s/server';
import { FakeKube } from '../k8s/server';

const APP = parseYamlObjects(readFileSync(join(__dirname, '../fixtures/k8s/app.yaml'), 'utf8'));
const NS = 'app-event-system';
// as Render Manifests outputs policyAnnotations (the fixture's Deployment carries the same)
const POLICY = {
	'n8n-nodes-aiops.dev/auto-repair': 'enabled',
	'n8n-nodes-aiops.dev/allowed-actions': 'restart,rollback,raise_memory,scale,delete_pod,cleanup',
	'n8n-nodes-aiops.dev/max-memory': '2Gi',
	'n8n-nodes-aiops.dev/max-replicas': '6',
	'n8n-nodes-aiops.dev/approval-required': 'rollback',
};

let fake: FakeKube;
let client: KubeClient;

async function start(opts: FakeKubeOptions = {}) {
	fake = await new FakeKube({ tickMs: 5, ...opts }).start();
	fake.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'monitoring' } });
	client = KubeClient.fromCredential({ mode: 'kubeconfig', kubeconfig: fake.kubeconfig() });
}

afterEach(async () => {
	await fake.stop();
});

const withImage = (image: string) =>
	APP.map((o) =>
		o.kind === 'Deployment'
			? JSON.parse(JSON.stringify(o).replace('registry.example.com/event-system:1.4.2', image))
			: o,
	);

describe('deploy', () => {
	it('applies every object once in dependency order, waits with one watch, reports the six steps', async () => {
		await start();
		const report = await deployApp(client, APP, { rolloutTimeoutMs: 10_000, policy: POLICY });
		expect(report.status).toBe('succeeded');
		expect(report.namespace).toBe(NS);
		expect(report.steps.map((s) => [s.step, s.status])).toEqual([
			['create_namespace', 'succeeded'],
			['deploy_app', 'succeeded'],
			['configure_ingress', 'succeeded'],
			['setup_ssl', 'succeeded'],
			['configure_monitoring', 'succeeded'],
			['setup_auto_repair', 'succeeded'],
		]);
		expect(report.steps.every((s) => s.durationMs >= 0 && s.error === undefined)).toBe(true);
		expect(report.rollouts).toEqual([
			expect.objectContaining({
				kind: 'Deployment',
				name: 'event-system',
				status: 'rolled out',
				message: 'deployment "event-system" successfully rolled out',
			}),
		]);
		expect(report.objects.map((o) => `${o.kind}:${o.result}`)).toEqual([
			'Namespace:created',
			'NetworkPolicy:created',
			'ServiceAccount:created',
			'Secret:created',
			'ConfigMap:created',
			'Service:created',
			'Deployment:created',
			'Ingress:created',
			'Certificate:created',
			'PrometheusRule:created',
			'ServiceMonitor:created',
		]);
		// the request budget: one apply per object (a create for the create-only Secret), the
		// policy apply, discovery for the two CRD groups, one list + at most one watch for the rollout
		const calls = fake.requests.map((r) => `${r.verb ?? 'discovery'} ${r.resource ?? r.path}`);
		expect(calls.filter((c) => c.startsWith('patch'))).toHaveLength(APP.length);
		expect(calls.filter((c) => c.startsWith('create'))).toEqual(['create secrets']);
		expect(calls.filter((c) => c.startsWith('discovery'))).toEqual([
			'discovery /apis/cert-manager.io/v1',
			'discovery /apis/monitoring.coreos.com/v1',
		]);
		// the list may already find the rollout done, else one watch follows it
		const rolloutCalls = calls.filter((c) => c.startsWith('list') || c.startsWith('watch'));
		expect(rolloutCalls.slice(0, 1)).toEqual(['list deployments']);
		expect(rolloutCalls.slice(1)).toEqual(rolloutCalls.length === 2 ? ['watch deployments'] : []);
		expect(fake.requests).toHaveLength(APP.length + 1 + 2 + rolloutCalls.length);
		const d = fake.get('Deployment', NS, 'event-system')!;
		expect((d.metadata as { annotations: Record<string, string> }).annotations).toMatchObject(
			POLICY,
		);
		const managers = (d.metadata as { managedFields: { manager: string }[] }).managedFields.map(
			(m) => m.manager,
		);
		expect(managers).toEqual(['n8n-aiops', 'n8n-aiops-policy']);
	});

	it('is idempotent: a second deploy changes no object and finds the rollout already done', async () => {
		await start();
		await deployApp(client, APP, { rolloutTimeoutMs: 10_000, policy: POLICY });
		await fake.quiet(); // the controller copies the new policy annotations onto the ReplicaSet
		const before = fake.snapshot();
		const n = fake.requests.length;
		const again = await deployApp(client, APP, { rolloutTimeoutMs: 10_000, policy: POLICY });
		expect(again.status).toBe('succeeded');
		// the create-only Secret is kept as it is; everything else re-applied, unchanged
		expect(again.objects.filter((o) => o.result !== 'configured')).toEqual([
			expect.objectContaining({ kind: 'Secret', result: 'kept' }),
		]);
		expect(fake.changedSince(before)).toEqual([]);
		expect(fake.requests.slice(n).filter((r) => r.verb === 'watch')).toHaveLength(0);
	});

	it('skips the steps whose CRDs are not installed, with a warning, and still succeeds', async () => {
		await start({ crds: [] });
		const report = await deployApp(client, APP, { rolloutTimeoutMs: 10_000, policy: POLICY });
		expect(report.status).toBe('succeeded');
		const byStep = Object.fromEntries(report.steps.map((s) => [s.step, s]));
		expect(byStep.setup_ssl.status).toBe('skipped');
		expect(byStep.configure_monitoring.status).toBe('skipped');
		expect(byStep.setup_auto_repair.status).toBe('succeeded');
		expect(report.warnings).toEqual([
			'Certificate app-event-system/event-system skipped: Certificate (cert-manager.io/v1) is not served by this cluster: its CustomResourceDefinition is not installed',
			'PrometheusRule monitoring/event-system-alerts skipped: PrometheusRule (monitoring.coreos.com/v1) is not served by this cluster: its CustomResourceDefinition is not installed',
			'ServiceMonitor app-event-system/event-system skipped: ServiceMonitor (monitoring.coreos.com/v1) is not served by this cluster: its CustomResourceDefinition is not installed',
			'no PrometheusRule was applied: no alert will carry an auto_repair action for this app',
		]);
	});

	it('stops at a 403, naming the verb and resource, and leaves later steps pending', async () => {
		await start();
		fake.rbac = {
			cluster: [
				{
					apiGroups: ['', 'apps', 'cert-manager.io', 'monitoring.coreos.com'],
					resources: ['*'],
					verbs: ['*'],
				},
				{ apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['*'] },
			],
			namespaced: {},
		};
		const report = await deployApp(client, APP, { rolloutTimeoutMs: 10_000 });
		expect(report.status).toBe('failed');
		expect(report.errorCode).toBe(403);
		expect(report.steps.map((s) => s.status)).toEqual([
			'succeeded',
			'succeeded',
			'failed',
			'pending',
			'pending',
			'pending',
		]);
		expect(report.error).toBe(
			'Deploy failed at step configure_ingress: Kubernetes denied patch ingresses.networking.k8s.io "event-system" in namespace "app-event-system" (403 Forbidden: the credential lacks "patch" on "ingresses.networking.k8s.io"): ingresses.networking.k8s.io "event-system" is forbidden: User "system:serviceaccount:n8n:n8n" cannot patch resource "ingresses" in API group "networking.k8s.io" in the namespace "app-event-system"',
		);
		expect(report.objects.find((o) => o.kind === 'Ingress')!.result).toBe('failed');
		expect(report.objects.find((o) => o.kind === 'ServiceMonitor')!.result).toBe('pending');
	});

	it('retries a 409 conflict and succeeds', async () => {
		await start();
		fake.fault({
			method: 'PATCH',
			path: `/apis/apps/v1/namespaces/${NS}/deployments/event-system`,
			status: 409,
			times: 1,
		});
		const report = await deployApp(client, APP, { rolloutTimeoutMs: 10_000 });
		expect(report.status).toBe('succeeded');
		expect(
			fake.requests
				.filter((r) => r.method === 'PATCH' && r.resource === 'deployments')
				.map((r) => r.status),
		).toEqual([409, 201]);
	});

	it('reports a rollout timeout with the last status kubectl would print', async () => {
		await start();
		fake.failPods('registry.example.com/event-system:1.4.2', 'CrashLoopBackOff');
		const report = await deployApp(client, APP, { rolloutTimeoutMs: 600 });
		expect(report.status).toBe('failed');
		expect(report.steps.map((s) => s.status)).toEqual([
			'succeeded',
			'failed',
			'pending',
			'pending',
			'pending',
			'pending',
		]);
		expect(report.rollouts).toEqual([
			expect.objectContaining({
				status: 'timed out',
				message:
					'Waiting for deployment "event-system" rollout to finish: 0 of 2 updated replicas are available...',
			}),
		]);
		expect(report.error).toMatch(
			/^Deploy failed at step deploy_app: timed out waiting for the condition: Deployment app-event-system\/event-system not rolled out after 1s; last status: Waiting for deployment "event-system" rollout to finish: 0 of 2 updated replicas are available\.\.\.$/,
		);
	});
});

describe('dry run', () => {
	it('on an empty cluster: creates everything, server-checked where it can be, and changes nothing', async () => {
		await start();
		const before = fake.snapshot();
		const report = await dryRunApp(client, APP, { policy: POLICY });
		expect(fake.changedSince(before)).toEqual([]);
		expect(report.status).toBe('succeeded');
		expect(report.summary).toMatchObject({ create: 11, update: 0, unchanged: 0, failed: 0 });
		const byKind = Object.fromEntries(report.objects.map((o) => [o.kind, o]));
		expect(byKind.Namespace.serverValidated).toBe(true);
		expect(byKind.PrometheusRule.serverValidated).toBe(true); // its namespace exists
		expect(byKind.Deployment.serverValidated).toBe(false);
		expect(byKind.Deployment.warning).toContain('namespace app-event-system does not exist yet');
		expect(report.diff).toContain('+++ proposed/Deployment app-event-system/event-system');
		expect(
			fake.requests.filter((r) => r.method === 'PATCH').every((r) => r.query.dryRun === 'All'),
		).toBe(true);
	});

	it('after a deploy: only the changed image shows, as a field change and a unified diff; the server is byte-for-byte unchanged', async () => {
		await start();
		await deployApp(client, APP, { rolloutTimeoutMs: 10_000, policy: POLICY });
		await fake.quiet();
		const before = fake.snapshot();
		const report = await dryRunApp(client, withImage('registry.example.com/event-system:1.5.0'), {
			policy: POLICY,
		});
		expect(fake.changedSince(before)).toEqual([]);
		// 11 objects and the policy on the Deployment: only the image changes
		expect(report.summary).toMatchObject({ create: 0, update: 1, unchanged: 11, failed: 0 });
		expect(report.objects.find((o) => o.kind === 'Secret')).toMatchObject({
			action: 'unchanged',
			note: 'create-only: exists and will be kept as it is',
		});
		const d = report.objects.find((o) => o.action === 'update')!;
		expect(d.kind).toBe('Deployment');
		expect(d.serverValidated).toBe(true);
		expect(d.changes).toEqual([
			{
				path: '.spec.template.spec.containers[name="app"].image',
				op: 'replace',
				before: 'registry.example.com/event-system:1.4.2',
				after: 'registry.example.com/event-system:1.5.0',
			},
		]);
		expect(report.diff).toContain(
			'-          image: registry.example.com/event-system:1.4.2\n+          image: registry.example.com/event-system:1.5.0',
		);
		expect(report.steps.find((s) => s.step === 'deploy_app')!.actions).toBe(
			'1 update, 4 unchanged',
		);
	});

	it('reports what the server would refuse', async () => {
		await start();
		const bad = APP.map((o) =>
			o.kind === 'Deployment'
				? { ...o, spec: { ...(o.spec as object), selector: { matchLabels: { app: 'other' } } } }
				: o,
		);
		fake.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
		const report = await dryRunApp(client, bad);
		expect(report.status).toBe('failed');
		expect(report.errorCode).toBe(422);
		expect(report.error).toContain('Dry run failed for Deployment app-event-system/event-system');
		expect(report.error).toContain('`selector` does not match template `labels`');
	});
});

describe('status and delete', () => {
	it('reports per object and rollout, then tears down in reverse order and waits for the namespace', async () => {
		await start();
		const missing = await appStatus(client, APP);
		expect(missing.ready).toBe(false);
		expect(missing.summary).toBe('0 of 10 objects present; 0 of 0 workloads rolled out');
		expect(missing.objects.find((o) => o.kind === 'Secret')).not.toHaveProperty('exists');
		await deployApp(client, APP, { rolloutTimeoutMs: 10_000 });
		const status = await appStatus(client, APP);
		expect(status.ready).toBe(true);
		expect(status.summary).toBe('10 of 10 objects present; 1 of 1 workload rolled out');
		expect(status.objects.find((o) => o.kind === 'Deployment')).toMatchObject({
			exists: true,
			generation: 1,
			observedGeneration: 1,
			rollout: { done: true, message: 'deployment "event-system" successfully rolled out' },
		});
		expect(status.steps.every((s) => s.status === 'present')).toBe(true);
		const n = fake.requests.length;
		const report = await deleteApp(client, APP, { timeoutMs: 5000 });
		expect(report.status).toBe('succeeded');
		expect(report.objects.map((o) => o.kind)).toEqual([
			'ServiceMonitor',
			'PrometheusRule',
			'Certificate',
			'Ingress',
			'Deployment',
			'Service',
			'ConfigMap',
			'Secret',
			'ServiceAccount',
			'NetworkPolicy',
			'Namespace',
		]);
		expect(report.objects.every((o) => o.result === 'deleted')).toBe(true);
		expect(report.namespaces).toEqual([expect.objectContaining({ name: NS, gone: true })]);
		expect(fake.get('Namespace', '', NS)).toBeUndefined();
		expect(fake.get('PrometheusRule', 'monitoring', 'event-system-alerts')).toBeUndefined();
		expect(fake.requests.slice(n).filter((r) => r.verb === 'delete')).toHaveLength(11);
		// nothing left: a second delete finds every object absent
		const again = await deleteApp(client, APP, { timeoutMs: 5000 });
		expect(again.objects.every((o) => o.result === 'absent')).toBe(true);
	});

	it('fails a delete whose namespace does not go in time', async () => {
		await start({ tickMs: 0 });
		fake.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
		const report = await deleteApp(
			client,
			APP.filter((o) => o.kind === 'Namespace'),
			{ timeoutMs: 300 },
		);
		expect(report.status).toBe('failed');
		expect(report.error).toBe(
			'Delete failed: namespace app-event-system is still terminating after 0s',
		);
	});
});
