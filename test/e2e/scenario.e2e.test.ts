// The shipped alert-to-repair and app-onboarding workflows, run as shipped (only credentials and
// the notification URL are set), in real n8n; two real Prometheus 2.42 replicas (HA pair, told
// apart by prometheus_replica) scrape a small exporter the test controls and evaluate an alert
// rule like the ones Render Manifests writes; a real Alertmanager 0.25 routes the alerts to the
// webhook with bearer auth; the fake Kubernetes API server is the cluster. One scenario, asserted step by step
// from the cluster, the notifications and the incidents: onboard an app; its pods crash again
// and again; counts climb through REPEAT and ESCALATE; repairs happen by tier (restart, then
// memory for OOMKilled); at PERMANENT_FIX a rollback is planned, approved by a human, and done;
// Alertmanager reports the alerts resolved and the incident resolves. Alertmanager's repeats
// and the second HA replica change no count.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { FakeKube } from '../k8s/server';
import { startAlertmanager } from '../support/alertmanager';
import { startPrometheus, type PrometheusInstance } from '../support/prometheus';
import { startN8n, type N8nInstance } from './support/n8n';
import { startReceiver } from './support/receiver';

const WORKFLOWS = join(__dirname, '../../workflows');
const TOKEN = 'scenario-alertmanager-token';
const ONBOARD = 'scenario-onboarding-token';
const log = (msg: string) =>
	process.stdout.write(`[scenario ${new Date().toISOString()}] ${msg}\n`);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The shipped workflow with a cluster credential on every Kubernetes node and Notify → receiver. */
function shipped(file: string, notifyUrl: string): Json {
	const wf = JSON.parse(readFileSync(join(WORKFLOWS, file), 'utf8'));
	for (const node of wf.nodes) {
		if (['n8n-nodes-aiops.repairAction', 'n8n-nodes-aiops.deployApp'].includes(node.type)) {
			node.credentials = { aiopsKubernetesApi: { id: 'scenarioKube001', name: 'Fake cluster' } };
			if (node.type === 'n8n-nodes-aiops.repairAction') node.parameters.verifyTimeout = 60;
		}
		if (node.type === 'n8n-nodes-aiops.notify')
			node.parameters.webhookUrl = `${notifyUrl}/${encodeURIComponent(node.name)}`;
	}
	return wf;
}

