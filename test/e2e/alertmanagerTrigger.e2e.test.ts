// Real n8n: the package loads as a community package, every node and credential type is listed
// under n8n-nodes-aiops.*, and the Alertmanager Trigger turns recorded deliveries into items.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { loadCredentialType, loadNode } from '../harness/nodeHarness';
import { startAlertmanager } from '../support/alertmanager';
import { startN8n, type N8nInstance } from './support/n8n';
import { startReceiver } from './support/receiver';

const pkg = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8'));
const { deliveries } = JSON.parse(
	readFileSync(join(__dirname, '../fixtures/alertmanager/deliveries.json'), 'utf8'),
) as {
	deliveries: Array<{ headers: Record<string, string>; body: { alerts: unknown[] } }>;
};

function echoWorkflow(receiverUrl: string) {
	return {
		id: 'amTriggerEcho01',
		name: 'Alertmanager Trigger echo',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: 'a1',
				name: 'Alertmanager Trigger',
				type: 'n8n-nodes-aiops.alertmanagerTrigger',
				typeVersion: 1,
				position: [0, 0],
				webhookId: '5f0c8a52-8f4e-4b43-9d59-6a1f1e7c0a01',
				parameters: {
					path: 'alertmanager',
					authentication: 'credential',
					emit: 'both',
					options: {},
				},
				credentials: {
					alertmanagerReceiverApi: { id: 'amAuthCred0001', name: 'Alertmanager bearer' },
				},
			},
			{
				id: 'a2',
				name: 'Echo',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [300, 0],
				parameters: {
					method: 'POST',
					url: `${receiverUrl}/items`,
					sendBody: true,
					specifyBody: 'json',
					jsonBody: '={{ JSON.stringify($json) }}',
					options: {},
				},
			},
		],
		connections: { 'Alertmanager Trigger': { main: [[{ node: 'Echo', type: 'main', index: 0 }]] } },
	};
}

