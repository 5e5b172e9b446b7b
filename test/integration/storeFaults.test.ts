// The store connection cut mid-batch (a TCP proxy the test controls): the items whose answer was
// lost fail clearly, and retrying the same items gives exact counts — nothing lost, nothing
// doubled, because recording an occurrence is idempotent.
import {
	DEFAULT_THRESHOLDS,
	RedisAnomalyStore,
	SqlAnomalyStore,
	getFrequencies,
	recordOccurrences,
	type AnomalyStore,
	type OccurrenceOutcome,
} from '../../lib/anomaly';
import { StoreUnavailableError } from '../../lib/errors';
import { SqlIncidentStore, openOrJoinItems } from '../../lib/incidents';
import { closePostgresPools, closeRedisClients, postgresStore } from '../../lib/store';
import {
	deletePrefix,
	dropSchema,
	postgresConnection,
	redisConnection,
	testPrefix,
	testSchema,
} from '../support/stores';
import { TcpProxy, type CutPlan } from '../support/tcpProxy';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const KEYS = 1000;
/** One occurrence for each of 1000 keys: a pipeline (Redis) or statement (SQL) of 1000 parts. */
const items = Array.from({ length: KEYS }, (_, i) => ({
	anomaly_key: `key-${i}`,
	occurrence_id: `occ-${i}`,
	startsAt: new Date(NOW - 1000).toISOString(),
}));
const record = (store: AnomalyStore) =>
	recordOccurrences(store, items, { now: NOW, retentionDays: 30, thresholds: DEFAULT_THRESHOLDS });

async function expectExactCounts(store: AnomalyStore): Promise<void> {
	const freq = await getFrequencies(
		store,
		items.map((i) => i.anomaly_key),
		{ now: NOW, thresholds: DEFAULT_THRESHOLDS },
	);
	expect(freq.map((f) => ('ok' in f ? f.ok.count_30d : f.error.message))).toEqual(
		Array(KEYS).fill(1),
	);
}

function split(outcomes: OccurrenceOutcome[]) {
	const ok = outcomes.flatMap((o, i) => ('ok' in o ? [i] : []));
	const failed = outcomes.flatMap((o, i) => ('error' in o ? [{ i, error: o.error }] : []));
	return { ok, failed };
}

let proxy: TcpProxy;
afterEach(async () => {
	await proxy?.close();
	await Promise.all([closeRedisClients(), closePostgresPools()]);
});

describe('Redis connection cut mid-batch', () => {
	let prefix: string;
	beforeEach(async () => {
		prefix = testPrefix();
		const target = redisConnection();
		proxy = await TcpProxy.start(target.host, target.port);
	});
	afterEach(() => deletePrefix(prefix));

	it.each<[string, CutPlan]>([
		['while the batch is being sent', { afterClientBytes: 60_000 }],
		['while the answers come back', { afterServerBytes: 15_000 }],
	])(
		'%s: the cut items fail naming Redis; a retry records each exactly once',
		async (_when, plan) => {
			const store = new RedisAnomalyStore(
				{ ...redisConnection(), host: '127.0.0.1', port: proxy.port },
				{ prefix },
			);
			await recordOccurrences(
				store,
				[{ anomaly_key: 'warm-up', occurrence_id: 'w', startsAt: items[0].startsAt }],
				{
					now: NOW,
					retentionDays: 30,
					thresholds: DEFAULT_THRESHOLDS,
				},
			);
			proxy.cutWhen(plan);
			const first = split(await record(store));
			expect(proxy.cuts).toBeGreaterThan(0);
			expect(first.failed.length).toBeGreaterThan(0);
			if (plan.afterServerBytes) expect(first.ok.length).toBeGreaterThan(0);
			for (const { error } of first.failed) {
				expect(error).toBeInstanceOf(StoreUnavailableError);
				expect(error.message).toMatch(
					new RegExp(`^Redis at 127\\.0\\.0\\.1:${proxy.port} is unreachable`),
				);
			}

			const retry = await record(store);
			expect(split(retry).failed).toEqual([]);
			// what was recorded before is a duplicate now; what never arrived is new
			for (const i of first.ok) expect(retry[i]).toMatchObject({ ok: { duplicate: true } });
			const fresh = retry.filter((o) => 'ok' in o && !o.ok.duplicate).length;
			if (plan.afterServerBytes) {
				// Redis had executed failed items whose answer was lost: the retry finds them recorded
				expect(fresh).toBeLessThan(first.failed.length);
			} else {
				// most of the batch never reached Redis: the retry records it
				expect(fresh).toBeGreaterThan(0);
			}
			await expectExactCounts(store);
		},
	);
});