describe('shipped playbooks: onboarding and alert → repair, with real Prometheus and Alertmanager', () => {
	let n8n: N8nInstance;
	let fake: FakeKube;
	let notifications: Awaited<ReturnType<typeof startReceiver>>;
	let am: Awaited<ReturnType<typeof startAlertmanager>>;
	let exporter: Server | undefined;
	let rulesDir = '';
	const prometheus: PrometheusInstance[] = [];
	const crashedPods = new Set<string>();
	const messages = (event?: string) =>
		notifications.received.map((r) => r.body as Json).filter((b) => !event || b.event === event);

	beforeAll(async () => {
		fake = await new FakeKube({ tickMs: 20 }).start();
		fake.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'monitoring' } });
		notifications = await startReceiver();
		n8n = await startN8n({
			credentials: [
				{
					id: 'aiopsAmReceiver01',
					name: 'Alertmanager receiver',
					type: 'alertmanagerReceiverApi',
					data: { authType: 'bearer', token: TOKEN },
				},
				{
					id: 'aiopsOnboardTok1',
					name: 'Onboarding token',
					type: 'httpHeaderAuth',
					data: { name: 'Authorization', value: `Bearer ${ONBOARD}` },
				},
				{
					id: 'scenarioKube001',
					name: 'Fake cluster',
					type: 'aiopsKubernetesApi',
					data: { authentication: 'kubeconfig', kubeconfig: fake.kubeconfig(), context: '' },
				},
			],
			workflows: [
				shipped('alert-to-repair.json', notifications.url),
				shipped('app-onboarding.json', notifications.url),
			],
			webhooks: ['alertmanager', 'aiops-onboard'],
		});
		am = await startAlertmanager({
			webhookUrl: `${n8n.baseUrl}/webhook/alertmanager`,
			bearerToken: TOKEN,
		});
		// the exporter: one series per crashed pod, as kube-state-metrics exposes it
		const server = createServer((_req, res) => {
			const lines = [...crashedPods].map(
				(pod) =>
					`kube_pod_container_status_last_terminated_reason{namespace="app-shop",pod="${pod}",container="shop",reason="OOMKilled"} 1`,
			);
			res
				.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' })
				.end(lines.join('\n') + '\n');
		});
		exporter = server;
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		const exporterPort = (server.address() as { port: number }).port;
		rulesDir = mkdtempSync(join(tmpdir(), 'aiops-rules-'));
		const rules = join(rulesDir, 'rules.yml');
		// an alert rule like Render Manifests' OOMKilled rule (JSON is YAML)
		writeFileSync(
			rules,
			JSON.stringify({
				groups: [
					{
						name: 'app-shop',
						rules: [
							{
								alert: 'KubePodCrashLooping',
								expr: 'kube_pod_container_status_last_terminated_reason{reason="OOMKilled"} == 1',
								labels: { severity: 'critical' },
								annotations: { summary: 'shop pods keep crashing' },
							},
						],
					},
				],
			}),
		);
		const amTarget = new URL(am.url).host;
		for (const replica of ['prom-a', 'prom-b']) {
			prometheus.push(
				await startPrometheus({
					config: {
						global: {
							scrape_interval: '1s',
							evaluation_interval: '1s',
							external_labels: { prometheus_replica: replica },
						},
						rule_files: [rules],
						alerting: { alertmanagers: [{ static_configs: [{ targets: [amTarget] }] }] },
						scrape_configs: [
							{
								job_name: 'kube-state-metrics',
								static_configs: [{ targets: [`127.0.0.1:${exporterPort}`] }],
							},
						],
					},
				}),
			);
		}
	});

	afterAll(async () => {
		for (const p of prometheus) await p.stop();
		exporter?.close();
		if (rulesDir) rmSync(rulesDir, { recursive: true, force: true });
		await am?.stop();
		await n8n?.stop();
		await notifications?.close();
		await fake?.stop();
	});

	async function until<T>(
		what: string,
		check: () => T | undefined | false | Promise<T | undefined | false>,
		timeoutMs = 90_000,
	): Promise<T> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const value = await check();
			if (value) return value;
			if (Date.now() > deadline)
				throw new Error(
					`timed out waiting for ${what}\nmessages: ${JSON.stringify(messages().map((m) => m.event))}\nalertmanager:\n${am.logs().slice(-2000)}\nn8n:\n${n8n.logs().slice(-3000)}`,
				);
			await new Promise((r) => setTimeout(r, 250));
		}
	}

	/** A new pod of the app crashes: one more series on the exporter, so one more alert. */
	async function podCrashes(reason: string) {
		expect(reason).toBe('OOMKilled');
		const n = crashedPods.size;
		crashedPods.add(`shop-6f7b9c4d8-${'bcdfghjklmnpqrstvwxz'.slice(n % 16, (n % 16) + 5)}`);
		// let both Prometheus replicas scrape, evaluate and send before the next crash
		await new Promise((r) => setTimeout(r, 2500));
	}

	const deployment = () => fake.get('Deployment', 'app-shop', 'shop') as Json;
	const restartedAt = () =>
		deployment().spec.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'];
	const memoryLimit = () => deployment().spec.template.spec.containers[0].resources.limits.memory;
	const revision = () =>
		Number(deployment().metadata.annotations['deployment.kubernetes.io/revision']);

	it('runs the loop end to end', async () => {
		log('onboarding the app through app-onboarding');
		const spec = {
			name: 'shop',
			domain: 'shop.example.com',
			framework: 'nodejs',
			image: 'ghcr.io/acme/shop:1.4.2',
			plan: 'standard',
		};
		const refused = await fetch(`${n8n.baseUrl}/webhook/aiops-onboard`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: 'Bearer wrong' },
			body: JSON.stringify(spec),
		});
		expect(refused.status).toBe(403);
		const onboard = await fetch(`${n8n.baseUrl}/webhook/aiops-onboard`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: `Bearer ${ONBOARD}` },
			body: JSON.stringify(spec),
		});
		const report = (await onboard.json()) as Json;
		expect(onboard.status).toBe(200);
		expect(report.status).toBe('succeeded');
		expect(report.steps.map((s: Json) => s.step)).toEqual([
			'create_namespace',
			'deploy_app',
			'configure_ingress',
			'setup_ssl',
			'configure_monitoring',
			'setup_auto_repair',
		]);
		expect(report.steps.find((s: Json) => s.step === 'deploy_app').status).toBe('succeeded');
		expect(deployment().status.availableReplicas).toBeGreaterThan(0);
		const policy = deployment().metadata.annotations;
		expect(Object.keys(policy).some((k) => k.startsWith('n8n-nodes-aiops.dev/'))).toBe(true);
		await until('app_deployed message', () => messages('app_deployed').length === 1);
		log(`deployed: revision ${revision()}, memory ${memoryLimit()}`);

		log('occurrences 1–2: tier 1 restarts (the second is held by the 5-minute cooldown)');
		await podCrashes('OOMKilled');
		try {
			await until('alert_fired', () => messages('alert_fired').length === 1);
		} catch (error) {
			const alerts = await prometheus[0].api('/api/v1/alerts', {});
			const up = await prometheus[0].query('up', Date.now());
			throw new Error(
				`${(error as Error).message}\nprometheus alerts: ${JSON.stringify(alerts)}\nup: ${JSON.stringify(up)}\nprometheus log: ${prometheus[0].logs().slice(-2000)}`,
			);
		}
		const firstRestart = await until('a restart', () => restartedAt());
		await until('repair succeeded', () => messages('repair_succeeded').length === 1);
		await podCrashes('OOMKilled');
		log(`restart at ${firstRestart}`);

		log('occurrence 3: REPEAT → one escalation message');
		await podCrashes('OOMKilled');
		await until('REPEAT escalation', () =>
			messages('escalation').some((m) => /REPEAT/.test(m.text)),
		);

		log('occurrences 4–5: ESCALATE → tier 2 mitigation: raise memory (OOMKilled)');
		const memoryBefore = memoryLimit();
		await podCrashes('OOMKilled');
		await podCrashes('OOMKilled');
		await until('ESCALATE escalation', () =>
			messages('escalation').some((m) => /ESCALATE/.test(m.text)),
		);
		await until('memory raised', () => memoryLimit() !== memoryBefore);
		log(`memory ${memoryBefore} → ${memoryLimit()}`);
		expect(restartedAt()).toBe(firstRestart);

		log('occurrences 6–10: PERMANENT_FIX → tier 3: a rollback is planned and waits for approval');
		const revisionBefore = revision();
		for (let i = 0; i < 5; i++) await podCrashes('OOMKilled');
		const request = await until('an approval request', () => messages('repair_needs_approval')[0]);
		expect(request.text).toMatch(/Approval needed: rollback/);
		expect(revision()).toBe(revisionBefore);
		const approve = (request.actions as Json[]).find((a) => a.style === 'primary')!.url as string;
		// the message goes out just before the execution is parked as waiting: n8n answers 409
		// until it is
		const confirm = await until<Response>('the execution to wait', async () => {
			const res = await fetch(approve, { method: 'POST' });
			return res.status === 409 ? undefined : res;
		});
		expect(confirm.status).toBe(200);
		await until('rolled back', () => revision() > revisionBefore);
		log(`approved; rolled back to the previous template, now revision ${revision()}`);

		log(
			'the pods stop crashing: Prometheus resolves the alerts, Alertmanager reports them resolved',
		);
		crashedPods.clear();
		await until('incident resolved', () => messages('incident_resolved').length === 1);

		// one alert_fired for the one incident; escalation messages only when the level rose
		expect(messages('alert_fired')).toHaveLength(1);
		const levels = messages('escalation').map((m) => /Escalation: (\w+)/.exec(m.text)?.[1]);
		expect(levels.filter((l) => l === 'REPEAT')).toHaveLength(1);
		expect(levels.filter((l) => l === 'ESCALATE')).toHaveLength(1);
		// occurrences 6–10 all asked to roll back the same incident while the first request
		// waited: they joined it instead of sending four more, and the rollback ran once
		expect(
			messages('repair_needs_approval'),
			messages()
				.map((m) => `${m.event}: ${m.title} ${JSON.stringify([m.data?.incident?.id, m.data?.repair?.action, m.data?.occurrence_id, m.data?.approval])}`)
				.join('\n'),
		).toHaveLength(1);
		expect(revision()).toBe(revisionBefore + 1);
		log(`messages: ${notifications.received.map((r) => (r.body as Json).event).join(', ')}`);
	});
});
