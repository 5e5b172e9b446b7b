// The incident store behaviour, one suite run against real Postgres and PGlite.
import { DEFAULT_THRESHOLDS, recordOccurrences, type AnomalyStore } from '../../lib/anomaly';
import {
	openOrJoinItems,
	resolveItems,
	type AlertOutcome,
	type OpenOrJoinResult,
	type SqlIncidentStore,
} from '../../lib/incidents';
import type { SqlStore } from '../../lib/store';
import {
	PGLITE_OPEN_TIMEOUT,
	closeStores,
	openAnomalyStore,
	openIncidentStore,
	openPglite,
} from '../support/storeCases';

const T0 = Date.parse('2026-11-22T12:00:00Z');
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

interface AlertOpts {
	key?: string;
	fp?: string;
	startsAt?: number;
	status?: 'firing' | 'resolved';
	frequency?: Record<string, unknown>;
	severity?: string;
}
const alert = (id: string, o: AlertOpts = {}) => ({
	status: o.status ?? 'firing',
	anomaly_key: o.key ?? 'k',
	occurrence_id: id,
	alert_fingerprint: o.fp ?? `fp-${id}`,
	startsAt: iso(o.startsAt ?? T0),
	labels: { alertname: 'KubePodCrashLooping', severity: o.severity ?? 'warning' },
	annotations: { summary: 'checkout is crash-looping' },
	...(o.frequency ? { frequency: o.frequency } : {}),
});

const firing = (o: AlertOutcome): OpenOrJoinResult => {
	if (!('ok' in o) || o.ok.kind !== 'firing')
		throw new Error(`expected an incident, got ${JSON.stringify(o)}`);
	return o.ok;
};

beforeAll(openPglite, PGLITE_OPEN_TIMEOUT);
afterAll(closeStores);

