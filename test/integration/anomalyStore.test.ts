// The anomaly store behaviour every store must show: one suite, run against real Redis, real
// Postgres and PGlite.
import {
	DAY_MS,
	DEFAULT_THRESHOLDS,
	HOUR_MS,
	checkActions,
	getFrequencies,
	getRepairStats,
	markPermanentFixes,
	recordOccurrences,
	recordRepairOutcomes,
	type AnomalyStore,
	type OccurrenceOutcome,
	type OccurrenceRecord,
} from '../../lib/anomaly';
import { crashLoopKey, deliveryItems } from '../support/deliveries';
import {
	PGLITE_OPEN_TIMEOUT,
	closeStores,
	openAnomalyStore,
	openPglite,
	type StoreKind,
} from '../support/storeCases';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const ok = (o: OccurrenceOutcome): OccurrenceRecord => {
	if (!('ok' in o)) throw new Error(`expected a record, got ${JSON.stringify(o)}`);
	return o.ok;
};
const occurrence = (key: string, id: string, startsAt: number) => ({
	anomaly_key: key,
	occurrence_id: id,
	startsAt: iso(startsAt),
});
const record = (store: AnomalyStore, items: Record<string, unknown>[], now = NOW, extra = {}) =>
	recordOccurrences(store, items, {
		now,
		retentionDays: 30,
		thresholds: DEFAULT_THRESHOLDS,
		...extra,
	});

beforeAll(openPglite, PGLITE_OPEN_TIMEOUT);
afterAll(closeStores);

