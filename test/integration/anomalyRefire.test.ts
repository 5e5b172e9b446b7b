// Ineffective counts as failure: a new occurrence of the same signature within the verification
// window after a successful repair turns that outcome into a failure ("re-fired"), on every store.
import {
	checkActions,
	getRepairStats,
	RedisAnomalyStore,
	recordOccurrences,
	recordRepairOutcomes,
	SqlAnomalyStore,
	type AnomalyStore,
	type OutcomeHistory,
} from '../../lib/anomaly';
import {
	closeEmbeddedStores,
	closePostgresPools,
	closeRedisClients,
	embeddedStore,
	postgresStore,
} from '../../lib/store';
import {
	deletePrefix,
	dropSchema,
	postgresConnection,
	redisConnection,
	testPrefix,
	testSchema,
	tmpFolder,
} from '../support/stores';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
const thresholds = { repeat: 3, escalate: 5, permanentFix: 10 };
const KEY = 'a1b2c3d4e5f60718';
let folder: ReturnType<typeof tmpFolder>;

const occurrence = (id: string, at: number) => ({
	anomaly_key: KEY,
	occurrence_id: id,
	startsAt: new Date(at).toISOString(),
	status: 'firing',
});

async function record(
	store: AnomalyStore,
	items: Record<string, unknown>[],
	now: number,
	verifyWindowMinutes?: number,
) {
	const out = await recordOccurrences(store, items, {
		now,
		retentionDays: 30,
		thresholds,
		verifyWindowMinutes,
	});
	return out.map((o) => {
		if (!('ok' in o)) throw 'error' in o ? o.error : new Error('resolved');
		return o.ok;
	});
}

beforeAll(() => {
	folder = tmpFolder('refire');
});
afterAll(async () => {
	await closeRedisClients();
	await closePostgresPools();
	await closeEmbeddedStores();
	folder.remove();
});

