// Real n8n: Alertmanager Trigger → Record Anomaly → Aggregate Incident on Postgres and Redis,
// fed the recorded deliveries (repeats, HA replicas, a truncated group, a resolution), with the
// incidents then read back from Postgres.
import { Client } from 'pg';

import { crashLoopKey, deliveriesRecentTo } from '../support/deliveries';
import { DATABASE_URL, deletePrefix, dropSchema, testPrefix, testSchema } from '../support/stores';
import { startN8n, type N8nInstance } from './support/n8n';
import { startReceiver } from './support/receiver';

const schema = testSchema();
const prefix = testPrefix();

function chainWorkflow(receiverUrl: string) {
	const postgres = { aiopsPostgresApi: { id: 'pgCredential0001', name: 'Postgres (test)' } };
	return {
		id: 'incidentChain01',
		name: 'Alert → frequency → incident',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: 'n1',
				name: 'Alertmanager Trigger',
				type: 'n8n-nodes-aiops.alertmanagerTrigger',
				typeVersion: 1,
				position: [0, 0],
				webhookId: '0b7e1f4a-3c55-4a52-9a0e-2d4c9c1e7a11',
				parameters: { path: 'alertmanager', authentication: 'credential', options: {} },
				credentials: {
					alertmanagerReceiverApi: { id: 'amAuthCred0001', name: 'Alertmanager bearer' },
				},
			},
			{
				id: 'n2',
				name: 'Record Anomaly',
				type: 'n8n-nodes-aiops.recordAnomaly',
				typeVersion: 1,
				position: [250, 0],
				parameters: {
					store: 'redis',
					resource: 'anomaly',
					operation: 'recordOccurrence',
					options: { keyPrefix: prefix },
				},
				credentials: { aiopsRedisApi: { id: 'redisCredential1', name: 'Redis (test)' } },
			},
			{
				id: 'n3',
				name: 'Aggregate Incident',
				type: 'n8n-nodes-aiops.aggregateIncident',
				typeVersion: 1,
				position: [500, 0],
				parameters: { store: 'postgres', operation: 'openOrJoin', options: { schema } },
				credentials: postgres,
			},
			{
				id: 'n4',
				name: 'Report',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [750, 0],
				parameters: {
					method: 'POST',
					url: `${receiverUrl}/incident`,
					sendBody: true,
					specifyBody: 'json',
					jsonBody: '={{ JSON.stringify($json) }}',
					options: {},
				},
			},
		],
		connections: {
			'Alertmanager Trigger': { main: [[{ node: 'Record Anomaly', type: 'main', index: 0 }]] },
			'Record Anomaly': { main: [[{ node: 'Aggregate Incident', type: 'main', index: 0 }]] },
			'Aggregate Incident': { main: [[{ node: 'Report', type: 'main', index: 0 }]] },
		},
	};
}

describe('Trigger → Record Anomaly → Aggregate Incident in real n8n', () => {
	let n8n: N8nInstance;
	let receiver: Awaited<ReturnType<typeof startReceiver>>;

	beforeAll(async () => {
		receiver = await startReceiver();
		const pg = new URL(DATABASE_URL);
		n8n = await startN8n({
			credentials: [
				{
					id: 'amAuthCred0001',
					name: 'Alertmanager bearer',
					type: 'alertmanagerReceiverApi',
					data: { authType: 'bearer', token: 'dev-token-123' },
				},
				{
					id: 'redisCredential1',
					name: 'Redis (test)',
					type: 'aiopsRedisApi',
					data: { host: '127.0.0.1', port: 6379, database: 0 },
				},
				{
					id: 'pgCredential0001',
					name: 'Postgres (test)',
					type: 'aiopsPostgresApi',
					data: {
						host: pg.hostname,
						port: Number(pg.port || 5432),
						database: pg.pathname.slice(1),
						user: pg.username || 'postgres',
						password: pg.password,
						ssl: 'disable',
					},
				},
			],
			workflows: [chainWorkflow(receiver.url)],
			webhooks: ['alertmanager'],
		});
	});

	afterAll(async () => {
		await n8n?.stop();
		await receiver?.close();
		await dropSchema(schema);
		await deletePrefix(prefix);
	});

	it('counts the recorded deliveries exactly and keeps one incident per problem', async () => {
		// The recording moved to a day or two before this run (n8n counts windows from its own
		// clock); every delivery sent twice, as Alertmanager's retries and a second HA peer would.
		const deliveries = deliveriesRecentTo(Date.now());
		const sent = [...deliveries, ...deliveries];
		let expected = 0;
		for (const delivery of sent) {
			const res = await fetch(`${n8n.baseUrl}/webhook/alertmanager`, {
				method: 'POST',
				headers: delivery.headers,
				body: JSON.stringify(delivery.body),
			});
			expect(res.status).toBe(200);
			expected += (delivery.body.alerts as unknown[]).length;
			// one delivery at a time, as one Alertmanager group flushes
			await receiver.waitFor(expected, 120_000);
		}
		const items = receiver.received.map((r) => r.body as Record<string, unknown>);
		const crash = items.filter((i) => i.anomaly_key === crashLoopKey() && i.status === 'firing');
		expect(crash.length).toBeGreaterThan(0);
		// the frequency never counts a re-delivery or a replica (windows run from the alerts'
		// startsAt, a day or two before this run: in the 7-day window, not the 24-hour one)
		const frequencies = crash.map((i) => i.frequency as { count_24h: number; count_7d: number });
		expect(Math.max(...frequencies.map((f) => f.count_7d))).toBe(2);
		expect(Math.max(...frequencies.map((f) => f.count_24h))).toBe(0);
		expect(crash.filter((i) => i.duplicate === false)).toHaveLength(2);
		const newOnes = items.filter((i) => i.is_new === true);
		const firingKeys = new Set(
			items.filter((i) => i.status === 'firing').map((i) => i.anomaly_key),
		);
		expect(newOnes.map((i) => i.anomaly_key).sort()).toEqual([...firingKeys].sort());

		const pg = new Client({ connectionString: DATABASE_URL });
		await pg.connect();
		try {
			const { rows } = await pg.query(
				`select anomaly_key, status, resolution_reason from "${schema}".incidents order by anomaly_key`,
			);
			expect(rows.map((r) => r.anomaly_key).sort()).toEqual([...firingKeys].sort());
			const open = rows.filter((r) => r.status === 'open');
			const resolved = rows.filter((r) => r.status === 'resolved');
			// the OOMKilled alert was resolved by Alertmanager, and never reopened by a re-delivery
			expect(resolved).toHaveLength(1);
			expect(open).toHaveLength(firingKeys.size - 1);
			const ledger = items.find(
				(i) => (i.labels as Record<string, string>).alertname === 'KubeContainerOOMKilled',
			);
			expect(resolved[0].anomaly_key).toBe(ledger!.anomaly_key);
		} finally {
			await pg.end();
		}
	});
});
