import fc from 'fast-check';

import { InvalidInputError } from '../../../lib/errors';
import { selectWindow, seriesFromJson, seriesFromSamples } from '../../../lib/trend';

describe('series and range windows', () => {
	it('selects x[R] closed on both ends, as Prometheus 2.42 does', () => {
		const s = seriesFromSamples(Array.from({ length: 11 }, (_, i) => [i * 60_000, i]));
		const w = selectWindow(s, 600_000, 300_000);
		expect(Array.from(w.v.subarray(w.lo, w.hi))).toEqual([5, 6, 7, 8, 9, 10]); // 6 samples (3.x: 5)
		const off = selectWindow(s, 590_000, 300_000);
		expect(Array.from(off.v.subarray(off.lo, off.hi))).toEqual([5, 6, 7, 8, 9]);
		const none = selectWindow(s, -1, 300_000);
		expect(none.hi - none.lo).toBe(0);
		const all = selectWindow(s, 600_000);
		expect(all.hi - all.lo).toBe(11);
	});

	it('matches a plain filter for any samples, time and range (property)', () => {
		fc.assert(
			fc.property(
				fc.uniqueArray(fc.integer({ min: 0, max: 10_000 }), { maxLength: 80 }),
				fc.integer({ min: -100, max: 10_100 }),
				fc.integer({ min: 0, max: 5000 }),
				(times, evalMs, range) => {
					const sorted = [...times].sort((a, b) => a - b);
					const w = selectWindow(seriesFromSamples(sorted.map((t) => [t, t])), evalMs, range);
					const expected = sorted.filter((t) => t >= evalMs - range && t <= evalMs);
					expect(Array.from(w.t.subarray(w.lo, w.hi))).toEqual(expected);
				},
			),
		);
	});

	it('leaves out absent values (the stale-marker case) but keeps ordinary NaN', () => {
		const s = seriesFromSamples([
			[0, 1],
			[1, undefined],
			[2, null],
			[3, NaN],
			[4, 2],
		]);
		expect(Array.from(s.t)).toEqual([0, 3, 4]);
		expect(s.v[1]).toBeNaN();
	});
});

describe('series in items', () => {
	it('reads [t, v] pairs as the Prometheus API writes them', () => {
		const s = seriesFromJson(
			[
				[1700000000, '1'],
				[1700000015.5, 'NaN'],
				[1700000030.123, '+Inf'],
			],
			'values',
		);
		expect(Array.from(s.t)).toEqual([1_700_000_000_000, 1_700_000_015_500, 1_700_000_030_123]);
		expect(s.v[0]).toBe(1);
		expect(s.v[1]).toBeNaN();
		expect(s.v[2]).toBe(Infinity);
	});

	it('reads {t, v} objects, milliseconds, RFC 3339, sorts, and skips null values', () => {
		const s = seriesFromJson(
			[
				{ t: 3000, v: 3 },
				{ t: 1000, v: '1' },
				{ t: 2000, v: null },
			],
			'points',
			'milliseconds',
		);
		expect(Array.from(s.t)).toEqual([1000, 3000]);
		expect(Array.from(s.v)).toEqual([1, 3]);
		const iso = seriesFromJson([{ t: '2023-11-14T22:13:20Z', v: 2 }], 'points');
		expect(Array.from(iso.t)).toEqual([1_700_000_000_000]);
	});

	it('names the field and the sample when one is wrong', () => {
		const bad = (raw: unknown, message: RegExp, field: string) => {
			try {
				seriesFromJson(raw, 'values');
				expect.unreachable();
			} catch (error) {
				expect(error).toBeInstanceOf(InvalidInputError);
				expect((error as Error).message).toMatch(message);
				expect((error as InvalidInputError).field).toBe(field);
			}
		};
		bad('nope', /values must be an array/, 'values');
		bad([[1, 2], [3]], /values\[1\] is neither/, 'values[1]');
		bad([[1, 'x']], /values\[0\]: value "x" is not a number/, 'values[0]');
		bad([[{}, 1]], /values\[0\]: timestamp must be/, 'values[0]');
		bad(
			[
				[1, 1],
				[1, 2],
			],
			/two samples at the same time/,
			'values',
		);
	});
});