describe.each(['Postgres', 'PGlite'] as const)('incident store on %s', (kind) => {
	let store: SqlIncidentStore;
	let sql: SqlStore;
	let schema: string;
	let cleanup: () => Promise<void>;
	const openOrJoin = (items: Record<string, unknown>[], now: number, windowMinutes = 10) =>
		openOrJoinItems(store, items, { now, windowMinutes, resolvedItems: 'resolve' });
	const openIncidents = async (key = 'k') =>
		sql.query<{ id: string }>(
			`select id::text from "${schema}".incidents where anomaly_key = $1 and status <> 'resolved'`,
			[key],
		);

	beforeEach(() => {
		({ store, sql, schema, cleanup } = openIncidentStore(kind));
	});
	afterEach(() => cleanup());

	it('joins within the window, opens a new incident after it (resolving the quiet one), and never reopens', async () => {
		const [a] = (await openOrJoin([alert('a')], T0)).map(firing);
		const [b] = (await openOrJoin([alert('b', { startsAt: T0 + 5 * MIN })], T0 + 5 * MIN)).map(
			firing,
		);
		expect(a).toMatchObject({ is_new: true, aggregated: false });
		expect(b).toMatchObject({
			is_new: false,
			aggregated: true,
			incident: { id: a.incident.id, aggregated_count: 2 },
		});
		// 14 minutes after the last alert: outside the 10-minute window
		const [c] = (await openOrJoin([alert('c', { startsAt: T0 + 19 * MIN })], T0 + 19 * MIN)).map(
			firing,
		);
		expect(c).toMatchObject({
			is_new: true,
			superseded_incident_id: a.incident.id,
			incident: { aggregated_count: 1 },
		});
		const [old] = await store.get([a.incident.id]);
		expect(old).toMatchObject({
			status: 'resolved',
			resolution_reason: 'quiet: no alert for more than 10 minutes; a new incident was opened',
		});
		expect(await openIncidents()).toEqual([{ id: c.incident.id }]);
		// a re-delivery of an occurrence of the resolved incident changes nothing and opens nothing
		const [again] = (await openOrJoin([alert('a')], T0 + 20 * MIN)).map(firing);
		expect(again).toMatchObject({
			duplicate: true,
			is_new: false,
			incident: { id: a.incident.id, status: 'resolved' },
		});
		// the database itself refuses to reopen
		await expect(
			sql.query(`update "${schema}".incidents set status = 'open' where id = $1`, [a.incident.id]),
		).rejects.toThrow(/never reopens/);
	});

	it('resolves an incident when all of its alert fingerprints are resolved; a later firing opens a new one', async () => {
		const opened = (
			await openOrJoin(
				[alert('a', { fp: 'fp1' }), alert('b', { fp: 'fp2' }), alert('c', { fp: 'fp2' })],
				T0,
			)
		).map(firing);
		expect(opened[2].incident).toMatchObject({
			aggregated_count: 3,
			alerts_total: 2,
			alerts_firing: 2,
		});
		const [one] = await resolveItems(
			store,
			[alert('a', { fp: 'fp1', status: 'resolved' })],
			T0 + MIN,
		);
		expect(one).toMatchObject({
			ok: {
				alert_found: true,
				resolved_now: false,
				incident: { status: 'open', alerts_firing: 1 },
			},
		});
		// resolved items reaching Open or Join resolve too; an unknown fingerprint changes nothing
		const out = await openOrJoin(
			[
				alert('x', { fp: 'unknown', status: 'resolved' }),
				alert('b', { fp: 'fp2', status: 'resolved' }),
			],
			T0 + 2 * MIN,
		);
		expect(out[0]).toMatchObject({ ok: { kind: 'resolved', alert_found: false } });
		expect(out[1]).toMatchObject({
			ok: {
				kind: 'resolved',
				resolved_now: true,
				incident: {
					status: 'resolved',
					alerts_firing: 0,
					resolution_reason: expect.stringMatching(/^alerts resolved/),
				},
			},
		});
		const [next] = (
			await openOrJoin([alert('d', { fp: 'fp1', startsAt: T0 + 3 * MIN })], T0 + 3 * MIN)
		).map(firing);
		expect(next.is_new).toBe(true);
		expect(next.incident.id).not.toBe(opened[0].incident.id);
		// nothing open for a key: resolving reports no incident
		const [none] = await resolveItems(
			store,
			[alert('z', { key: 'other', status: 'resolved' })],
			T0,
		);
		expect(none).toEqual({ ok: { incident: null, alert_found: false, resolved_now: false } });
	});

	it('gives 100 concurrent Open or Join for one key exactly one open incident, all items pointing at it', async () => {
		const results = await Promise.all(
			Array.from({ length: 100 }, (_, i) =>
				openOrJoin([alert(`o${i}`, { fp: `fp${i % 7}` })], T0).then(([o]) => firing(o)),
			),
		);
		const ids = new Set(results.map((r) => r.incident.id));
		expect(ids.size).toBe(1);
		expect(results.filter((r) => r.is_new)).toHaveLength(1);
		expect(results.filter((r) => r.aggregated)).toHaveLength(99);
		expect(await openIncidents()).toEqual([{ id: [...ids][0] }]);
		const [incident] = await store.get([...ids]);
		expect(incident).toMatchObject({ aggregated_count: 100, alerts_total: 7 });
		// and concurrently again with duplicates: nothing doubles
		const again = await Promise.all(
			Array.from({ length: 100 }, (_, i) =>
				openOrJoin([alert(`o${i}`)], T0 + MIN).then(([o]) => firing(o)),
			),
		);
		expect(again.every((r) => r.duplicate)).toBe(true);
		expect((await store.get([...ids]))[0]).toMatchObject({ aggregated_count: 100 });
	});

	it('recommends tiers 1–4 from the frequency Record Anomaly attached, never lowering them, and says when escalation rises', async () => {
		const f = (escalation_level: string | null, extra = {}) => ({
			escalation_level,
			restart_count: 0,
			...extra,
		});
		const steps: [string, Record<string, unknown>][] = [
			['a', f(null)],
			['b', f('REPEAT')],
			['c', f('REPEAT', { restart_count: 2 })],
			['d', f('ESCALATE')],
			['e', f('PERMANENT_FIX')],
			['f', f('ESCALATE')],
			['g', f('PERMANENT_FIX', { permanent_fix_applied: true, recurred_after_fix: true })],
		];
		const out: OpenOrJoinResult[] = [];
		for (const [id, frequency] of steps)
			out.push(...(await openOrJoin([alert(id, { frequency })], T0)).map(firing));
		expect(out.map((r) => r.incident.recommended_tier)).toEqual([1, 1, 2, 2, 3, 3, 4]);
		expect(out.map((r) => r.escalation_changed)).toEqual([
			false,
			true,
			false,
			true,
			true,
			false,
			false,
		]);
		expect(out.map((r) => r.incident.escalation_level)).toEqual([
			null,
			'REPEAT',
			'REPEAT',
			'ESCALATE',
			'PERMANENT_FIX',
			'PERMANENT_FIX',
			'PERMANENT_FIX',
		]);
		expect(out[6].incident.frequency).toMatchObject({ permanent_fix_applied: true });
		// in one batch, only the item that raises the level says so
		const batch = (
			await openOrJoin(
				[
					alert('x1', { key: 'b', frequency: f('REPEAT') }),
					alert('x2', { key: 'b', frequency: f('REPEAT') }),
					alert('x3', { key: 'b', frequency: f('ESCALATE') }),
				],
				T0,
			)
		).map(firing);
		expect(batch.map((r) => [r.is_new, r.escalation_changed])).toEqual([
			[true, false],
			[false, false],
			[false, true],
		]);
		expect(batch[0].incident).toMatchObject({
			escalation_level: 'ESCALATE',
			recommended_tier: 2,
			aggregated_count: 3,
		});
	});

	it('keeps the highest severity and the first title', async () => {
		const out = (
			await openOrJoin(
				[
					alert('a', { severity: 'warning' }),
					alert('b', { severity: 'critical' }),
					alert('c', { severity: 'info' }),
				],
				T0,
			)
		).map(firing);
		expect(out[2].incident).toMatchObject({
			severity: 'critical',
			title: 'checkout is crash-looping',
		});
	});

	it('resolves stale incidents after the quiet period; re-deliveries keep an incident alive', async () => {
		await openOrJoin([alert('a', { key: 'quiet' })], T0);
		await openOrJoin([alert('b', { key: 'busy' })], T0);
		await openOrJoin([alert('b', { key: 'busy' })], T0 + 50 * MIN); // re-delivered: still firing
		const stale = await store.resolveStale({
			now: T0 + 61 * MIN,
			quietMinutes: 60,
			skipFiring: false,
		});
		expect(stale.map((i) => [i.anomaly_key, i.status, i.resolution_reason])).toEqual([
			['quiet', 'resolved', 'stale: no alert for more than 60 minutes'],
		]);
		// skipFiring keeps incidents whose alerts were never reported resolved
		await openOrJoin([alert('c', { key: 'firing' })], T0);
		const kept = await store.resolveStale({
			now: T0 + 200 * MIN,
			quietMinutes: 60,
			skipFiring: true,
		});
		expect(kept).toEqual([]);
		const all = await store.resolveStale({
			now: T0 + 200 * MIN,
			quietMinutes: 60,
			skipFiring: false,
		});
		expect(all.map((i) => i.anomaly_key).sort()).toEqual(['busy', 'firing']);
	});

	it('aggregates the recorded chain: Record Anomaly output (Redis) feeds Open or Join item for item', async () => {
		const anomaly: { store: AnomalyStore; cleanup(): Promise<void> } = openAnomalyStore('Redis');
		try {
			const items = Array.from({ length: 5 }, (_, i) =>
				alert(`r${i}`, { key: 'chain', startsAt: T0 - i * MIN }),
			);
			const recorded = await recordOccurrences(anomaly.store, items, {
				now: T0,
				retentionDays: 30,
				thresholds: DEFAULT_THRESHOLDS,
			});
			const enriched = recorded.map((o, i) => ({
				...items[i],
				...('ok' in o ? { frequency: o.ok.frequency } : {}),
			}));
			const out = (await openOrJoin(enriched, T0)).map(firing);
			expect(out[4].incident).toMatchObject({
				aggregated_count: 5,
				escalation_level: 'ESCALATE',
				recommended_tier: 2,
			});
			expect(out[4].incident.frequency).toMatchObject({ count_24h: 5 });
			expect(out.map((r) => r.escalation_changed)).toEqual([false, false, true, false, true]);
		} finally {
			await anomaly.cleanup();
		}
	});
});
