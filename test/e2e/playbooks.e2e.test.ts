// The shipped playbooks in a real n8n 2.41.1 with the embedded store, set up as a user would:
// a Prometheus credential, a Telegram credential (its API base URL pointing at a local stand-in
// for the Bot API), the Alertmanager receiver credential, their own service list. Every Schedule
// Trigger is swapped for a Webhook of the same name (test/e2e/support/playbooks.ts), so each
// "scheduled" run happens when the test says and the POST returns when it is over.
//   proactive-inspection  a real Prometheus 2.42 with a backfilled memory series rising towards
//                          its limit → one predicted incident at tier 2, one notification; a
//                          second run within the 30 minutes adds neither
//   health-checks          one failing local service → one occurrence, one incident, one
//                          message; recovered → the incident resolves, one message
//   housekeeping           Watchdog heartbeats from a real Alertmanager 0.25; silence → one
//                          "missing" message, heartbeat again → one "back" message; stale
//                          incidents resolved and notified
import { createServer, type Server } from 'node:http';

import { startAlertmanager } from '../support/alertmanager';
import { startFakeService } from '../support/fakeChannels';
import { decodeTelegramHtml } from '../support/notifyText';
import { closedPort } from '../support/net';
import { startPrometheus, type PrometheusInstance } from '../support/prometheus';
import { startN8n, type N8nInstance } from './support/n8n';
import {
	editCode,
	nodeNamed,
	runVia,
	scheduleAsWebhook,
	shippedWorkflow,
	useCredential,
	type ShippedWorkflow,
} from './support/playbooks';

const TG_TOKEN = '7000000004:AAPlaybooksToken0123456789abcdef';
const CHAT_ID = '-100424242';
const AM_TOKEN = 'watchdog-token-0123';
const MINUTE = 60_000;

const telegramCredential = { id: 'tgPlaybooks00001', name: 'Telegram (stand-in)' };
const prometheusCredential = { id: 'promPlaybooks001', name: 'Prometheus (test)' };
const alertmanagerCredential = { id: 'amPlaybooks00001', name: 'Alertmanager bearer' };

interface Incident {
	id: string;
	anomaly_key: string;
	status: string;
	title: string;
	signature: Record<string, string>;
	recommended_tier: number;
	aggregated_count: number;
	last_seen_at: string;
	resolution_reason: string | null;
	frequency: { count_24h: number } | null;
}

/** Reads the embedded store through n8n itself: Aggregate Incident's List behind a webhook. */
function probeWorkflow(): ShippedWorkflow {
	return {
		id: 'playbookProbe001',
		name: 'Store probe (test)',
		active: false,
		settings: { executionOrder: 'v1' },
		connections: { Probe: { main: [[{ node: 'List', type: 'main', index: 0 }]] } },
		nodes: [
			{
				id: 'b1d4c0a2-58f1-4a0e-9b7e-2d6c5f0e9a01',
				name: 'Probe',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: '4e0c2b7a-9d1f-4f5e-8a3b-6c7d8e9f0a12',
				parameters: {
					httpMethod: 'POST',
					path: 'probe-incidents',
					responseMode: 'lastNode',
					responseData: 'allEntries',
					options: {},
				},
			},
			{
				id: 'b1d4c0a2-58f1-4a0e-9b7e-2d6c5f0e9a02',
				name: 'List',
				type: 'n8n-nodes-aiops.aggregateIncident',
				typeVersion: 1,
				position: [250, 0],
				parameters: {
					store: 'embedded',
					operation: 'list',
					status: 'any',
					limit: 100,
					options: {},
				},
				alwaysOutputData: true,
			} as ShippedWorkflow['nodes'][number],
		],
	};
}

/** A series every 30 s from `fromMs` to `toMs`. */
function samples(fromMs: number, toMs: number, value: (t: number) => number): [number, number][] {
	const out: [number, number][] = [];
	for (let t = fromMs; t <= toMs; t += 30_000) out.push([t, value(t)]);
	return out;
}