describe.each<StoreKind>(['Redis', 'Postgres', 'PGlite'])('anomaly store on %s', (kind) => {
	let store: AnomalyStore;
	let cleanup: () => Promise<void>;
	beforeEach(() => {
		({ store, cleanup } = openAnomalyStore(kind));
	});
	afterEach(() => cleanup());

	it('counts occurrences in the 1h/24h/7d/30d windows of the clock, and the windows slide', async () => {
		const ages = [10 * 60_000, 2 * HOUR_MS, 3 * DAY_MS, 20 * DAY_MS, 29 * DAY_MS];
		const out = await record(
			store,
			ages.map((age, i) => occurrence('w', `o${i}`, NOW - age)),
		);
		expect(ok(out[4]).frequency).toMatchObject({
			count_1h: 1,
			count_24h: 2,
			count_7d: 3,
			count_30d: 5,
			first_seen: iso(NOW - 29 * DAY_MS),
			last_seen: iso(NOW - 10 * 60_000),
		});
		const later = async (ms: number) =>
			(await getFrequencies(store, ['w'], { now: NOW + ms, thresholds: DEFAULT_THRESHOLDS }))[0];
		expect(await later(HOUR_MS)).toMatchObject({
			ok: { count_1h: 0, count_24h: 2, count_7d: 3, count_30d: 5 },
		});
		expect(await later(2 * DAY_MS)).toMatchObject({
			ok: { count_24h: 0, count_7d: 3, count_30d: 4 },
		});
		expect(await later(40 * DAY_MS)).toMatchObject({
			ok: { count_30d: 0, last_seen: iso(NOW - 10 * 60_000) },
		});
	});

	it('escalates at REPEAT 3, ESCALATE 5, PERMANENT_FIX 10 in 24h, and reports each crossing on exactly one item', async () => {
		const items = Array.from({ length: 12 }, (_, i) => occurrence('e', `o${i}`, NOW - i * 60_000));
		items.splice(4, 0, items[3]); // a re-delivery in the middle changes nothing
		const out = (await record(store, items)).map(ok);
		expect(out.map((r) => r.frequency.count_24h)).toEqual([
			1, 2, 3, 4, 4, 5, 6, 7, 8, 9, 10, 11, 12,
		]);
		expect(out.map((r) => r.escalation_level)).toEqual([
			null,
			null,
			'REPEAT',
			'REPEAT',
			'REPEAT',
			'ESCALATE',
			'ESCALATE',
			'ESCALATE',
			'ESCALATE',
			'ESCALATE',
			'PERMANENT_FIX',
			'PERMANENT_FIX',
			'PERMANENT_FIX',
		]);
		expect(
			out.flatMap((r, i) =>
				r.escalation_crossed ? [[i, r.previous_escalation_level, r.escalation_level]] : [],
			),
		).toEqual([
			[2, null, 'REPEAT'],
			[5, 'REPEAT', 'ESCALATE'],
			[10, 'ESCALATE', 'PERMANENT_FIX'],
		]);
		expect(out[4].duplicate).toBe(true);
		// thresholds are parameters; an occurrence older than 24h counts in 7d but never escalates
		const custom = await record(
			store,
			[occurrence('c', 'a', NOW), occurrence('c', 'b', NOW - 2 * DAY_MS)],
			NOW,
			{
				thresholds: { repeat: 1, escalate: 2, permanentFix: 3 },
			},
		);
		expect(
			custom.map((o) => [
				ok(o).escalation_level,
				ok(o).escalation_crossed,
				ok(o).frequency.count_7d,
			]),
		).toEqual([
			['REPEAT', true, 1],
			['REPEAT', false, 2],
		]);
	});

	it('gives the recorded deliveries (repeats, HA replicas, a resolved one) 2 occurrences of the crash-looping key', async () => {
		const clock = Date.parse('2026-11-22T15:30:00Z');
		const outcomes: OccurrenceOutcome[] = [];
		for (const items of deliveryItems()) outcomes.push(...(await record(store, items, clock)));
		expect(outcomes.filter((o) => 'resolved' in o)).toHaveLength(1);
		const recorded = outcomes
			.filter((o): o is { ok: OccurrenceRecord } => 'ok' in o)
			.map((o) => o.ok);
		expect(recorded.filter((r) => !r.duplicate)).toHaveLength(6); // 2 crash-looping pods, 1 OOM, 3 latency instances
		const [freq] = await getFrequencies(store, [crashLoopKey()], {
			now: clock,
			thresholds: DEFAULT_THRESHOLDS,
		});
		expect(freq).toMatchObject({
			ok: { count_1h: 2, count_24h: 2, count_30d: 2, escalation_level: null },
		});
		// a second replay of every delivery changes nothing
		for (const items of deliveryItems()) {
			for (const o of await record(store, items, clock))
				if ('ok' in o) expect(o.ok.duplicate).toBe(true);
		}
		const [again] = await getFrequencies(store, [crashLoopKey()], {
			now: clock,
			thresholds: DEFAULT_THRESHOLDS,
		});
		expect(again).toEqual(freq);
	});

	it('records 200 concurrent recordings of 100 occurrences (each twice) exactly once each', async () => {
		const ids = Array.from({ length: 100 }, (_, i) => `o${i}`);
		const calls = [...ids, ...ids]
			.sort(() => Math.random() - 0.5)
			.map((id) => record(store, [occurrence('conc', id, NOW - 1000)]).then(([o]) => ok(o)));
		const results = await Promise.all(calls);
		const fresh = results.filter((r) => !r.duplicate);
		expect(fresh).toHaveLength(100);
		// every new occurrence saw its own count: 1..100, each once
		expect(fresh.map((r) => r.frequency.count_24h).sort((a, b) => a - b)).toEqual(
			ids.map((_, i) => i + 1),
		);
		expect(
			results
				.filter((r) => r.escalation_crossed)
				.map((r) => r.escalation_level)
				.sort(),
		).toEqual(['ESCALATE', 'PERMANENT_FIX', 'REPEAT']);
		const [freq] = await getFrequencies(store, ['conc'], {
			now: NOW,
			thresholds: DEFAULT_THRESHOLDS,
		});
		expect(freq).toMatchObject({ ok: { count_24h: 100, count_30d: 100 } });
	});

	it('prunes occurrences older than the retention and does not count expired ones', async () => {
		await record(store, [occurrence('r', 'old', NOW - 20 * DAY_MS), occurrence('r', 'new', NOW)]);
		const later = NOW + 15 * DAY_MS; // 'old' is now 35 days old
		const [o] = await record(
			store,
			[occurrence('r', 'newer', later), occurrence('r', 'old', NOW - 20 * DAY_MS)],
			later,
		);
		expect(ok(o).frequency.count_30d).toBe(2);
		const out = await record(store, [occurrence('r', 'old', NOW - 20 * DAY_MS)], later);
		expect(ok(out[0])).toMatchObject({
			expired: true,
			duplicate: false,
			escalation_crossed: false,
		});
		expect(ok(out[0]).frequency.count_30d).toBe(2);
		// a shorter retention prunes sooner
		const short = await record(
			store,
			[occurrence('s', 'x', NOW - 3 * DAY_MS), occurrence('s', 'y', NOW)],
			NOW,
			{
				retentionDays: 2,
			},
		);
		expect(short.map((r) => [ok(r).expired, ok(r).frequency.count_7d])).toEqual([
			[true, 0],
			[false, 1],
		]);
	});

	it('keeps the newest 100 outcomes per key, with stats per action and idempotent outcome ids', async () => {
		const outcomes = Array.from({ length: 130 }, (_, i) => ({
			anomaly_key: 'h',
			action: i % 2 ? 'restart' : 'scale',
			success: i % 3 === 0,
			outcome_id: `run-${i}`,
			at: NOW + i,
		}));
		const first = await recordRepairOutcomes(store, outcomes.slice(0, 70));
		const second = await recordRepairOutcomes(store, [...outcomes.slice(60, 130)]);
		expect(first.every((o) => 'ok' in o && o.ok.recorded)).toBe(true);
		expect(second.map((o) => 'ok' in o && o.ok.duplicate)).toEqual([
			...Array(10).fill(true),
			...Array(60).fill(false),
		]);
		const [stats] = await getRepairStats(store, ['h']);
		const kept = outcomes.slice(30);
		const restarts = kept.filter((o) => o.action === 'restart');
		expect(stats).toMatchObject({
			ok: {
				total: 100,
				successes: kept.filter((o) => o.success).length,
				actions: {
					restart: {
						total: restarts.length,
						successes: restarts.filter((o) => o.success).length,
						last_at: iso(NOW + 129),
					},
					scale: { total: 50, last_at: iso(NOW + 128) },
				},
			},
		});
		const [freq] = await getFrequencies(store, ['h'], { now: NOW, thresholds: DEFAULT_THRESHOLDS });
		expect(freq).toMatchObject({ ok: { repair_count: 100, restart_count: 50 } });
	});

	it('skips an action below 20% success with at least 5 attempts, and says why', async () => {
		const run = (action: string, results: boolean[]) =>
			recordRepairOutcomes(
				store,
				results.map((success, i) => ({ anomaly_key: 'g', action, success, at: NOW + i })),
			);
		await run('restart', [false, false, false, false, true, false]); // 1/6 = 16.7%
		await run('rollback', [true, false, false, false, false]); // 1/5 = 20%
		await run('scale', [false, false, false, false]); // 4 attempts
		const checks = await checkActions(
			store,
			['restart', 'rollback', 'scale', 'raise_memory'].map((action) => ({
				anomaly_key: 'g',
				action,
			})),
			{ minSuccessRate: 0.2, minAttempts: 5 },
		);
		expect(checks.map((c) => 'ok' in c && [c.ok.skip, c.ok.reason])).toEqual([
			[true, 'restart succeeded 1 of 6 times (16.7%) for this signature, below 20%'],
			[false, 'rollback succeeded 1 of 5 times (20%) for this signature, not below 20%'],
			[
				false,
				'scale has 4 recorded attempt(s) for this signature, fewer than 5: not enough to judge',
			],
			[
				false,
				'raise_memory has 0 recorded attempt(s) for this signature, fewer than 5: not enough to judge',
			],
		]);
	});

	it('marks a permanent fix; only an occurrence that started after it counts as recurrence', async () => {
		await record(store, [occurrence('p', 'before', NOW - HOUR_MS)]);
		await markPermanentFixes(store, [{ anomaly_key: 'p', description: 'fixed the pool' }], NOW);
		const [before] = await getFrequencies(store, ['p'], {
			now: NOW,
			thresholds: DEFAULT_THRESHOLDS,
		});
		expect(before).toMatchObject({
			ok: {
				permanent_fix_applied: true,
				permanent_fix_description: 'fixed the pool',
				recurred_after_fix: false,
			},
		});
		const [after] = await record(store, [occurrence('p', 'after', NOW + 60_000)], NOW + 120_000);
		expect(ok(after).frequency).toMatchObject({
			permanent_fix_at: iso(NOW),
			recurred_after_fix: true,
			count_1h: 1,
		});
	});
});