describe('Alertmanager Trigger in real n8n', () => {
	let n8n: N8nInstance;
	let receiver: Awaited<ReturnType<typeof startReceiver>>;

	beforeAll(async () => {
		receiver = await startReceiver();
		n8n = await startN8n({
			credentials: [
				{
					id: 'amAuthCred0001',
					name: 'Alertmanager bearer',
					type: 'alertmanagerReceiverApi',
					data: { authType: 'bearer', token: 'dev-token-123' },
				},
			],
			workflows: [echoWorkflow(receiver.url)],
			webhooks: ['alertmanager'],
		});
	});

	afterAll(async () => {
		await n8n?.stop();
		await receiver?.close();
	});

	it('lists every node and credential type of the package under n8n-nodes-aiops.*', async () => {
		const cookie = await n8n.login();
		const nodes = (await (
			await fetch(`${n8n.baseUrl}/types/nodes.json`, { headers: { cookie } })
		).json()) as Array<{ name: string }>;
		const credentials = (await (
			await fetch(`${n8n.baseUrl}/types/credentials.json`, { headers: { cookie } })
		).json()) as Array<{ name: string }>;
		const nodeNames = new Set(nodes.map((n) => n.name));
		const credentialNames = new Set(credentials.map((c) => c.name));
		for (const file of pkg.n8n.nodes as string[]) {
			const className = file.split('/').pop()!.replace('.node.js', '');
			expect(nodeNames).toContain(`n8n-nodes-aiops.${loadNode(className).description.name}`);
		}
		for (const file of pkg.n8n.credentials as string[]) {
			const className = file.split('/').pop()!.replace('.credentials.js', '');
			expect(credentialNames).toContain(loadCredentialType(className).name);
		}
		expect(n8n.logs()).not.toMatch(/Unrecognized node type/);
	});

	it('answers 401 to a wrong token and 400 to a broken body, starting nothing', async () => {
		const url = `${n8n.baseUrl}/webhook/alertmanager`;
		const wrong = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: 'Bearer wrong' },
			body: JSON.stringify(deliveries[0].body),
		});
		expect(wrong.status).toBe(401);
		const broken = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: 'Bearer dev-token-123' },
			body: JSON.stringify({ version: '4', alerts: [{ status: 'firing', labels: { a: 'b' } }] }),
		});
		expect(broken.status).toBe(400);
		expect(await broken.text()).toMatch(/alerts\[0\]\.startsAt is missing/);
		// With a JSON content type, n8n's own body parser refuses invalid JSON (422) before any
		// node runs; with any other type the body reaches the trigger, which answers 400.
		const junkJson = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: 'Bearer dev-token-123' },
			body: '{"version": "4", "alerts": [',
		});
		expect(junkJson.status).toBe(422);
		const junkText = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'text/plain', authorization: 'Bearer dev-token-123' },
			body: '{"version": "4", "alerts": [',
		});
		expect(junkText.status).toBe(400);
		expect(await junkText.text()).toMatch(/body is not valid JSON/);
		// a megabyte is well within the default limit (N8N_PAYLOAD_SIZE_MAX, 16 MB): refused for
		// what it is, not for its size (over-limit bodies: the fuzz e2e, 413)
		const megabyte = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'text/plain', authorization: 'Bearer dev-token-123' },
			body: 'x'.repeat(1024 * 1024 + 10),
		});
		expect(megabyte.status).toBe(400);
		expect(await megabyte.text()).toMatch(/Bad delivery: the body is not valid JSON/);
		await new Promise((r) => setTimeout(r, 1500));
		expect(receiver.received).toHaveLength(0);
	});

	it('turns the recorded deliveries into one item per alert with the derived fields', async () => {
		const before = receiver.received.length;
		for (const delivery of deliveries) {
			const res = await fetch(`${n8n.baseUrl}/webhook/alertmanager`, {
				method: 'POST',
				headers: delivery.headers,
				body: JSON.stringify(delivery.body),
			});
			expect(res.status).toBe(200);
		}
		const expected = deliveries.reduce((n, d) => n + d.body.alerts.length, 0);
		const got = (await receiver.waitFor(before + expected, 120_000))
			.slice(before)
			.map((r) => r.body as Record<string, unknown>);
		expect(got).toHaveLength(expected);
		const crash = got.filter(
			(i) => (i.labels as Record<string, string>).alertname === 'KubePodNotReady',
		);
		expect(new Set(crash.map((i) => i.anomaly_key)).size).toBe(1);
		expect(new Set(crash.map((i) => i.occurrence_id)).size).toBe(2);
		expect(crash[0]).toMatchObject({ workload: 'checkout', receiver: 'n8n', status: 'firing' });
		expect(got.filter((i) => i.status === 'resolved')).toHaveLength(1);
		const truncated = got.filter((i) => (i.truncatedAlerts as number) > 0);
		expect(truncated.length).toBeGreaterThan(0);
		for (const item of truncated) expect((item.warnings as string[])[0]).toMatch(/truncated/);
	});

	it('receives what a real Alertmanager 0.25 sends, with bearer auth, HA replicas as one occurrence', async () => {
		const before = receiver.received.length;
		const am = await startAlertmanager({
			webhookUrl: `${n8n.baseUrl}/webhook/alertmanager`,
			bearerToken: 'dev-token-123',
		});
		try {
			const startsAt = new Date(Date.now() - 60_000).toISOString();
			const labels = {
				alertname: 'KubeDeploymentReplicasMismatch',
				namespace: 'shop',
				deployment: 'cart',
				severity: 'warning',
			};
			await am.post([
				{
					labels: { ...labels, prometheus_replica: 'prom-a' },
					annotations: { summary: 'cart is short of replicas' },
					startsAt,
				},
				{
					labels: { ...labels, prometheus_replica: 'prom-b' },
					annotations: { summary: 'cart is short of replicas' },
					startsAt,
				},
			]);
			const got = (await receiver.waitFor(before + 2, 60_000))
				.slice(before)
				.map((r) => r.body as Record<string, unknown>);
			expect(got.map((i) => i.status)).toEqual(['firing', 'firing']);
			expect(got[0].groupKey).toBe(
				'{}:{alertname="KubeDeploymentReplicasMismatch", namespace="shop"}',
			);
			expect(got[0].occurrence_id).toBe(got[1].occurrence_id);
			expect(got[0].fingerprint).not.toBe(got[1].fingerprint);
			expect(got[0]).toMatchObject({
				workload: 'cart',
				startsAt: expect.stringMatching(/^\d{4}-/),
			});
		} finally {
			await am.stop();
		}
	});
});
