import type { INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { Client } from 'pg';

import { builtStore, callWebhook, loadNode, runNode } from '../harness/nodeHarness';
import { deliveries } from '../support/deliveries';
import { closedPort } from '../support/net';
import {
	DATABASE_URL,
	dropSchema,
	postgresCredential,
	testSchema,
	tmpFolder,
} from '../support/stores';

const trigger = loadNode('AlertmanagerTrigger');
const recordAnomaly = loadNode('RecordAnomaly');
const aggregate = loadNode('AggregateIncident');
const folder = tmpFolder('aiops-incident-node');
const schema = testSchema();
const CLOCK = '2026-11-22T15:30:00Z';

// Open the embedded store once, through the bundle (initdb takes seconds, more on a busy machine).
beforeAll(async () => {
	await runNode(aggregate, {
		parameters: { store: 'embedded', operation: 'list', options: { embeddedFolder: folder.path } },
		items: [{ json: {} }],
	});
}, 180_000);

afterAll(async () => {
	await Promise.all([builtStore().closeEmbeddedStores(), builtStore().closePostgresPools()]);
	await dropSchema(schema);
	folder.remove();
});

const stores = [
	[
		'Embedded',
		{ store: 'embedded', options: { embeddedFolder: folder.path, referenceTime: CLOCK } },
		{},
	],
	[
		'Postgres',
		{ store: 'postgres', options: { schema, referenceTime: CLOCK } },
		postgresCredential(),
	],
] as const;

describe.each(stores)('Aggregate Incident (built node) on %s', (name, storeParams, credentials) => {
	const run = (
		node: typeof aggregate,
		parameters: Record<string, unknown>,
		items: INodeExecutionData[],
		extra = {},
	) =>
		runNode(node, {
			parameters: { ...storeParams, ...parameters },
			items,
			credentials: credentials as never,
			...extra,
		});

	it('Trigger → Record Anomaly → Aggregate Incident: one incident per signature, item for item', async () => {
		const opened: INodeExecutionData[] = [];
		for (const d of deliveries) {
			const hook = await callWebhook(
				trigger,
				{ body: d.body, headers: d.headers },
				{
					credentials: { alertmanagerReceiverApi: { authType: 'bearer', token: 'dev-token-123' } },
				},
			);
			const [recorded] = await run(
				recordAnomaly,
				{ resource: 'anomaly', operation: 'recordOccurrence' },
				hook.workflowData![0],
			);
			const [out] = await run(aggregate, { operation: 'openOrJoin' }, recorded);
			expect(out).toHaveLength(recorded.length);
			out.forEach((o, i) => {
				expect(o.pairedItem).toEqual({ item: i });
				expect((o.json.incident as { anomaly_key: string }).anomaly_key).toBe(
					recorded[i].json.anomaly_key,
				);
			});
			opened.push(...out);
		}
		const firing = opened.filter((o) => o.json.status === 'firing');
		expect(firing.filter((o) => o.json.is_new === true)).toHaveLength(3);
		const checkout = firing.filter((o) =>
			(o.json.labels as Record<string, string>).pod?.startsWith('checkout'),
		);
		const ids = new Set(checkout.map((o) => (o.json.incident as { id: string }).id));
		expect(ids.size).toBe(1);
		const last = checkout[checkout.length - 1].json.incident as Record<string, unknown>;
		expect(last).toMatchObject({
			status: 'open',
			aggregated_count: 2,
			alerts_total: 2,
			title: 'KubePodNotReady in payments',
			severity: 'critical',
			recommended_tier: 1,
		});
		expect((last.frequency as Record<string, unknown>).count_24h).toBe(2);
		// the resolved delivery resolved the OOMKilled incident
		const resolved = opened.find((o) => o.json.status === 'resolved')!;
		expect(resolved.json).toMatchObject({ resolved_now: true, alert_found: true });
		expect(resolved.json.incident).toMatchObject({ status: 'resolved', alerts_firing: 0 });

		const [listed] = await run(aggregate, { operation: 'list', status: 'open' }, [{ json: {} }]);
		expect(listed.map((o) => o.json.title).sort()).toEqual([
			'KubePodNotReady in payments',
			'billing 5xx > 5% <script>alert(1)</script> *bold* _x_ [l](http://e)',
		]);
		expect(listed.every((o) => o.pairedItem && (o.pairedItem as { item: number }).item === 0)).toBe(
			true,
		);

		if (name === 'Postgres') {
			// read back straight from Postgres
			const client = new Client({ connectionString: DATABASE_URL });
			await client.connect();
			try {
				const { rows } = await client.query(
					`select status, aggregated_count from "${schema}".incidents order by aggregated_count, status`,
				);
				expect(rows.map((r) => [r.status, r.aggregated_count])).toEqual([
					['resolved', 1],
					['open', 2],
					['open', 3],
				]);
			} finally {
				await client.end();
			}
		}
	});

	it('acknowledges, gets and records repair results by incident id; unknown or bad ids fail their item only', async () => {
		const [listed] = await run(aggregate, { operation: 'list', status: 'open', limit: 1 }, [
			{ json: {} },
		]);
		const id = listed[0].json.id as string;
		const [acked] = await run(
			aggregate,
			{ operation: 'acknowledge', acknowledgedBy: 'alice' },
			[
				{ json: { incident: { id } } },
				{ json: { incident: { id: '00000000-0000-4000-8000-000000000000' } } },
				{ json: { incident: { id: 'nope' } } },
			],
			{ continueOnFail: true },
		);
		expect(acked[0].json).toMatchObject({
			changed: true,
			incident: { status: 'acknowledged', acknowledged_by: 'alice' },
		});
		expect(acked[1].json).toEqual({
			error: 'No incident with id 00000000-0000-4000-8000-000000000000',
			field: 'incidentId',
		});
		expect(acked[2].json.field).toBe('incidentId');

		const [repairs] = await run(
			aggregate,
			{
				operation: 'recordRepairResult',
				success: '={{ $json.ok }}',
				outcomeId: '={{ $json.run }}',
			},
			[
				{ json: { incident: { id }, action: 'restart', ok: false, run: 'r1' } },
				{ json: { incident: { id }, action: 'restart', ok: true, run: 'r2' } },
				{ json: { incident: { id }, action: 'restart', ok: true, run: 'r2' } },
			],
		);
		expect(repairs.map((o) => o.json.repair_recorded)).toEqual([true, true, false]);
		expect(repairs[2].json.incident).toMatchObject({
			recommended_tier: 2,
			repair_stats: {
				total: 2,
				successes: 1,
				restarts: 2,
				last_action: 'restart',
				last_success: true,
			},
		});
		const [got] = await run(aggregate, { operation: 'get' }, [{ json: { incident: { id } } }]);
		expect(
			(got[0].json.incident as { repair_stats: { attempts: unknown[] } }).repair_stats.attempts,
		).toHaveLength(2);
	});

	it('fails an item without startsAt naming the field and the item; the others are still aggregated', async () => {
		const items = [
			{
				json: { anomaly_key: `bad-${name}`, occurrence_id: 'o1', startsAt: '2026-11-22T15:29:00Z' },
			},
			{ json: { anomaly_key: `bad-${name}`, occurrence_id: 'o2' } },
			{ json: { hello: 'world' } },
		];
		const error = await run(aggregate, { operation: 'openOrJoin' }, items).catch((e) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('Item 1 has no startsAt');
		expect(error.context.itemIndex).toBe(1);
		const [out] = await run(aggregate, { operation: 'openOrJoin' }, items, {
			continueOnFail: true,
		});
		expect(out[0].json).toMatchObject({ duplicate: true, incident: { aggregated_count: 1 } });
		expect(out[1].json).toEqual({ error: 'Item 1 has no startsAt', field: 'startsAt' });
		expect(out[2].json.field).toBe('anomaly_key');
	});

	it('opens at the Minimum Tier; escalation still raises the tier above it', async () => {
		const item = (alertname: string, occurrence: string, frequency?: object) => ({
			json: {
				status: 'firing',
				labels: { alertname, namespace: 'shop', deployment: 'cart' },
				startsAt: '2026-11-22T15:00:00Z',
				occurrence_id: occurrence,
				...(frequency ? { frequency } : {}),
			},
		});
		const [out] = await run(aggregate, { operation: 'openOrJoin', minimumTier: 2 }, [
			item(`PredictedBreach${name}`, 'p1'),
			item(`Crash${name}`, 'c1', { escalation_level: 'PERMANENT_FIX' }),
		]);
		expect(
			out.map((o) => (o.json.incident as { recommended_tier: number }).recommended_tier),
		).toEqual([2, 3]);
		expect(out[0].json.is_new).toBe(true);
		// raw alerts without a signature get the one the trigger would have computed
		expect((out[0].json.incident as { signature: object }).signature).toEqual({
			alert_name: `PredictedBreach${name}`,
			namespace: 'shop',
			workload: 'cart',
			container: '',
			error_type: '',
		});
		// the default keeps the tier escalation gives
		const [plain] = await run(aggregate, { operation: 'openOrJoin' }, [item(`Plain${name}`, 'q1')]);
		expect((plain[0].json.incident as { recommended_tier: number }).recommended_tier).toBe(1);
		const error = await run(aggregate, { operation: 'openOrJoin', minimumTier: 5 }, [
			item(`Bad${name}`, 'b1'),
		]).catch((e) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('minimum tier must be 1, 2, 3 or 4, got 5');
	});

	it('resolves stale incidents once per execution, one item per incident', async () => {
		const [out] = await run(
			aggregate,
			{
				operation: 'resolveStale',
				quietMinutes: 60,
				options: { ...storeParams.options, referenceTime: '2026-11-23T15:30:00Z' },
			},
			[{ json: {} }, { json: {} }],
		);
		expect(out.length).toBeGreaterThanOrEqual(3);
		for (const o of out) {
			expect(o.json).toMatchObject({
				status: 'resolved',
				resolution_reason: 'stale: no alert for more than 60 minutes',
			});
			expect(o.pairedItem).toEqual({ item: 0 });
		}
		const [again] = await run(
			aggregate,
			{
				operation: 'resolveStale',
				quietMinutes: 60,
				options: { ...storeParams.options, referenceTime: '2026-11-23T15:30:00Z' },
			},
			[{ json: {} }],
		);
		expect(again).toEqual([]);
	});
});

describe('Aggregate Incident (built node): stores', () => {
	it('shares one PGlite per folder with Record Anomaly (two bundles, one process)', () => {
		const folders = builtStore()
			.openEmbeddedFolders()
			.filter((k) => k === folder.path);
		expect(folders).toEqual([folder.path]);
	});

	it('fails with a NodeApiError naming Postgres and its address when it is down', async () => {
		const port = await closedPort();
		const error = await runNode(aggregate, {
			parameters: { store: 'postgres', operation: 'openOrJoin' },
			items: [{ json: { anomaly_key: 'k', occurrence_id: 'o', startsAt: CLOCK } }],
			credentials: { aiopsPostgresApi: { ...postgresCredential().aiopsPostgresApi, port } },
		}).catch((e) => e);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(`Postgres at 127.0.0.1:${port}/test is unreachable`);
	});
});
