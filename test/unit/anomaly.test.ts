import fc from 'fast-check';

import {
	DEFAULT_THRESHOLDS,
	checkAction,
	classifyItem,
	emptySnapshot,
	escalationLevel,
	repairOutcomeInput,
	sequenceBatch,
	uniqueOccurrences,
	validateThresholds,
	type RepairOutcome,
} from '../../lib/anomaly';
import { InvalidInputError } from '../../lib/errors';
import { recommendedTier } from '../../lib/incidents';

const NOW = Date.parse('2026-11-22T12:00:00Z');

describe('escalation', () => {
	it.each([
		[0, null],
		[2, null],
		[3, 'REPEAT'],
		[4, 'REPEAT'],
		[5, 'ESCALATE'],
		[9, 'ESCALATE'],
		[10, 'PERMANENT_FIX'],
		[500, 'PERMANENT_FIX'],
	])('%i occurrences in 24h → %s', (count, level) => {
		expect(escalationLevel(count, DEFAULT_THRESHOLDS)).toBe(level);
	});

	it('refuses thresholds that do not rise or are not whole numbers', () => {
		expect(() => validateThresholds({ repeat: 5, escalate: 3, permanentFix: 10 })).toThrow(
			/must rise/,
		);
		expect(() => validateThresholds({ repeat: 0, escalate: 3, permanentFix: 10 })).toThrow(
			InvalidInputError,
		);
		expect(() => validateThresholds({ repeat: 1.5, escalate: 3, permanentFix: 10 })).toThrow(
			/whole number/,
		);
	});
});

describe('sequenceBatch (one key, store snapshot empty)', () => {
	// A store that has never seen the key: the first appearance of each id is new.
	const run = (ids: string[], thresholds = DEFAULT_THRESHOLDS) => {
		const batch = ids.map((id) => ({ anomaly_key: 'k', occurrence_id: id, at: NOW - 1000 }));
		const unique = uniqueOccurrences(batch, 0).get('k')!;
		const writes = new Map([['k', { before: emptySnapshot(), added: unique.map(() => true) }]]);
		return sequenceBatch(batch, writes, { now: NOW, cutoff: 0, thresholds });
	};
	const ids = fc.array(
		fc.integer({ min: 0, max: 30 }).map((n) => `o${n}`),
		{ minLength: 1, maxLength: 80 },
	);

	it('counts each distinct occurrence once; duplicates change nothing; counts never fall', () => {
		fc.assert(
			fc.property(ids, (list) => {
				const out = run(list);
				expect(out[out.length - 1].frequency.count_24h).toBe(new Set(list).size);
				const seen = new Set<string>();
				let previous = 0;
				out.forEach((r, i) => {
					expect(r.duplicate).toBe(seen.has(list[i]));
					seen.add(list[i]);
					expect(r.frequency.count_24h).toBe(seen.size);
					expect(r.frequency.count_24h).toBeGreaterThanOrEqual(previous);
					previous = r.frequency.count_24h;
				});
			}),
		);
	});

	it('reports each level reached as crossed on exactly one item: the one that reached its threshold', () => {
		fc.assert(
			fc.property(ids, (list) => {
				const out = run(list);
				const crossings = out.filter((r) => r.escalation_crossed);
				const distinct = new Set(list).size;
				const reached = [3, 5, 10].filter((t) => distinct >= t);
				expect(crossings.map((r) => r.frequency.count_24h)).toEqual(reached);
				for (const r of crossings) expect(r.duplicate).toBe(false);
			}),
		);
	});

	it('does not count an occurrence older than the cutoff, and says it expired', () => {
		const batch = [{ anomaly_key: 'k', occurrence_id: 'old', at: NOW - 40 * 86_400_000 }];
		const cutoff = NOW - 30 * 86_400_000;
		expect(uniqueOccurrences(batch, cutoff).get('k')).toEqual([]);
		const [r] = sequenceBatch(batch, new Map([['k', { before: emptySnapshot(), added: [] }]]), {
			now: NOW,
			cutoff,
			thresholds: DEFAULT_THRESHOLDS,
		});
		expect(r).toMatchObject({ expired: true, duplicate: false, frequency: { count_30d: 0 } });
	});
});

