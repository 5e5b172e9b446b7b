// Poison never spreads (issue 14): bad records written straight into each store (by hand, by an
// older version, damaged) — unreadable times, non-numeric counts, truncated JSON, wrong types,
// missing values — and then normal alerts of that signature. They succeed (the bad value ignored
// or repaired, with a warning naming the record), other signatures of the same batch are never
// touched, and where a record cannot be used at all only the items of its key fail, naming it.
import Redis from 'ioredis';

import {
	DEFAULT_THRESHOLDS,
	SqlAnomalyStore,
	getFrequencies,
	getRepairStats,
	recordOccurrences,
	recordRepairOutcomes,
	type AnomalyStore,
	type OccurrenceOutcome,
	type OccurrenceRecord,
} from '../../lib/anomaly';
import {
	getItems,
	openOrJoinItems,
	recordRepairResultItems,
	type AlertOutcome,
	type OpenOrJoinResult,
} from '../../lib/incidents';
import {
	PGLITE_OPEN_TIMEOUT,
	closeStores,
	openAnomalyStore,
	openIncidentStore,
	openPglite,
} from '../support/storeCases';
import { REDIS_URL, deletePrefix, testPrefix } from '../support/stores';
import { RedisAnomalyStore } from '../../lib/anomaly';
import { redisConnection } from '../support/stores';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const ok = (o: OccurrenceOutcome): OccurrenceRecord => {
	if (!('ok' in o)) throw new Error(`expected a record, got ${JSON.stringify(o)}`);
	return o.ok;
};
const item = (key: string, id: string, ago = 60_000) => ({
	anomaly_key: key,
	occurrence_id: id,
	startsAt: iso(NOW - ago),
});
const record = (store: AnomalyStore, items: Record<string, unknown>[]) =>
	recordOccurrences(store, items, {
		now: NOW,
		retentionDays: 30,
		thresholds: DEFAULT_THRESHOLDS,
		verifyWindowMinutes: 30,
		claimLeaseSeconds: 600,
		leaseNow: NOW,
	});

beforeAll(openPglite, PGLITE_OPEN_TIMEOUT);
afterAll(closeStores);

describe('poison on Redis', () => {
	let redis: Redis;
	let prefix: string;
	let store: AnomalyStore;
	const key = (k: string, part: string) => `${prefix}anomaly:{${k}}:${part}`;
	beforeEach(() => {
		redis = new Redis(REDIS_URL);
		prefix = testPrefix();
		store = new RedisAnomalyStore(redisConnection(), { prefix });
	});
	afterEach(async () => {
		redis.disconnect();
		await deletePrefix(prefix);
	});

	it('unreadable fields in the meta hash are ignored with a warning and rewritten; the signature keeps counting', async () => {
		await redis.hset(key('bad', 'meta'), {
			first_seen: 'garbage',
			last_seen: '1e999',
			repair_count: 'x',
			restart_count: '-3',
			fix_at: 'abc',
		});
		const out = (await record(store, [item('bad', 'a'), item('good', 'b')])).map(ok);
		expect(out[0]).toMatchObject({
			duplicate: false,
			frequency: { count_24h: 1, first_seen: iso(NOW - 60_000), repair_count: 0 },
		});
		expect(out[0].store_warnings.join('\n')).toMatch(/anomaly:\{bad\}:meta: first_seen "garbage"/);
		expect(out[0].store_warnings.join('\n')).toMatch(/fix_at "abc"/);
		expect(out[1].store_warnings).toEqual([]);
		// rewritten by the write
		expect(await redis.hget(key('bad', 'meta'), 'first_seen')).toBe(String(NOW - 60_000));
		const [next] = (await record(store, [item('bad', 'c', 30_000)])).map(ok);
		expect(next.frequency.count_24h).toBe(2);
		// repair outcomes: the counters that are not counts are recounted
		const [rec] = await recordRepairOutcomes(store, [
			{ anomaly_key: 'bad', action: 'restart', success: true, at: NOW },
		]);
		expect(rec).toMatchObject({ ok: { recorded: true } });
		expect(await redis.hmget(key('bad', 'meta'), 'repair_count', 'restart_count')).toEqual([
			'1',
			'1',
		]);
	});

	it('a key of the wrong type is moved aside with a warning; its signature and the others go on', async () => {
		await redis.set(key('bad', 'occ'), 'not a sorted set');
		await redis.sadd(key('bad', 'claims'), 'not a hash');
		// read-only: the item reading the bad key fails, naming Redis's reason; the others do not
		const freq = await getFrequencies(store, ['bad', 'good'], {
			now: NOW,
			thresholds: DEFAULT_THRESHOLDS,
		});
		expect(freq[0]).toMatchObject({ error: { message: expect.stringMatching(/WRONGTYPE/) } });
		expect(freq[1]).toMatchObject({ ok: { count_24h: 0 } });
		const out = (await record(store, [item('bad', 'a'), item('good', 'b')])).map(ok);
		expect(out[0]).toMatchObject({ duplicate: false, frequency: { count_24h: 1 } });
		expect(out[0].store_warnings.join('\n')).toMatch(
			/anomaly:\{bad\}:occ held a string, not a zset; moved to .*:occ:corrupt/,
		);
		expect(await redis.get(key('bad', 'occ:corrupt'))).toBe('not a sorted set');
		expect(out[1]).toMatchObject({ duplicate: false, store_warnings: [] });
	});

	it('truncated and mistyped outcome entries are skipped with a warning naming them', async () => {
		await recordRepairOutcomes(store, [
			{ anomaly_key: 'bad', action: 'restart', success: true, at: NOW - 10 * 60_000 },
		]);
		await redis.lpush(key('bad', 'outcomes'), '{"id":"","a":"restart","s":1,"t":');
		await redis.lpush(key('bad', 'outcomes'), '{"id":"","a":7,"s":1,"t":"yesterday"}');
		await redis.lpush(key('bad', 'outcomes'), '[1,2,3]');
		// the re-fire rule reads every entry: the readable one turns into a failure
		const [r] = (await record(store, [item('bad', 'a', 60_000)])).map(ok);
		expect(r.refired_outcomes).toMatchObject([{ action: 'restart' }]);
		const [stats] = await getRepairStats(store, ['bad']);
		if (!('ok' in stats)) throw new Error(JSON.stringify(stats));
		expect(stats.ok).toMatchObject({ total: 1, successes: 0 });
		expect(stats.ok.store_warnings).toHaveLength(3);
		expect(stats.ok.store_warnings!.join('\n')).toMatch(/anomaly:\{bad\}:outcomes\[2\]: entry/);
	});

	it('a claim that is not a time counts as handled (never re-claimed twice)', async () => {
		await record(store, [item('k', 'a')]);
		await redis.hset(key('k', 'claims'), 'a', 'soon');
		const [r] = (
			await recordOccurrences(store, [item('k', 'a')], {
				now: NOW,
				retentionDays: 30,
				thresholds: DEFAULT_THRESHOLDS,
				claimLeaseSeconds: 600,
				leaseNow: NOW + 3_600_000,
			})
		).map(ok);
		expect(r).toMatchObject({ duplicate: true, reclaimed: false });
	});
});

