// "Handled" semantics (issue 22) on every store: Record Occurrence claims a new occurrence with a
// lease; Mark Handled ends the claim; a re-delivery of an occurrence whose claim expired without
// being handled is re-claimed — reported as new to what follows exactly once, however many
// callers race, and never counted twice. Aggregate Incident replays the first join of such an
// occurrence without counting it again.
import {
	DEFAULT_THRESHOLDS,
	markHandled,
	recordOccurrences,
	releaseClaims,
	type AnomalyStore,
	type OccurrenceOutcome,
	type OccurrenceRecord,
} from '../../lib/anomaly';
import { openOrJoinItems, type AlertOutcome, type OpenOrJoinResult } from '../../lib/incidents';
import {
	PGLITE_OPEN_TIMEOUT,
	closeStores,
	openAnomalyStore,
	openIncidentStore,
	openPglite,
	type StoreKind,
} from '../support/storeCases';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const LEASE_S = 120;
const iso = (ms: number) => new Date(ms).toISOString();
const ok = (o: OccurrenceOutcome): OccurrenceRecord => {
	if (!('ok' in o)) throw new Error(`expected a record, got ${JSON.stringify(o)}`);
	return o.ok;
};
const item = (id: string, key = 'k') => ({
	anomaly_key: key,
	occurrence_id: id,
	startsAt: iso(NOW - 60_000),
});
/** Records with claims; `leaseNow` is the worker's clock for leases. */
const record = (store: AnomalyStore, items: Record<string, unknown>[], leaseNow: number) =>
	recordOccurrences(store, items, {
		now: NOW,
		retentionDays: 30,
		thresholds: DEFAULT_THRESHOLDS,
		claimLeaseSeconds: LEASE_S,
		leaseNow,
	});

beforeAll(openPglite, PGLITE_OPEN_TIMEOUT);
afterAll(closeStores);

describe.each<StoreKind>(['Redis', 'Postgres', 'PGlite'])('claims on %s', (kind) => {
	let store: AnomalyStore;
	let cleanup: () => Promise<void>;
	beforeEach(() => {
		({ store, cleanup } = openAnomalyStore(kind));
	});
	afterEach(() => cleanup());

	it('claims a new occurrence; a re-delivery within the lease is a duplicate, after it is re-claimed once and not counted again', async () => {
		const first = ok((await record(store, [item('a')], NOW))[0]);
		expect(first).toMatchObject({
			duplicate: false,
			reclaimed: false,
			claimed_until: NOW + LEASE_S * 1000,
			frequency: { count_24h: 1 },
		});
		// another worker while the first still holds the claim
		const during = ok((await record(store, [item('a')], NOW + LEASE_S * 1000 - 1))[0]);
		expect(during).toMatchObject({ duplicate: true, reclaimed: false, claimed_until: null });
		// the first execution died: its lease ends, the next delivery goes on as new
		const after = NOW + LEASE_S * 1000;
		const again = ok((await record(store, [item('a')], after))[0]);
		expect(again).toMatchObject({
			duplicate: false,
			reclaimed: true,
			claimed_until: after + LEASE_S * 1000,
			escalation_crossed: false,
			frequency: { count_1h: 1, count_24h: 1 },
		});
		// the re-claim holds its own lease
		expect(ok((await record(store, [item('a')], after + 1000))[0])).toMatchObject({
			duplicate: true,
			reclaimed: false,
		});
	});

	it('after Mark Handled a re-delivery is a duplicate, whenever it comes', async () => {
		await record(store, [item('a'), item('b')], NOW);
		const marked = await markHandled(store, [item('a'), { ...item('b'), duplicate: true }]);
		expect(marked).toEqual([{ ok: { handled: true } }, { skipped: true }]);
		const later = NOW + 10 * LEASE_S * 1000;
		const [a, b] = (await record(store, [item('a'), item('b')], later)).map(ok);
		expect(a).toMatchObject({ duplicate: true, reclaimed: false });
		// b was skipped (a duplicate's claim is another execution's): still claimable
		expect(b).toMatchObject({ duplicate: false, reclaimed: true });
		// marking twice changes nothing
		expect(await markHandled(store, [item('a'), item('a')])).toEqual([
			{ ok: { handled: true } },
			{ ok: { handled: true } },
		]);
	});

	it('Release Claims lets the next delivery re-claim at once, and leaves handled occurrences handled', async () => {
		await record(store, [item('a'), item('b')], NOW);
		await markHandled(store, [item('b')]);
		expect(
			await releaseClaims(store, [
				{ anomaly_key: 'k', occurrence_id: 'a' },
				{ anomaly_key: 'k', occurrence_id: 'b' },
				{ anomaly_key: 'k', occurrence_id: 'never-recorded' },
			]),
		).toEqual([true, false, false]);
		const [a, b] = (await record(store, [item('a'), item('b')], NOW + 1)).map(ok);
		expect(a).toMatchObject({ duplicate: false, reclaimed: true });
		expect(b).toMatchObject({ duplicate: true });
	});

	it('concurrent re-deliveries after the lease: exactly one re-claims, counts stay exact', async () => {
		await record(store, [item('a'), item('b', 'k2')], NOW);
		const after = NOW + LEASE_S * 1000 + 5;
		const racers = await Promise.all(
			Array.from({ length: 12 }, () => record(store, [item('a'), item('b', 'k2')], after)),
		);
		for (const index of [0, 1]) {
			const results = racers.map((r) => ok(r[index]));
			expect(results.filter((r) => r.reclaimed)).toHaveLength(1);
			expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
			for (const r of results) expect(r.frequency.count_24h).toBe(1);
		}
	});

	it('concurrent first deliveries: exactly one claims and counts', async () => {
		const racers = await Promise.all(
			Array.from({ length: 12 }, () => record(store, [item('x')], NOW)),
		);
		const results = racers.map((r) => ok(r[0]));
		expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
		expect(results.filter((r) => r.reclaimed)).toHaveLength(0);
		expect(Math.max(...results.map((r) => r.frequency.count_24h))).toBe(1);
	});

	it('in one batch: a new, a re-claimed and a duplicate copy each get their own answer', async () => {
		await record(store, [item('old')], NOW);
		const after = NOW + LEASE_S * 1000;
		const out = (await record(store, [item('old'), item('new'), item('old')], after)).map(ok);
		expect(out.map((r) => [r.duplicate, r.reclaimed])).toEqual([
			[false, true],
			[false, false],
			[true, false],
		]);
		expect(out[2].frequency.count_24h).toBe(2);
	});

	it('without claims (recorded means handled), and for occurrences recorded before claims existed, a re-delivery is a duplicate', async () => {
		const plain = { now: NOW, retentionDays: 30, thresholds: DEFAULT_THRESHOLDS };
		expect(ok((await recordOccurrences(store, [item('legacy')], plain))[0])).toMatchObject({
			duplicate: false,
			claimed_until: null,
		});
		const later = NOW + 100 * LEASE_S * 1000;
		expect(ok((await record(store, [item('legacy')], later))[0])).toMatchObject({
			duplicate: true,
			reclaimed: false,
		});
		expect(ok((await recordOccurrences(store, [item('legacy')], plain))[0]).duplicate).toBe(true);
	});
});