/** A local service whose /health answers with `status()`, after `delayMs`. */
async function startService(status: () => number, delayMs = 0) {
	const server: Server = createServer((req, res) => {
		setTimeout(() => {
			res.writeHead(req.url === '/health' ? status() : 404, { 'content-type': 'text/plain' });
			res.end('ok');
		}, delayMs);
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const { port } = server.address() as { port: number };
	return {
		url: `http://127.0.0.1:${port}/health`,
		close: () => new Promise<void>((r) => server.close(() => r())),
	};
}

describe('shipped playbooks in real n8n', () => {
	let n8n: N8nInstance;
	let prometheus: PrometheusInstance;
	let telegram: Awaited<ReturnType<typeof startFakeService>>;
	let cart: Awaited<ReturnType<typeof startService>>;
	let payments: Awaited<ReturnType<typeof startService>>;
	let catalog: Awaited<ReturnType<typeof startService>>;
	let paymentsStatus = 503;
	let predictedKey = '';

	/** What the channel received: the text of each sendMessage, as Telegram would show it. */
	const messages = () =>
		telegram.requests
			.filter((r) => r.url === `/bot${TG_TOKEN}/sendMessage`)
			.map((r) => {
				const body = r.json as { chat_id: string; text: string };
				expect(body.chat_id).toBe(CHAT_ID);
				return decodeTelegramHtml(body.text);
			});
	// (the probe answers [{}] when the store holds no incident)
	const incidents = async () =>
		((await runVia(n8n.baseUrl, 'probe-incidents')) as Incident[]).filter((i) => i.id);

	beforeAll(async () => {
		const now = Date.now();
		// memory of shop/cart climbs from 50% to 80% of its limit over the last 2 h (0.15 per
		// hour): the 90% threshold is about 40 minutes away. Samples go on into the future so
		// that "now" always has a fresh one.
		const pod = { namespace: 'shop', pod: 'cart-7d9f8b6c5d-x2x7q', container: 'cart' };
		const limit = 1_000_000_000;
		const from = now - 2 * 60 * MINUTE;
		prometheus = await startPrometheus({
			series: [
				{
					name: 'container_memory_working_set_bytes',
					labels: pod,
					samples: samples(from, now + 60 * MINUTE, (t) =>
						Math.round(limit * (0.5 + (0.15 * (t - from)) / (60 * MINUTE))),
					),
				},
				{
					name: 'kube_pod_container_resource_limits',
					labels: { ...pod, resource: 'memory', unit: 'byte' },
					samples: samples(from, now + 60 * MINUTE, () => limit),
				},
			],
		});
		telegram = await startFakeService({
			status: 200,
			body: { ok: true, result: { message_id: 1 } },
		});
		cart = await startService(() => 200);
		payments = await startService(() => paymentsStatus);
		catalog = await startService(() => 200, 300);

		const notifyChannel = { telegramChatId: CHAT_ID };
		const proactive = shippedWorkflow('proactive-inspection.json');
		scheduleAsWebhook(proactive, 'Every 5 Minutes', 'test-inspection');
		useCredential(
			proactive,
			'n8n-nodes-aiops.trendPredict',
			'aiopsPrometheusApi',
			prometheusCredential,
		);
		useCredential(
			proactive,
			'n8n-nodes-aiops.notify',
			'aiopsTelegramApi',
			telegramCredential,
			notifyChannel,
		);

		const unusedPort = await closedPort();
		const health = shippedWorkflow('health-checks.json');
		scheduleAsWebhook(health, 'Every Minute', 'test-health');
		editCode(health, 'Services to Check', (code) =>
			code.replace(
				/const services = \[[\s\S]*?\n\];/,
				`const services = ${JSON.stringify([
					{ service: 'cart', namespace: 'shop', workload: 'cart', url: cart.url },
					{ service: 'payments', namespace: 'shop', workload: 'payments', url: payments.url },
					{
						service: 'search',
						namespace: 'shop',
						workload: 'search',
						url: `http://127.0.0.1:${unusedPort}/health`,
					},
					{
						service: 'catalog',
						namespace: 'shop',
						workload: 'catalog',
						url: catalog.url,
						slow_ms: 100,
					},
				])};`,
			),
		);
		useCredential(
			health,
			'n8n-nodes-aiops.notify',
			'aiopsTelegramApi',
			telegramCredential,
			notifyChannel,
		);

		const housekeeping = shippedWorkflow('housekeeping.json');
		scheduleAsWebhook(housekeeping, 'Every 15 Minutes', 'test-stale');
		scheduleAsWebhook(housekeeping, 'Every Minute', 'test-heartbeat-check');
		// minutes the test can wait for: a silence of 15 s, a quiet period of 1 minute
		editCode(housekeeping, 'Heartbeat Missing?', (code) =>
			code.replace('const MISSING_AFTER_MINUTES = 10;', 'const MISSING_AFTER_MINUTES = 0.25;'),
		);
		nodeNamed(housekeeping, 'Resolve Stale Incidents').parameters.quietMinutes = 1;
		useCredential(
			housekeeping,
			'n8n-nodes-aiops.alertmanagerTrigger',
			'alertmanagerReceiverApi',
			alertmanagerCredential,
		);
		useCredential(
			housekeeping,
			'n8n-nodes-aiops.notify',
			'aiopsTelegramApi',
			telegramCredential,
			notifyChannel,
		);

		n8n = await startN8n({
			credentials: [
				{
					...telegramCredential,
					type: 'aiopsTelegramApi',
					data: { accessToken: TG_TOKEN, baseUrl: telegram.url },
				},
				{
					...prometheusCredential,
					type: 'aiopsPrometheusApi',
					data: { url: prometheus.url, authType: 'none' },
				},
				{
					...alertmanagerCredential,
					type: 'alertmanagerReceiverApi',
					data: { authType: 'bearer', token: AM_TOKEN },
				},
			],
			workflows: [proactive, health, housekeeping, probeWorkflow()],
			webhooks: [
				'test-inspection',
				'test-health',
				'test-stale',
				'test-heartbeat-check',
				'alertmanager-watchdog',
				'probe-incidents',
			],
		});
	});

	afterAll(async () => {
		await n8n?.stop();
		await prometheus?.stop();
		await telegram?.close();
		await cart?.close();
		await payments?.close();
		await catalog?.close();
	});

	it('proactive inspection: a rising memory series raises one predicted incident at tier 2 and one message; a second run adds none', async () => {
		// both runs must fall into one 30-minute bucket: skip the last minute of a bucket
		const bucket = 30 * MINUTE;
		const left = bucket - (Date.now() % bucket);
		if (left < MINUTE) await new Promise((r) => setTimeout(r, left + 1000));

		expect(await incidents()).toEqual([]);
		await runVia(n8n.baseUrl, 'test-inspection');
		const first = (await incidents()).filter((i) => i.signature?.alert_name === 'PredictedBreach');
		expect(first).toHaveLength(1);
		expect(first[0]).toMatchObject({
			status: 'open',
			recommended_tier: 2,
			aggregated_count: 1,
			signature: {
				alert_name: 'PredictedBreach',
				namespace: 'shop',
				workload: 'cart',
				container: 'cart',
				error_type: 'memory_usage',
			},
		});
		expect(first[0].title).toMatch(
			/^Memory working set of the container limit predicted to reach 0\.9 within 4 h$/,
		);
		predictedKey = first[0].anomaly_key;
		const sent = messages();
		expect(sent).toHaveLength(1);
		expect(sent[0]).toMatch(/^📈 Predicted: memory_usage in shop\n/);
		expect(sent[0]).toMatch(/Threshold 0\.9 reached in about 0\.\d h/);
		expect(sent[0]).toMatch(/\nWorkload: cart\n/);
		expect(sent[0]).toMatch(/\nConfidence: high\n/);
		expect(sent[0]).toMatch(/\nIncident: [0-9a-f-]{36} \(tier 2\)$/);

		await runVia(n8n.baseUrl, 'test-inspection');
		const second = (await incidents()).filter((i) => i.signature?.alert_name === 'PredictedBreach');
		expect(second).toHaveLength(1);
		expect(second[0]).toMatchObject({ id: first[0].id, status: 'open', aggregated_count: 1 });
		expect(second[0].frequency?.count_24h).toBe(1);
		expect(messages()).toHaveLength(1);
	});

	it('health checks: each failing service records one occurrence, opens one incident and says so once; recovery resolves it', async () => {
		const before = messages().length;
		const health = async () =>
			(await incidents()).filter((i) => i.signature?.alert_name === 'HealthCheckFailed');
		const about = (list: string[], service: string) =>
			list.filter((m) => m.includes(`Target: shop/${service}\n`));

		// two runs while payments answers 503, search is not listening and catalog is slow
		await runVia(n8n.baseUrl, 'test-health');
		await runVia(n8n.baseUrl, 'test-health');
		const open = await health();
		expect(open.map((i) => `${i.signature.workload}:${i.signature.error_type}`).sort()).toEqual([
			'catalog:slow',
			'payments:bad_status',
			'search:unreachable',
		]);
		for (const incident of open) {
			expect(incident).toMatchObject({ status: 'open', recommended_tier: 1, aggregated_count: 1 });
			expect(incident.frequency?.count_24h).toBe(1);
		}
		const payments = open.find((i) => i.signature.workload === 'payments')!;
		expect(payments).toMatchObject({
			title: 'payments health check failed: HTTP 503',
			signature: { alert_name: 'HealthCheckFailed', namespace: 'shop', container: '' },
		});
		expect(open.find((i) => i.signature.workload === 'catalog')!.title).toMatch(
			/^catalog health check failed: answered in \d+ ms \(slow above 100 ms\)$/,
		);
		const fired = messages().slice(before);
		expect(fired).toHaveLength(3);
		expect(about(fired, 'cart')).toEqual([]);
		const [paymentsFired] = about(fired, 'payments');
		expect(paymentsFired).toMatch(/^🔴 Alert firing: HealthCheckFailed\nSeverity: critical\n/);
		expect(paymentsFired).toMatch(/\nGET http:\/\/127\.0\.0\.1:\d+\/health → 503 in \d+ ms\n/);
		expect(paymentsFired).toMatch(/\nIncident: [0-9a-f-]{36} \(tier 1\)$/);
		expect(about(fired, 'search')[0]).toMatch(/→ no answer in \d+ ms/);
		expect(about(fired, 'catalog')[0]).toMatch(/\nSeverity: warning\n/);

		paymentsStatus = 200;
		await runVia(n8n.baseUrl, 'test-health');
		const after = await health();
		expect(after.find((i) => i.id === payments.id)).toMatchObject({
			status: 'resolved',
			resolution_reason:
				'alerts resolved: Alertmanager reported every alert of the incident resolved',
		});
		expect(after.filter((i) => i.status === 'open')).toHaveLength(2);
		const resolvedMessages = messages().slice(before + 3);
		expect(resolvedMessages).toHaveLength(1);
		expect(resolvedMessages[0]).toMatch(
			/^✅ Resolved: payments health check failed: HTTP 503\nTarget: shop\/payments\n/,
		);
		// payments healthy, the others still failing: nothing new
		await runVia(n8n.baseUrl, 'test-health');
		expect(messages().slice(before)).toHaveLength(4);
		expect(await health()).toHaveLength(3);
	});

	it("housekeeping: Alertmanager's Watchdog is the heartbeat; its silence is notified once, its return once", async () => {
		const before = messages().length;
		const watchdog = {
			labels: { alertname: 'Watchdog', severity: 'none' },
			annotations: { summary: 'An alert that should always be firing' },
		};
		const heartbeats = async () => {
			const cookie = await n8n.login();
			const res = await fetch(
				`${n8n.baseUrl}/rest/executions?filter=${encodeURIComponent(
					JSON.stringify({ workflowId: 'aiopsHousekeep01', status: ['success'] }),
				)}&limit=100`,
				{ headers: { cookie } },
			);
			const { data } = (await res.json()) as {
				data: { results: Array<{ mode: string }> };
			};
			return data.results.filter((e) => e.mode === 'webhook').length;
		};
		const waitForHeartbeats = async (count: number) => {
			for (let i = 0; i < 240 && (await heartbeats()) < count; i++) {
				await new Promise((r) => setTimeout(r, 500));
			}
			expect(await heartbeats()).toBeGreaterThanOrEqual(count);
		};
		const webhookRuns = await heartbeats();

		let am = await startAlertmanager({
			webhookUrl: `${n8n.baseUrl}/webhook/alertmanager-watchdog`,
			bearerToken: AM_TOKEN,
		});
		try {
			await am.post([{ ...watchdog, startsAt: new Date().toISOString() }]);
			// Alertmanager repeats the Watchdog every 4 s here: wait for two deliveries
			await waitForHeartbeats(webhookRuns + 2);
			await runVia(n8n.baseUrl, 'test-heartbeat-check');
			expect(messages().slice(before)).toEqual([]);
		} finally {
			await am.stop();
		}

		// silence: longer than MISSING_AFTER_MINUTES (15 s here)
		await new Promise((r) => setTimeout(r, 20_000));
		await runVia(n8n.baseUrl, 'test-heartbeat-check');
		await runVia(n8n.baseUrl, 'test-heartbeat-check');
		const missing = messages().slice(before);
		expect(missing).toHaveLength(1);
		expect(missing[0]).toMatch(
			/^🔴 Watchdog missing: alerts may not be reaching n8n\nNo Watchdog alert from Alertmanager for [\d.]+ minutes\.\nLast heartbeat \d{4}-\d\d-\d\dT/,
		);

		const runs = await heartbeats();
		am = await startAlertmanager({
			webhookUrl: `${n8n.baseUrl}/webhook/alertmanager-watchdog`,
			bearerToken: AM_TOKEN,
		});
		try {
			await am.post([{ ...watchdog, startsAt: new Date().toISOString() }]);
			await waitForHeartbeats(runs + 2);
		} finally {
			await am.stop();
		}
		const back = messages().slice(before);
		expect(back).toHaveLength(2);
		expect(back[1]).toMatch(
			/^✅ Watchdog is back: alerts reach n8n again\nSilent since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, heartbeat again at /,
		);
	});

	it('housekeeping: incidents quiet for longer than the quiet period are resolved and notified', async () => {
		// open now: the predicted one and the two services still failing in the health test
		const open = (await incidents()).filter((i) => i.status === 'open');
		expect(open.map((i) => i.title).sort()).toEqual([
			'Memory working set of the container limit predicted to reach 0.9 within 4 h',
			expect.stringMatching(/^catalog health check failed: answered in \d+ ms/),
			expect.stringMatching(/^search health check failed: no answer \(.*ECONNREFUSED/),
		]);
		expect(open.map((i) => i.anomaly_key)).toContain(predictedKey);
		const lastSeen = Math.max(...open.map((i) => Date.parse(i.last_seen_at)));
		const quietUntil = lastSeen + MINUTE + 2000;
		if (Date.now() < quietUntil) await new Promise((r) => setTimeout(r, quietUntil - Date.now()));
		const before = messages().length;

		await runVia(n8n.baseUrl, 'test-stale');
		const after = await incidents();
		for (const incident of open) {
			expect(after.find((i) => i.id === incident.id)).toMatchObject({
				status: 'resolved',
				resolution_reason: 'stale: no alert for more than 1 minutes',
			});
		}
		const sent = messages().slice(before);
		expect(sent).toHaveLength(3);
		expect(sent).toContainEqual(
			expect.stringMatching(
				/^✅ Resolved: Memory working set of the container limit predicted to reach 0\.9 within 4 h\nTarget: shop\/cart\nHow: stale: no alert for more than 1 minutes\n/,
			),
		);
		// nothing left to resolve
		await runVia(n8n.baseUrl, 'test-stale');
		expect(messages().slice(before)).toHaveLength(3);
	});
});
