import fc from 'fast-check';

import { anomalyKey } from '../../lib/alerts';
import { InvalidInputError } from '../../lib/errors';
import { addRate, checkBurst, DEFAULT_BURST_OPTIONS, HORIZON } from '../../lib/logs/rates';
import type { LogLine, ScopeOptions, ScopeState } from '../../lib/logs/scope';
import { emptyScopeState, runScope } from '../../lib/logs/scope';
import { patternSignal } from '../../lib/logs/signals';

const MIN = 60_000;
const lines = (...texts: string[]): LogLine[] => texts.map((text) => ({ text }));
const normal = (n: number, offset = 0) =>
	Array.from({ length: n }, (_, i) => ({
		text: `GET /api/items/${i + offset} 200 in ${(i % 7) + 1}ms`,
		namespace: 'shop',
		workload: 'api',
		pod: 'api-7d4b9c8f6-x2kqz',
		container: 'api',
	}));

describe('runScope: warm-up and novelty', () => {
	const options: ScopeOptions = { warmUp: { lines: 10, minutes: 5 } };

	it('flags a template first seen after the warm-up as new, once', () => {
		let state = emptyScopeState();
		const t0 = Date.UTC(2026, 0, 1);
		const first = runScope(state, [...normal(10), { text: 'cache warmed in 3 s' }], t0, options);
		expect(first.templates.every((t) => !t.isNew)).toBe(true);
		expect(first.warm).toBe(false);
		state = first.state;
		// enough lines but not enough time yet
		const early = runScope(state, lines('disk /dev/sda1 is 91% full'), t0 + 2 * MIN, options);
		expect(early.templates[0].isNew).toBe(false);
		state = early.state;
		const later = runScope(
			state,
			[...normal(3, 50), { text: 'OOM: killed process 4242 (java)', container: 'api', pod: 'p-1' }],
			t0 + 6 * MIN,
			options,
		);
		expect(later.warm).toBe(true);
		const fresh = later.templates.filter((t) => t.isNew);
		expect(fresh.map((t) => t.text)).toEqual(['OOM: killed process <*> (java)']);
		expect(fresh[0].firstLine.pod).toBe('p-1');
		expect(fresh[0].count).toBe(1);
		const again = runScope(
			later.state,
			lines('OOM: killed process 99 (java)'),
			t0 + 7 * MIN,
			options,
		);
		expect(again.templates[0].isNew).toBe(false);
		expect(again.templates[0].id).toBe(fresh[0].id);
		expect(again.templates[0].total).toBe(2);
	});

	it('counts the warm-up in lines from the line that crosses it', () => {
		const o: ScopeOptions = { warmUp: { lines: 3, minutes: 0 } };
		const r = runScope(
			emptyScopeState(),
			lines('a one', 'b two', 'c three', 'd four', 'e five'),
			0,
			o,
		);
		expect(r.templates.map((t) => t.isNew)).toEqual([false, false, false, true, true]);
	});

	it('does not call a new line new when it joins a template the scope knew', () => {
		const o: ScopeOptions = { warmUp: { lines: 0, minutes: 0 } };
		const first = runScope(emptyScopeState(), lines('worker 1 started'), 0, o);
		expect(first.templates[0].isNew).toBe(true);
		const second = runScope(first.state, lines('worker 2 started'), 1, o);
		expect(second.templates[0].isNew).toBe(false);
	});

	it('leaves the input state alone and matches without learning', () => {
		const learned = runScope(emptyScopeState(), normal(5), 0).state;
		const frozen = JSON.stringify(learned);
		const r = runScope(
			learned,
			[...normal(2, 9), { text: 'totally different words here' }],
			5 * MIN,
			{},
			false,
		);
		expect(JSON.stringify(learned)).toBe(frozen);
		expect(r.state).toBe(learned);
		expect(r.unknown).toEqual([2]);
		expect(r.lines[0].id).toBe(r.lines[1].id);
		expect(r.lines[2].id).toBeUndefined();
	});

	it('rejects a negative warm-up', () => {
		expect(() => runScope(emptyScopeState(), [], 0, { warmUp: { lines: -1, minutes: 0 } })).toThrow(
			InvalidInputError,
		);
	});
});