describe.each([
	[
		'Redis',
		() => {
			const prefix = testPrefix();
			return {
				store: new RedisAnomalyStore(redisConnection(), { prefix }) as AnomalyStore,
				cleanup: () => deletePrefix(prefix),
			};
		},
	],
	[
		'Postgres',
		() => {
			const schema = testSchema();
			return {
				store: new SqlAnomalyStore(postgresStore(postgresConnection()), { schema }) as AnomalyStore,
				cleanup: () => dropSchema(schema),
			};
		},
	],
	[
		'PGlite',
		() => ({
			store: new SqlAnomalyStore(embeddedStore({ folder: folder.path }), {
				schema: testSchema(),
			}) as AnomalyStore,
			cleanup: async () => undefined,
		}),
	],
])('re-fire on %s', (_name, open) => {
	let store: AnomalyStore;
	let cleanup: () => Promise<void>;
	beforeEach(() => {
		({ store, cleanup } = open());
	});
	afterEach(async () => cleanup());

	it('flips a success followed by a new occurrence within the window, and only that one', async () => {
		await record(store, [occurrence('o1', T0)], T0);
		const details = { before: { memory: '512Mi' }, list: [], n: 1.25, big: 12345678901234567 };
		await recordRepairOutcomes(store, [
			{
				anomaly_key: KEY,
				action: 'restart',
				success: true,
				outcome_id: 'r1',
				at: T0 + 1 * MIN,
				details,
			},
			{ anomaly_key: KEY, action: 'scale', success: false, outcome_id: 'r2', at: T0 + 2 * MIN },
		]);
		// a re-delivery of the first occurrence is no re-fire
		const [dup] = await record(store, [occurrence('o1', T0)], T0 + 5 * MIN);
		expect(dup).toMatchObject({ duplicate: true, refired_outcomes: [] });
		// a new occurrence 20 minutes after the restart: the restart did not work
		const [rec] = await record(store, [occurrence('o2', T0 + 21 * MIN)], T0 + 21 * MIN);
		expect(rec.refired_outcomes).toEqual([
			{
				action: 'restart',
				outcome_id: 'r1',
				at: new Date(T0 + MIN).toISOString(),
				occurrence_id: 'o2',
				refired_at: new Date(T0 + 21 * MIN).toISOString(),
			},
		]);
		const [stats] = await getRepairStats(store, [KEY]);
		if (!('ok' in stats)) throw stats.error;
		expect(stats.ok.successes).toBe(0);
		expect(stats.ok.actions.restart).toMatchObject({ total: 1, successes: 0, failures: 1 });
		// the details keep their exact JSON
		const history = await store.outcomeHistory([KEY]);
		const restart = (history.get(KEY) as OutcomeHistory).outcomes.find(
			(o) => o.action === 'restart',
		)!;
		expect(restart.details).toEqual(details);
		expect(restart.refired_at).toBe(new Date(T0 + 21 * MIN).toISOString());
		// a second re-fire changes nothing more
		const [again] = await record(store, [occurrence('o3', T0 + 25 * MIN)], T0 + 25 * MIN);
		expect(again.refired_outcomes).toEqual([]);
	});

	it('leaves a success alone when the next occurrence comes after the window', async () => {
		await recordRepairOutcomes(store, [
			{ anomaly_key: KEY, action: 'restart', success: true, outcome_id: 'r1', at: T0 },
		]);
		const [late] = await record(store, [occurrence('o1', T0 + 31 * MIN)], T0 + 31 * MIN);
		expect(late.refired_outcomes).toEqual([]);
		// an occurrence that started before the repair finished is not a re-fire either
		const [early] = await record(store, [occurrence('o0', T0 - MIN)], T0 + 32 * MIN);
		expect(early.refired_outcomes).toEqual([]);
		const [stats] = await getRepairStats(store, [KEY]);
		expect('ok' in stats && stats.ok.successes).toBe(1);
	});

	it('honours the window parameter, and 0 turns it off', async () => {
		await recordRepairOutcomes(store, [
			{ anomaly_key: KEY, action: 'restart', success: true, outcome_id: 'r1', at: T0 },
			{ anomaly_key: KEY, action: 'rollback', success: true, outcome_id: 'r2', at: T0 + 30 * MIN },
		]);
		const [off] = await record(store, [occurrence('o1', T0 + 5 * MIN)], T0 + 5 * MIN, 0);
		expect(off.refired_outcomes).toEqual([]);
		// 60 min window: o2 at T0+50 re-fires both
		const [both] = await record(store, [occurrence('o2', T0 + 50 * MIN)], T0 + 50 * MIN, 60);
		expect(both.refired_outcomes.map((o) => o.action).sort()).toEqual(['restart', 'rollback']);
	});

	it('brings the skip gate down: five successes that all re-fired skip the action', async () => {
		const outcomes = [0, 1, 2, 3, 4].map((i) => ({
			anomaly_key: KEY,
			action: 'restart',
			success: true,
			outcome_id: `r${i}`,
			at: T0 + i * 60 * MIN,
		}));
		await recordRepairOutcomes(store, outcomes);
		let [check] = await checkActions(store, [{ anomaly_key: KEY, action: 'restart' }], {
			minSuccessRate: 0.2,
			minAttempts: 5,
		});
		expect('ok' in check && check.ok.skip).toBe(false);
		const refires = outcomes.map((o, i) => occurrence(`o${i}`, o.at + 10 * MIN));
		const recs = await record(store, refires, T0 + 5 * 60 * MIN);
		expect(recs.map((r) => r.refired_outcomes.length)).toEqual([1, 1, 1, 1, 1]);
		[check] = await checkActions(store, [{ anomaly_key: KEY, action: 'restart' }], {
			minSuccessRate: 0.2,
			minAttempts: 5,
		});
		expect('ok' in check && check.ok).toMatchObject({ skip: true, attempts: 5, successes: 0 });
	});
});