describe('Postgres connection cut mid-statement', () => {
	let schema: string;
	beforeEach(async () => {
		schema = testSchema();
		const target = postgresConnection();
		proxy = await TcpProxy.start(target.host, target.port);
	});
	afterEach(() => dropSchema(schema));

	it.each([
		['while the statement is being sent', false],
		['after Postgres committed it, before the whole answer arrived', true],
	])(
		'%s: the batch fails naming Postgres; a retry records each exactly once',
		async (_when, committed) => {
			const sql = postgresStore({ ...postgresConnection(), port: proxy.port, maxConnections: 1 });
			const store = new SqlAnomalyStore(sql, { schema });
			// warm up (schema migrated, connection open) with a batch of the same shape, to learn the
			// size of the answer: Postgres commits before it sends the end of it
			const twin = items.map((i) => ({ ...i, anomaly_key: i.anomaly_key.replace('key', 'kex') }));
			await recordOccurrences(store, [{ ...twin[0], anomaly_key: 'warm-up' }], {
				now: NOW,
				retentionDays: 30,
				thresholds: DEFAULT_THRESHOLDS,
			});
			proxy.cutWhen({});
			await recordOccurrences(store, twin, {
				now: NOW,
				retentionDays: 30,
				thresholds: DEFAULT_THRESHOLDS,
			});
			const answer = proxy.bytes.toClient;
			proxy.cutWhen(committed ? { afterServerBytes: answer - 3 } : { afterClientBytes: 20_000 });
			const first = split(await record(store));
			expect(first.ok).toEqual([]);
			expect(first.failed).toHaveLength(KEYS);
			expect(first.failed[0].error).toBeInstanceOf(StoreUnavailableError);
			expect(first.failed[0].error.message).toMatch(
				new RegExp(`^Postgres at 127\\.0\\.0\\.1:${proxy.port}/test`),
			);

			const retry = await record(store);
			expect(split(retry).failed).toEqual([]);
			const duplicates = retry.filter((o) => 'ok' in o && o.ok.duplicate).length;
			// cut before Postgres had the whole statement: nothing was recorded; cut after it committed: all was
			expect(duplicates).toBe(committed ? KEYS : 0);
			await expectExactCounts(store);
		},
	);

	it('Open or Join cut mid-statement: the retry joins each occurrence once and keeps one open incident', async () => {
		const store = new SqlIncidentStore(
			postgresStore({ ...postgresConnection(), port: proxy.port, maxConnections: 1 }),
			{
				schema,
			},
		);
		const alerts = Array.from({ length: 50 }, (_, i) => ({
			anomaly_key: 'one',
			occurrence_id: `o${i}`,
			startsAt: new Date(NOW).toISOString(),
		}));
		await openOrJoinItems(store, alerts.slice(0, 1), {
			now: NOW,
			windowMinutes: 10,
			resolvedItems: 'resolve',
		});
		proxy.cutWhen({ afterClientBytes: 2_000 });
		const first = await openOrJoinItems(store, alerts, {
			now: NOW,
			windowMinutes: 10,
			resolvedItems: 'resolve',
		});
		expect(first.every((o) => 'error' in o && o.error instanceof StoreUnavailableError)).toBe(true);
		const retry = await openOrJoinItems(store, alerts, {
			now: NOW,
			windowMinutes: 10,
			resolvedItems: 'resolve',
		});
		const incidents = new Set(
			retry.map((o) => ('ok' in o && o.ok.kind === 'firing' ? o.ok.incident.id : 'error')),
		);
		expect(incidents.size).toBe(1);
		expect(
			retry.filter((o) => 'ok' in o && o.ok.kind === 'firing' && o.ok.aggregated),
		).toHaveLength(49);
		const open = await store.list({ status: 'open', limit: 10 });
		expect(open.map((i) => i.aggregated_count)).toEqual([50]);
	});
});