describe('runScope: bursts', () => {
	it('flags a known template whose rate is above k sigma of its own history', () => {
		let state: ScopeState = emptyScopeState();
		let t = 0;
		// ten runs, five minutes apart, about 20 lines of the template each
		for (let run = 0; run < 10; run++) {
			const r = runScope(state, normal(18 + (run % 5), run * 100), t, {
				warmUp: { lines: 0, minutes: 0 },
			});
			expect(r.templates.some((x) => x.burst)).toBe(false);
			state = r.state;
			t += 5 * MIN;
		}
		const quiet = runScope(state, normal(21, 5000), t);
		expect(quiet.templates[0].burst).toBe(false);
		const loud = runScope(state, normal(200, 5000), t);
		expect(loud.templates[0].burst).toBe(true);
		expect(loud.templates[0].rate).toBeCloseTo(40);
		expect(loud.templates[0].rateMean).toBeGreaterThan(3);
		expect(loud.templates[0].rateMean).toBeLessThan(5);
	});

	it('needs minRuns of history and minCount lines', () => {
		let state = emptyScopeState();
		for (let run = 0; run < 3; run++) state = runScope(state, normal(1), run * MIN).state;
		expect(runScope(state, normal(500), 3 * MIN).templates[0].burst).toBe(false);
		for (let run = 3; run < 8; run++) state = runScope(state, normal(1), run * MIN).state;
		expect(runScope(state, normal(9), 8 * MIN).templates[0].burst).toBe(false);
		expect(runScope(state, normal(10), 8 * MIN).templates[0].burst).toBe(true);
	});

	it('keeps the rate history of every template, zero when silent', () => {
		let state = runScope(
			emptyScopeState(),
			[...normal(2), { text: 'rare event happened' }],
			0,
		).state;
		state = runScope(state, normal(4), 2 * MIN).state;
		const histories = Object.values(state.rates);
		expect(histories).toHaveLength(2);
		expect(histories.map((h) => h.mean).sort()).toEqual([0, 2]);
	});
});

describe('rate history', () => {
	it('is the plain mean and population variance up to the horizon', () => {
		fc.assert(
			fc.property(
				fc.array(fc.double({ min: 0, max: 1e4, noNaN: true }), {
					minLength: 1,
					maxLength: HORIZON,
				}),
				(xs) => {
					const h = xs.reduce<ReturnType<typeof addRate> | undefined>(
						(acc, x) => addRate(acc, x),
						undefined,
					)!;
					const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
					const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
					expect(h.runs).toBe(xs.length);
					expect(h.mean).toBeCloseTo(mean, 6);
					expect(h.variance).toBeCloseTo(variance, 3);
				},
			),
		);
	});

	it('forgets past the horizon, so a new normal stops being a burst', () => {
		let h = addRate(undefined, 10);
		for (let i = 0; i < 200; i++) h = addRate(h, 10);
		for (let i = 0; i < 300; i++) h = addRate(h, 100);
		expect(h.mean).toBeGreaterThan(99);
		expect(checkBurst(h, 100 * 5, 5, DEFAULT_BURST_OPTIONS).burst).toBe(false);
	});

	it('uses the Poisson spread when the history is flat', () => {
		const flat = { runs: 20, mean: 4, variance: 0 };
		// 5-minute window, mean 20 lines: √20 ≈ 4.5 lines of noise, 3σ ≈ 13 lines
		expect(checkBurst(flat, 30, 5, DEFAULT_BURST_OPTIONS).burst).toBe(false);
		expect(checkBurst(flat, 40, 5, DEFAULT_BURST_OPTIONS).burst).toBe(true);
	});
});

describe('runScope: cursors (lines read by an earlier run are skipped)', () => {
	const at = (key: string, position: string, text: string): LogLine => ({
		text,
		cursor: { key, position },
	});

	it('skips lines at or before the cursor and moves it', () => {
		const r1 = runScope(
			emptyScopeState(),
			[at('p/c', '0001', 'job 1 done'), at('p/c', '0002', 'job 2 done')],
			0,
		);
		expect(r1.state.cursors).toEqual({ 'p/c': '0002' });
		const r2 = runScope(
			r1.state,
			[
				at('p/c', '0002', 'job 2 done'),
				at('p/c', '0003', 'job 3 done'),
				at('q/c', '0001', 'job 9 done'),
			],
			1,
		);
		expect(r2.lines.map((l) => !!l.skipped)).toEqual([true, false, false]);
		expect(r2.state.lines).toBe(4);
		expect(r2.state.cursors).toEqual({ 'p/c': '0003', 'q/c': '0001' });
	});
});

describe('patternSignal', () => {
	it('carries what Record Anomaly takes, keyed like an alert signature', () => {
		const s = patternSignal(
			'new',
			'abc123def456',
			{ namespace: 'shop', workload: 'api', container: 'api' },
			Date.UTC(2026, 0, 2, 3, 4, 5),
		);
		expect(s.signature).toEqual({
			alert_name: 'LogPatternNew',
			namespace: 'shop',
			workload: 'api',
			container: 'api',
			error_type: 'abc123def456',
		});
		expect(s.anomaly_key).toBe(anomalyKey(s.signature));
		expect(s.startsAt).toBe('2026-01-02T03:04:05.000Z');
		// the occurrence id names the instant in its canonical spelling (lib/alerts occurrenceId)
		expect(s.occurrence_id).toBe(`${s.anomaly_key}@2026-01-02T03:04:05Z`);
		expect(s.status).toBe('firing');
		expect(patternSignal('burst', 'abc123def456', {}, 0).signature.alert_name).toBe(
			'LogPatternBurst',
		);
	});
});