describe.each(['Postgres', 'PGlite'] as const)('poison on %s', (kind) => {
	it('anomaly rows with unreadable times and outcomes: the signature keeps counting, warnings name the rows', async () => {
		const { store, cleanup } = openAnomalyStore(kind);
		try {
			await record(store, [item('bad', 'first', 120_000)]);
			await recordRepairOutcomes(store, [
				{ anomaly_key: 'bad', action: 'restart', success: true, at: NOW - 5 * 60_000 },
			]);
			const sql = (store as SqlAnomalyStore)['sql'];
			const schema = (store as SqlAnomalyStore)['schema'];
			await sql.query(
				`update "${schema}".anomalies set first_ms = 9000000000000000000, last_ms = -9000000000000000000, fix_ms = 9000000000000000000 where anomaly_key = 'bad'`,
			);
			await sql.query(
				`insert into "${schema}".anomaly_outcomes (anomaly_key, action, success, recorded_ms) values ('bad', 'restart', true, -9000000000000000000), ('bad', 'restart', true, 9000000000000000000)`,
			);
			const out = (await record(store, [item('bad', 'a'), item('good', 'b')])).map(ok);
			expect(out[0]).toMatchObject({ duplicate: false, frequency: { count_24h: 2 } });
			expect(out[0].store_warnings.join('\n')).toMatch(
				/anomalies row bad: first_ms "9000000000000000000" is not a time in ms/,
			);
			expect(out[0].refired_outcomes).toHaveLength(1);
			expect(out[1]).toMatchObject({ duplicate: false, store_warnings: [] });
			const [stats] = await getRepairStats(store, ['bad']);
			if (!('ok' in stats)) throw new Error(JSON.stringify(stats));
			expect(stats.ok.total).toBe(1);
			expect(stats.ok.store_warnings).toHaveLength(2);
		} finally {
			await cleanup();
		}
	});

	it('a key whose stored state breaks the batch statement fails alone, named; the others are recorded', async () => {
		const { store, cleanup } = openAnomalyStore(kind);
		try {
			await record(store, [item('warm', 'x')]);
			const sql = (store as SqlAnomalyStore)['sql'];
			const schema = (store as SqlAnomalyStore)['schema'];
			// a hand-made rule that refuses every write of one key: a record the statement cannot use
			await sql.query(`create function "${schema}".poison() returns trigger language plpgsql as $$
				begin if new.anomaly_key = 'bad' then raise exception 'poisoned row %', new.occurrence_id; end if; return new; end $$`);
			await sql.query(
				`create trigger poison before insert on "${schema}".anomaly_occurrences for each row execute function "${schema}".poison()`,
			);
			const out = await record(store, [item('good', 'a'), item('bad', 'b'), item('other', 'c')]);
			expect(out[0]).toMatchObject({ ok: { duplicate: false } });
			expect(out[2]).toMatchObject({ ok: { duplicate: false } });
			expect(out[1]).toMatchObject({
				error: {
					name: 'StoreRecordError',
					record: 'bad',
					message: expect.stringMatching(/anomaly_key bad .*poisoned row b/),
				},
			});
		} finally {
			await cleanup();
		}
	});

	it('an incident with unreadable times and repair stats: later alerts join it and repair it; other keys untouched', async () => {
		const { store, sql, schema, cleanup } = openIncidentStore(kind);
		try {
			const alert = (key: string, id: string, ago = 60_000) => ({
				...item(key, id, ago),
				alert_fingerprint: `fp-${id}`,
				labels: { alertname: 'KubePodCrashLooping' },
			});
			const join = async (items: Record<string, unknown>[]) =>
				openOrJoinItems(store, items, { now: NOW, windowMinutes: 10, resolvedItems: 'resolve' });
			const [first] = await join([alert('bad', 'a', 120_000)]);
			const id = (first as { ok: OpenOrJoinResult }).ok.incident.id;
			// year 0000 (1 BC), infinity, a repair_stats that is not an object
			await sql.query(
				`update "${schema}".incidents set first_alert_at = '0001-01-01 00:00:00+00 BC', last_alert_at = 'infinity',
					created_at = '-infinity', repair_stats = '"garbage"' where id = $1`,
				[id],
			);
			const out = await join([alert('bad', 'b'), alert('good', 'c')]);
			const [bad, good] = out.map((o: AlertOutcome) => (o as { ok: OpenOrJoinResult }).ok);
			expect(bad).toMatchObject({
				aggregated: true,
				incident: { id, aggregated_count: 2, first_alert_at: iso(NOW - 60_000), created_at: null },
			});
			expect(bad.incident.store_warnings!.join('\n')).toMatch(
				new RegExp(`incident ${id}: created_at "-infinity" is not a time`),
			);
			expect(good).toMatchObject({ is_new: true });
			expect(good.incident.store_warnings).toBeUndefined();
			// the next join finds the times rewritten (created_at stays unreadable, and says so)
			const [again] = await join([alert('bad', 'c2', 30_000)]);
			expect((again as { ok: OpenOrJoinResult }).ok.incident).toMatchObject({
				first_alert_at: iso(NOW - 60_000),
				last_alert_at: iso(NOW - 30_000),
			});
			const [repair] = await recordRepairResultItems(store, [
				{ incident_id: id, action: 'restart', success: true },
			]);
			expect(repair).toMatchObject({
				ok: { recorded: true, incident: { repair_stats: { total: 1, restarts: 1 } } },
			});
			expect(await getItems(store, [id])).toMatchObject([{ ok: { id } }]);
		} finally {
			await cleanup();
		}
	});

	it('an incident statement broken by one key fails only that key, named', async () => {
		const { store, sql, schema, cleanup } = openIncidentStore(kind);
		try {
			const alert = (key: string, id: string) => ({
				...item(key, id),
				alert_fingerprint: `fp-${id}`,
				labels: { alertname: 'X' },
			});
			await openOrJoinItems(store, [alert('warm', 'w')], {
				now: NOW,
				windowMinutes: 10,
				resolvedItems: 'resolve',
			});
			await sql.query(`create function "${schema}".poison() returns trigger language plpgsql as $$
				begin if new.anomaly_key = 'bad' then raise exception 'poisoned incident'; end if; return new; end $$`);
			await sql.query(
				`create trigger poison before insert on "${schema}".incidents for each row execute function "${schema}".poison()`,
			);
			const out = await openOrJoinItems(store, [alert('good', 'a'), alert('bad', 'b')], {
				now: NOW,
				windowMinutes: 10,
				resolvedItems: 'resolve',
			});
			expect(out[0]).toMatchObject({ ok: { is_new: true } });
			expect(out[1]).toMatchObject({
				error: {
					record: 'bad',
					message: expect.stringMatching(/anomaly_key bad .*poisoned incident/),
				},
			});
		} finally {
			await cleanup();
		}
	});
});

describe('input the stores cannot hold', () => {
	it('a startsAt outside the years 0001–9999 fails its item, naming the field; the others are recorded', async () => {
		const { store, cleanup } = openAnomalyStore('PGlite');
		try {
			const out = await record(store, [
				{ anomaly_key: 'k', occurrence_id: 'zero', startsAt: '0000-01-01T00:00:00Z' },
				item('k', 'fine'),
			]);
			expect(out[0]).toMatchObject({
				error: {
					field: 'startsAt',
					message: expect.stringMatching(/Item 0: startsAt .*0001–9999/),
				},
			});
			expect(out[1]).toMatchObject({ ok: { duplicate: false } });
		} finally {
			await cleanup();
		}
	});
});
