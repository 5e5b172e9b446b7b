// The shipped workflows/log-inspection.json in real n8n, against the fake Kubernetes API: pod
// logs → Log Patterns → Record Anomaly → Notify. After the warm-up, a deploy that makes both
// pods log a new error gives exactly one notification (the template and the first line,
// escaped), one occurrence, and nothing more on the next runs. The schedule is swapped for a
// webhook so the test decides when a run happens; warm-up is shortened.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { FakeKube } from '../k8s/server';
import { deletePrefix, testPrefix } from '../support/stores';
import { startN8n, type N8nInstance } from './support/n8n';
import { startReceiver } from './support/receiver';

type WorkflowNode = {
	name: string;
	type: string;
	typeVersion: number;
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	[key: string]: unknown;
};

const shipped = JSON.parse(
	readFileSync(join(__dirname, '../../workflows/log-inspection.json'), 'utf8'),
) as { nodes: WorkflowNode[]; connections: Record<string, unknown>; [k: string]: unknown };

const prefix = testPrefix();
const redis = { aiopsRedisApi: { id: 'redisCredential1', name: 'Redis (test)' } };
const PODS = ['checkout-7d4b9c8f6-x2kqz', 'checkout-7d4b9c8f6-b5m7p'];

function testWorkflow(receiverUrl: string) {
	const nodes = shipped.nodes.map((n): WorkflowNode => {
		switch (n.name) {
			case 'Every 5 Minutes':
				return {
					...n,
					type: 'n8n-nodes-base.webhook',
					typeVersion: 2,
					webhookId: '5d0c7a3e-41b8-4f7e-9a55-0c3f2b9e6a10',
					parameters: {
						httpMethod: 'POST',
						path: 'log-inspection',
						responseMode: 'lastNode',
						responseData: 'allEntries',
						options: {},
					},
				};
			case 'Watched Namespaces':
				return {
					...n,
					parameters: { jsCode: "return [{ json: { namespace: 'shop' } }];" },
				};
			case 'Log Patterns':
				return {
					...n,
					parameters: {
						...n.parameters,
						store: 'redis',
						warmUpLines: 20,
						warmUpMinutes: 0,
						options: { keyPrefix: prefix },
					},
					credentials: { ...n.credentials, ...redis },
				};
			case 'Record Anomaly':
				return {
					...n,
					parameters: { ...n.parameters, store: 'redis', options: { keyPrefix: prefix } },
					credentials: redis,
				};
			case 'Notify':
				return {
					...n,
					parameters: {
						...n.parameters,
						channels: ['webhook'],
						webhookUrl: `${receiverUrl}/notify`,
						store: 'redis',
						storeOptions: { keyPrefix: prefix },
					},
					credentials: redis,
				};
			default:
				return n;
		}
	});
	return { ...shipped, id: 'logInspection01', nodes };
}

describe('workflows/log-inspection.json in real n8n', () => {
	let n8n: N8nInstance;
	let fake: FakeKube;
	let receiver: Awaited<ReturnType<typeof startReceiver>>;
	const logs = new Map<string, { time: string; text: string }[]>(PODS.map((p) => [p, []]));
	// the pods' clock: lines a little before now (Record Anomaly counts them in its windows)
	let clock = Date.now() - 3_600_000;

	function say(pod: string, ...texts: string[]) {
		const lines = logs.get(pod)!;
		for (const text of texts) lines.push({ time: new Date((clock += 1000)).toISOString(), text });
		fake.setPodLogs('shop', pod, 'app', lines);
	}

	const normal = (i: number) => [
		`GET /api/orders/${i} 200 ${(i % 9) + 2}ms`,
		`POST /api/orders 201 ${(i % 7) + 3}ms`,
		`cache refreshed in ${i % 13} ms, ${100 + i} entries`,
	];

	async function run(): Promise<unknown> {
		const res = await fetch(`${n8n.baseUrl}/webhook/log-inspection`, { method: 'POST' });
		const text = await res.text();
		if (res.status !== 200)
			throw new Error(`run answered ${res.status}: ${text}\n${n8n.logs().slice(-3000)}`);
		return text;
	}

	beforeAll(async () => {
		receiver = await startReceiver();
		fake = await new FakeKube({ tickMs: 0 }).start();
		fake.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
		for (const name of PODS) {
			fake.seed({
				apiVersion: 'v1',
				kind: 'Pod',
				metadata: {
					name,
					namespace: 'shop',
					labels: { app: 'checkout', 'pod-template-hash': '7d4b9c8f6' },
					ownerReferences: [
						{
							apiVersion: 'apps/v1',
							kind: 'ReplicaSet',
							name: 'checkout-7d4b9c8f6',
							uid: 'rs-checkout',
							controller: true,
						},
					],
				},
				spec: { containers: [{ name: 'app', image: 'shop/checkout:1' }] },
			});
		}
		n8n = await startN8n({
			credentials: [
				{
					id: 'aiopsKubernetes01',
					name: 'Kubernetes',
					type: 'aiopsKubernetesApi',
					data: { authentication: 'kubeconfig', kubeconfig: fake.kubeconfig() },
				},
				{
					id: 'redisCredential1',
					name: 'Redis (test)',
					type: 'aiopsRedisApi',
					data: { host: '127.0.0.1', port: 6379, database: 0 },
				},
			],
			workflows: [testWorkflow(receiver.url)],
			webhooks: ['log-inspection'],
		});
	});

	afterAll(async () => {
		await n8n?.stop();
		await fake?.stop();
		await receiver?.close();
		await deletePrefix(prefix);
	});

	it('notifies once, after the warm-up, when a deploy brings a new error line', async () => {
		// warm-up: three runs of normal traffic from both pods
		for (let r = 0; r < 3; r++) {
			for (const [k, pod] of PODS.entries())
				say(pod, ...normal(r * 10 + k), ...normal(r * 10 + k + 5));
			await run();
		}
		expect(receiver.received).toEqual([]);

		// the deploy: both pods start failing payments; the line has markup in it
		const error = (id: number) =>
			`ERROR payment <client>: upstream connect error & retry for order ${id}`;
		say(PODS[0], ...normal(40), error(1), error(2));
		say(PODS[1], error(3), ...normal(41));
		await run();
		const got = await receiver.waitFor(1);
		expect(got).toHaveLength(1);
		const body = got[0].body as {
			text: string;
			html?: string;
			data: Record<string, unknown>;
		};
		expect(body.data).toMatchObject({
			new: true,
			template: 'ERROR payment <client>: upstream connect error & retry for order <*>',
			count: 3,
			alert_name: 'LogPatternNew',
			namespace: 'shop',
			workload: 'checkout',
			container: 'app',
			// pods are read in name order: checkout-…-b5m7p, whose first error is order 3
			first_line: error(3),
			pods: [PODS[1], PODS[0]],
		});
		expect((body.data.frequency as Record<string, unknown>).count_24h).toBe(1);
		// the sample line goes out as text, never as markup
		expect(body.text).toContain(error(3));
		expect(body.html).toContain('ERROR payment &lt;client&gt;: upstream connect error &amp; retry');

		// the same error later: a known template, nothing new
		say(PODS[0], error(4), ...normal(50));
		await run();
		await new Promise((r) => setTimeout(r, 2000));
		expect(receiver.received).toHaveLength(1);
	});
});