describe('classifyItem', () => {
	it('passes resolved alerts through and reads firing ones', () => {
		expect(classifyItem({ status: 'resolved' }, 0)).toEqual({ kind: 'resolved' });
		expect(
			classifyItem(
				{ anomaly_key: 'k', startsAt: '2026-11-22T12:00:00Z', alert_fingerprint: 'f' },
				0,
			),
		).toEqual({
			kind: 'occurrence',
			occurrence: { anomaly_key: 'k', occurrence_id: 'f@2026-11-22T12:00:00Z', at: NOW },
		});
	});

	it('derives the key of a raw Alertmanager alert from its labels, without the replica label', () => {
		const labels = { alertname: 'X', namespace: 'n', pod: 'api-7d9f8b6c5d-x2k4p' };
		const a = classifyItem(
			{
				status: 'firing',
				labels: { ...labels, prometheus_replica: 'a' },
				startsAt: '2026-11-22T12:00:00Z',
			},
			0,
		);
		const b = classifyItem(
			{
				status: 'firing',
				labels: { ...labels, prometheus_replica: 'b' },
				startsAt: '2026-11-22T12:00:00Z',
			},
			0,
		);
		expect(a).toEqual(b);
	});

	it.each([
		[{ startsAt: '2026-11-22T12:00:00Z' }, 'anomaly_key', 'Item 3 has no anomaly_key'],
		[{ anomaly_key: 'k' }, 'startsAt', 'Item 3 has no startsAt'],
		[
			{ anomaly_key: 'k', startsAt: 'yesterday' },
			'startsAt',
			'Item 3: startsAt must be an RFC 3339 timestamp',
		],
		[
			{ anomaly_key: 7, startsAt: '2026-11-22T12:00:00Z' },
			'anomaly_key',
			'Item 3: anomaly_key must be a string',
		],
		[
			{ anomaly_key: 'k', startsAt: '2026-11-22T12:00:00Z', status: 'pending' },
			'status',
			'Item 3: status must be',
		],
	])('fails %j naming the field and the item', (json, field, message) => {
		try {
			classifyItem(json as Record<string, unknown>, 3);
			expect.unreachable();
		} catch (error) {
			expect(error).toBeInstanceOf(InvalidInputError);
			expect((error as InvalidInputError).field).toBe(field);
			expect((error as Error).message.startsWith(message)).toBe(true);
		}
	});
});

describe('skip gate', () => {
	const history = (results: boolean[]): RepairOutcome[] =>
		results.map((success) => ({
			action: 'restart',
			success,
			at: '',
			outcome_id: null,
			details: null,
		}));

	it('skips exactly when there are enough attempts and the rate is below the minimum', () => {
		fc.assert(
			fc.property(
				fc.array(fc.boolean(), { maxLength: 30 }),
				fc.integer({ min: 1, max: 10 }),
				fc.integer({ min: 0, max: 100 }),
				(results, minAttempts, pct) => {
					const c = checkAction('k', 'restart', history(results), {
						minAttempts,
						minSuccessRate: pct / 100,
					});
					const rate = results.length ? results.filter(Boolean).length / results.length : 0;
					expect(c.skip).toBe(results.length >= minAttempts && rate < pct / 100);
					expect(c.attempts).toBe(results.length);
				},
			),
		);
	});
});

describe('repair outcome input', () => {
	it('accepts "true"/"false", parses details, and names a bad field', () => {
		expect(
			repairOutcomeInput(
				{ anomaly_key: 'k', action: ' restart ', success: 'true', details: '{"a":1}' },
				0,
				5,
			),
		).toEqual({
			anomaly_key: 'k',
			action: 'restart',
			success: true,
			outcome_id: undefined,
			details: { a: 1 },
			at: 5,
		});
		expect(() => repairOutcomeInput({ anomaly_key: 'k', action: '', success: true }, 2, 0)).toThrow(
			'Item 2 has no action',
		);
		expect(() =>
			repairOutcomeInput({ anomaly_key: 'k', action: 'a', success: 'yes' }, 2, 0),
		).toThrow(/success must be/);
		expect(() =>
			repairOutcomeInput({ anomaly_key: 'k', action: 'a', success: true, details: '{' }, 2, 0),
		).toThrow('Item 2: details must be JSON');
	});
});

describe('recommended tier', () => {
	it.each([
		[{}, 1],
		[{ escalation_level: 'REPEAT' as const }, 1],
		[{ restart_count: 2 }, 2],
		[{ escalation_level: 'ESCALATE' as const }, 2],
		[{ escalation_level: 'PERMANENT_FIX' as const }, 3],
		[{ escalation_level: 'PERMANENT_FIX' as const, permanent_fix_applied: true }, 3],
		[{ permanent_fix_applied: true, recurred_after_fix: true }, 4],
	])('%j → tier %i', (inputs, tier) => {
		expect(recommendedTier(inputs)).toBe(tier);
	});
});