describe.each(['Postgres', 'PGlite'] as const)(
	'Aggregate Incident per occurrence on %s',
	(kind) => {
		const firing = (o: AlertOutcome): OpenOrJoinResult => {
			if (!('ok' in o) || o.ok.kind !== 'firing') throw new Error(JSON.stringify(o));
			return o.ok;
		};
		const alert = (id: string, extra: Record<string, unknown> = {}) => ({
			...item(id),
			alert_fingerprint: `fp-${id}`,
			labels: { alertname: 'KubePodCrashLooping' },
			...extra,
		});

		it('joining an occurrence twice never doubles aggregated_count; a re-claimed one replays its first join', async () => {
			const { store, cleanup } = openIncidentStore(kind);
			try {
				const join = async (items: Record<string, unknown>[]) =>
					(
						await openOrJoinItems(store, items, {
							now: NOW,
							windowMinutes: 10,
							resolvedItems: 'resolve',
						})
					).map(firing);
				const [a] = await join([alert('a')]);
				expect(a).toMatchObject({ is_new: true, duplicate: false, replayed: false });
				const [b] = await join([
					alert('b', { frequency: { escalation_level: 'REPEAT', count_24h: 3 } }),
				]);
				expect(b).toMatchObject({ aggregated: true, escalation_changed: true });
				// plain re-deliveries: duplicates, nothing added
				const dups = await join([alert('a'), alert('b')]);
				expect(dups.map((d) => d.duplicate)).toEqual([true, true]);
				expect(dups[1].incident.aggregated_count).toBe(2);
				// Record Anomaly re-claimed them (their executions died after joining): they go on as
				// their first join reported, still counted once
				const replays = await join([
					alert('a', { reclaimed: true }),
					alert('b', { reclaimed: true }),
				]);
				expect(replays[0]).toMatchObject({
					duplicate: false,
					replayed: true,
					is_new: true,
					aggregated: false,
					escalation_changed: false,
				});
				expect(replays[1]).toMatchObject({
					duplicate: false,
					replayed: true,
					is_new: false,
					aggregated: true,
					escalation_changed: true,
				});
				expect(replays[0].incident.aggregated_count).toBe(2);
				// a re-claimed occurrence its first execution never joined is simply new
				const [c] = await join([alert('c', { reclaimed: true })]);
				expect(c).toMatchObject({ aggregated: true, replayed: false, duplicate: false });
				// concurrent joins of one occurrence: counted once
				const racers = await Promise.all(
					Array.from({ length: 8 }, () => join([alert('d', { reclaimed: true })])),
				);
				expect(racers.filter(([r]) => !r.replayed)).toHaveLength(1);
				const [last] = await join([alert('d')]);
				expect(last.incident.aggregated_count).toBe(4);
			} finally {
				await cleanup();
			}
		});
	},
);
