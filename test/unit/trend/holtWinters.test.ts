import fc from 'fast-check';

import { InvalidInputError } from '../../../lib/errors';
import {
	checkHoltWintersFactors,
	holtWinters,
	selectWindow,
	seriesFromSamples,
} from '../../../lib/trend';
import { regular, win } from './helpers';

describe('holt_winters (Prometheus 2.42)', () => {
	it('reproduces the documented values', () => {
		expect(holtWinters(regular([1, 3, 2, 5]), 0.5, 0.5)).toBe(4.875);
		expect(holtWinters(regular([1, 3, 2, 5]), 0.3, 0.6)).toBe(5.3919999999999995);
		// upstream fixture: 0+10x1000 every 10 s, holt_winters(x[1m], 0.01, 0.1) at 8000 s → 8000
		const s = seriesFromSamples(Array.from({ length: 1001 }, (_, i) => [i * 10_000, i * 10]));
		const w = selectWindow(s, 8000_000, 60_000);
		expect(w.hi - w.lo).toBe(7);
		expect(holtWinters(w, 0.01, 0.1)).toBe(8000);
	});

	it("refuses factors outside (0, 1) with Prometheus' own error text", () => {
		const w = regular([1, 2, 3]);
		expect(() => holtWinters(w, 1, 0.5)).toThrow(
			'invalid smoothing factor. Expected: 0 < sf < 1, got: 1.000000',
		);
		expect(() => holtWinters(w, 0.5, 0)).toThrow(
			'invalid trend factor. Expected: 0 < tf < 1, got: 0.000000',
		);
		expect(() => checkHoltWintersFactors(-0.25, 0.5)).toThrow('got: -0.250000');
		expect(() => checkHoltWintersFactors(0.5, Infinity)).toThrow('got: +Inf');
		try {
			checkHoltWintersFactors(2, 0.5);
		} catch (error) {
			expect(error).toBeInstanceOf(InvalidInputError);
			expect((error as InvalidInputError).field).toBe('smoothingFactor');
		}
	});

	it('checks the factors only where the window has a sample, and needs two for a value', () => {
		expect(holtWinters(win([]), 5, 5)).toBeUndefined();
		expect(() => holtWinters(win([[0, 1]]), 5, 0.5)).toThrow('invalid smoothing factor');
		expect(holtWinters(win([[0, 1]]), 0.5, 0.5)).toBeUndefined();
	});

	it('lets NaN factors through, as Go comparisons do, giving NaN', () => {
		expect(holtWinters(regular([1, 2, 3]), NaN, 0.5)).toBeNaN();
	});

	it('follows an exact line to its last value (property)', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: -1000, max: 1000 }),
				fc.integer({ min: -100, max: 100 }),
				fc.integer({ min: 2, max: 100 }),
				fc.double({ min: 0.01, max: 0.99, noNaN: true }),
				fc.double({ min: 0.01, max: 0.99, noNaN: true }),
				(a, b, n, sf, tf) => {
					const values = Array.from({ length: n }, (_, i) => a + b * i);
					const last = values[n - 1];
					const smoothed = holtWinters(regular(values), sf, tf)!;
					expect(Math.abs(smoothed - last)).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(last)));
				},
			),
		);
	});

	it('overshoots after a step, as its trend term does in Prometheus', () => {
		// s: 0, 0, 0, 9, 10.71, then b = 0.9 × 1.71 + 0.1 × 8.1 = 2.349 → 0.9 × 10 + 0.1 × 13.059
		expect(holtWinters(regular([0, 0, 0, 10, 10, 10]), 0.9, 0.9)).toBeCloseTo(10.3059, 12);
	});
});
