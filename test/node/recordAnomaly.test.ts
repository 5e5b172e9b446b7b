import fsPromises from 'node:fs/promises';
import { join } from 'node:path';
import type { INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { deriveAlertFields } from '../../lib/alerts';
import { builtStore, callWebhook, loadNode, runNode } from '../harness/nodeHarness';
import { deliveries } from '../support/deliveries';
import {
	deletePrefix,
	dropSchema,
	postgresCredential,
	redisCredential,
	testPrefix,
	testSchema,
	tmpFolder,
} from '../support/stores';
import { closedPort } from '../support/net';

const { closeEmbeddedStores, closePostgresPools, closeRedisClients, openEmbeddedFolders } =
	builtStore();

const node = loadNode('RecordAnomaly');
const trigger = loadNode('AlertmanagerTrigger');
const folder = tmpFolder('aiops-node');
const prefix = testPrefix();
const schema = testSchema();

/** What the trigger emits for each recorded delivery. */
async function triggerItems(): Promise<INodeExecutionData[][]> {
	const out: INodeExecutionData[][] = [];
	for (const d of deliveries) {
		const result = await callWebhook(
			trigger,
			{ body: d.body, headers: d.headers },
			{
				credentials: { alertmanagerReceiverApi: { authType: 'bearer', token: 'dev-token-123' } },
			},
		);
		out.push(result.workflowData![0]);
	}
	return out;
}

// Open the embedded store once, through the bundle (initdb takes seconds, more on a busy machine).
beforeAll(async () => {
	await runNode(node, {
		parameters: {
			store: 'embedded',
			resource: 'anomaly',
			operation: 'getFrequency',
			options: { embeddedFolder: folder.path },
		},
		items: [{ json: { anomaly_key: 'warm-up' } }],
	});
}, 180_000);

afterAll(async () => {
	await Promise.all([closeEmbeddedStores(), closeRedisClients(), closePostgresPools()]);
	await deletePrefix(prefix);
	await dropSchema(schema);
	folder.remove();
});

const stores = [
	['Embedded', { store: 'embedded', options: { embeddedFolder: folder.path } }, {}],
	['Redis', { store: 'redis', options: { keyPrefix: prefix } }, redisCredential()],
	['Postgres', { store: 'postgres', options: { schema } }, postgresCredential()],
] as const;

describe.each(stores)('Record Anomaly (built node) on %s', (_name, storeParams, credentials) => {
	const run = (parameters: Record<string, unknown>, items: INodeExecutionData[], extra = {}) =>
		runNode(node, {
			parameters: {
				...storeParams,
				...parameters,
				options: { ...storeParams.options, ...(parameters.options as object) },
			},
			items,
			credentials: credentials as never,
			...extra,
		});

	it('counts the recorded deliveries as 2 occurrences of the crash-looping key, and passes resolved alerts through', async () => {
		const batches = await triggerItems();
		let last: INodeExecutionData[] = [];
		const resolvedSeen: INodeExecutionData[] = [];
		for (const items of batches) {
			// the clock at the time of the recording (the deliveries came within seconds)
			const [out] = await run(
				{
					resource: 'anomaly',
					operation: 'recordOccurrence',
					options: { referenceTime: '2026-11-22T15:30:00Z' },
				},
				items,
			);
			expect(out).toHaveLength(items.length);
			out.forEach((o, i) => expect(o.pairedItem).toEqual({ item: i }));
			for (const o of out) if (o.json.status === 'resolved') resolvedSeen.push(o);
			if ((items[0].json.labels as Record<string, string>).alertname === 'KubePodNotReady')
				last = out;
		}
		const checkout = last[0].json.frequency as Record<string, unknown>;
		expect(checkout.count_24h).toBe(2);
		expect(checkout.count_30d).toBe(2);
		expect(last.every((o) => o.json.duplicate === true)).toBe(true);
		// resolved items come out exactly as they went in
		expect(resolvedSeen).toHaveLength(1);
		expect(resolvedSeen[0].json.frequency).toBeUndefined();
		expect(resolvedSeen[0].json.duplicate).toBeUndefined();
	});

	it('gives a raw alert built in a workflow the fields the trigger would have given it', async () => {
		const labels = {
			alertname: 'HealthCheckFailed',
			namespace: 'shop',
			service: 'payments',
			pod: 'payments-7d9f8b6c5d-x2x7q',
			reason: 'bad_status',
		};
		const startsAt = '2026-11-22T16:10:00.000Z';
		const raw = { status: 'firing', labels, startsAt, workload: 'kept as given' };
		const [out] = await run({ resource: 'anomaly', operation: 'recordOccurrence' }, [
			{ json: raw },
			{ json: { ...raw, status: 'resolved' } },
		]);
		// the same derivation as the Alertmanager Trigger's
		const fromTrigger = deriveAlertFields(labels, startsAt);
		expect(out[0].json).toMatchObject({
			...raw,
			anomaly_key: fromTrigger.anomaly_key,
			occurrence_id: fromTrigger.occurrence_id,
			alert_fingerprint: fromTrigger.alert_fingerprint,
			signature: {
				alert_name: 'HealthCheckFailed',
				namespace: 'shop',
				workload: 'payments',
				container: '',
				error_type: 'bad_status',
			},
			duplicate: false,
		});
		expect((out[0].json.frequency as { anomaly_key: string }).anomaly_key).toBe(
			fromTrigger.anomaly_key,
		);
		expect(out[1].json).toMatchObject({ status: 'resolved', anomaly_key: fromTrigger.anomaly_key });
		expect(out[1].json.frequency).toBeUndefined();
	});

	it('fails an item without anomaly_key naming the field and the item, after recording the others', async () => {
		// the node's own clock (no Reference Time): a startsAt from the run's clock, never expired
		const now = new Date().toISOString();
		const items = [
			{ json: { anomaly_key: 'node-bad-1', occurrence_id: 'x1', startsAt: now } },
			{ json: { startsAt: now } },
			{ json: { anomaly_key: 'node-bad-1', occurrence_id: 'x2' } },
		];
		const error = await run({ resource: 'anomaly', operation: 'recordOccurrence' }, items).catch(
			(e) => e,
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe(
			'Item 1 has no anomaly_key (expected an Alertmanager Trigger item, or an item with anomaly_key and startsAt)',
		);
		expect(error.context.itemIndex).toBe(1);
		// the valid item was recorded before the node failed: running it again is a duplicate
		const [again] = await run({ resource: 'anomaly', operation: 'recordOccurrence' }, items, {
			continueOnFail: true,
		});
		expect(again[0].json.duplicate).toBe(true);
		expect(again[1].json).toEqual({ error: error.message, field: 'anomaly_key' });
		expect(again[2].json).toEqual({ error: 'Item 2 has no startsAt', field: 'startsAt' });
		expect(again.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});

	it('records repair outcomes, reports stats per action and gates a failing action', async () => {
		const key = `node-repair-${_name}`;
		const outcomes = [false, false, true, false, false, false].map((success, i) => ({
			json: { anomaly_key: key, action: 'restart', success, run: i },
		}));
		const [recorded] = await run(
			{
				resource: 'repair',
				operation: 'recordOutcome',
				success: '={{ $json.success }}',
				outcomeId: '={{ "run-" + $json.run }}',
			},
			outcomes,
		);
		expect(
			recorded.map((o) => (o.json.repair_outcome as Record<string, unknown>).recorded),
		).toEqual(Array(6).fill(true));
		expect(recorded[0].json.run).toBe(0);
		// a retried execution with the same outcome ids changes nothing
		const [retried] = await run(
			{
				resource: 'repair',
				operation: 'recordOutcome',
				success: '={{ $json.success }}',
				outcomeId: '={{ "run-" + $json.run }}',
			},
			outcomes.slice(0, 2),
		);
		expect(
			retried.map((o) => (o.json.repair_outcome as Record<string, unknown>).duplicate),
		).toEqual([true, true]);

		const [stats] = await run({ resource: 'repair', operation: 'getStats' }, [
			{ json: { anomaly_key: key } },
		]);
		expect(
			(stats[0].json.repair_stats as { actions: Record<string, unknown> }).actions.restart,
		).toMatchObject({
			total: 6,
			successes: 1,
			failures: 5,
		});
		const [check] = await run({ resource: 'repair', operation: 'checkAction' }, [
			{ json: { anomaly_key: key, action: 'restart' } },
			{ json: { anomaly_key: key, action: 'rollback' } },
		]);
		expect(check[0].json.action_check).toMatchObject({
			skip: true,
			reason: 'restart succeeded 1 of 6 times (16.7%) for this signature, below 20%',
		});
		expect(check[1].json.action_check).toMatchObject({ skip: false, attempts: 0 });

		const [freq] = await run({ resource: 'anomaly', operation: 'getFrequency' }, [
			{ json: { anomaly_key: key } },
		]);
		expect(freq[0].json.frequency).toMatchObject({
			repair_count: 6,
			restart_count: 6,
			count_24h: 0,
		});
	});

	it('marks a permanent fix, after which a new occurrence says it recurred', async () => {
		const key = `node-fix-${_name}`;
		const [marked] = await run(
			{
				resource: 'anomaly',
				operation: 'markPermanentFix',
				fixDescription: 'fixed the leak',
				options: { referenceTime: '2026-11-22T10:00:00Z' },
			},
			[{ json: { anomaly_key: key } }],
		);
		expect(marked[0].json.permanent_fix).toEqual({
			anomaly_key: key,
			description: 'fixed the leak',
			marked_at: '2026-11-22T10:00:00.000Z',
		});
		const [out] = await run(
			{
				resource: 'anomaly',
				operation: 'recordOccurrence',
				options: { referenceTime: '2026-11-22T12:00:00Z' },
			},
			[{ json: { anomaly_key: key, occurrence_id: 'after', startsAt: '2026-11-22T11:00:00Z' } }],
		);
		expect(out[0].json.frequency).toMatchObject({
			permanent_fix_applied: true,
			recurred_after_fix: true,
			count_1h: 1,
		});
	});
});

describe('Record Anomaly (built node): store failures', () => {
	it('fails with a NodeApiError naming Redis and its address, or degrades when asked', async () => {
		const port = await closedPort();
		const credentials = { aiopsRedisApi: { host: '127.0.0.1', port, database: 0 } };
		const items = [
			{ json: { anomaly_key: 'k', occurrence_id: 'a', startsAt: '2026-11-22T15:00:00Z' } },
			{ json: { status: 'resolved', anomaly_key: 'k' } },
		];
		const error = await runNode(node, {
			parameters: { store: 'redis', resource: 'anomaly', operation: 'recordOccurrence' },
			items,
			credentials,
		}).catch((e) => e);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(new RegExp(`^Redis at 127\\.0\\.0\\.1:${port} is unreachable`));
		expect(error.context.itemIndex).toBe(0);

		const [out] = await runNode(node, {
			parameters: {
				store: 'redis',
				resource: 'anomaly',
				operation: 'recordOccurrence',
				options: { onStoreError: 'degrade' },
			},
			items,
			credentials,
		});
		expect(out[0].json).toMatchObject({ anomaly_key: 'k', degraded: true });
		expect(out[0].json.degraded_reason).toMatch(`Redis at 127.0.0.1:${port}`);
		expect(out[0].json.frequency).toBeUndefined();
		expect(out[1].json).toEqual(items[1].json);
	});

	it('refuses the embedded store in queue mode with a clear error', async () => {
		const previous = process.env.EXECUTIONS_MODE;
		process.env.EXECUTIONS_MODE = 'queue';
		try {
			const error = await runNode(node, {
				parameters: {
					store: 'embedded',
					resource: 'anomaly',
					operation: 'getFrequency',
					options: { embeddedFolder: folder.path },
				},
				items: [{ json: { anomaly_key: 'k' } }],
			}).catch((e) => e);
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.message).toMatch(
				/^The embedded store serves one n8n process; choose Redis or Postgres \(n8n runs in queue mode here: EXECUTIONS_MODE=queue\)/,
			);
		} finally {
			if (previous === undefined) delete process.env.EXECUTIONS_MODE;
			else process.env.EXECUTIONS_MODE = previous;
		}
	});

	it('runs the embedded store from the bundle with PGlite files loaded from dist/pglite', async () => {
		const other = tmpFolder('aiops-assets');
		const reads = vi.spyOn(fsPromises, 'readFile');
		try {
			const [out] = await runNode(node, {
				parameters: {
					store: 'embedded',
					resource: 'anomaly',
					operation: 'getFrequency',
					options: { embeddedFolder: other.path },
				},
				items: [{ json: { anomaly_key: 'k' } }],
			});
			expect(out[0].json.frequency).toMatchObject({ anomaly_key: 'k', count_30d: 0 });
			const files = reads.mock.calls.map(([path]) => String(path));
			for (const f of ['pglite.wasm', 'pglite.data', 'initdb.wasm']) {
				expect(files).toContain(join(__dirname, '../../dist/pglite', f));
			}
			// one PGlite per folder for the whole process, opened by the one built lib/
			expect(openEmbeddedFolders()).toEqual(expect.arrayContaining([folder.path, other.path]));
		} finally {
			reads.mockRestore();
			await closeEmbeddedStores();
			other.remove();
		}
	}, 180_000);

	it('tests its credentials', async () => {
		const tests = node.methods!.credentialTest!;
		const ok = await tests.aiopsRedisConnectionTest.call(
			{} as never,
			{ data: redisCredential().aiopsRedisApi } as never,
		);
		// the test does what the nodes do there: a script that writes under the key prefix
		expect(ok).toEqual({
			status: 'OK',
			message: expect.stringMatching(/^Connected to .*; scripts and writes under "aiops:" work$/),
		});
		const port = await closedPort();
		const bad = await tests.aiopsPostgresConnectionTest.call(
			{} as never,
			{
				data: { ...postgresCredential().aiopsPostgresApi, port },
			} as never,
		);
		expect(bad.status).toBe('Error');
		expect(bad.message).toMatch(`Postgres at 127.0.0.1:${port}/test is unreachable`);
		const pg = await tests.aiopsPostgresConnectionTest.call(
			{} as never,
			{ data: postgresCredential().aiopsPostgresApi } as never,
		);
		expect(pg.status).toBe('OK');
	});
});
