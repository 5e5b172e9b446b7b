import fc from 'fast-check';

import {
	avgOverTime,
	quantile,
	quantileOverTime,
	stddevOverTime,
	stdvarOverTime,
} from '../../../lib/trend';
import { regular, win } from './helpers';

const q = (p: number, values: number[]) => quantile(p, Float64Array.from(values));

describe('avg/stddev/stdvar/quantile_over_time (Prometheus 2.42)', () => {
	it('stdvar/stddev: Welford with compensation, population variance', () => {
		expect(stdvarOverTime(regular([0, 8, 8, 2, 3]))).toBe(10.559999999999999);
		expect(stddevOverTime(regular([0, 8, 8, 2, 3]))).toBe(3.249615361854384);
		expect(stddevOverTime(regular(Array(3).fill(1.5990505637277868)))).toBe(0);
		expect(stddevOverTime(regular([5]))).toBe(0);
		expect(stddevOverTime(regular([1, Infinity, 2]))).toBeNaN();
	});

	it("avg: 2.42's incremental mean, not the later direct sum", () => {
		expect(avgOverTime(regular([1.1, 2.2, 3.3]))).toBe(2.2); // 2.55+ gives 2.1999999999999997
		expect(avgOverTime(regular([1, 2, 3, 4, Infinity]))).toBe(Infinity);
		expect(avgOverTime(regular([1, 2, 3, Infinity, -Infinity]))).toBeNaN();
		expect(avgOverTime(regular([Infinity, 0, Infinity]))).toBe(Infinity);
		expect(avgOverTime(regular([-Infinity, 0, -Infinity]))).toBe(-Infinity);
		expect(avgOverTime(regular([Infinity, Infinity, Infinity, -Infinity]))).toBeNaN();
		expect(avgOverTime(regular([9.988465674311579e307, 9.988465674311579e307]))).toBe(
			9.988465674311579e307,
		);
		expect(avgOverTime(regular([-9.988465674311579e307, 9.988465674311579e307]))).toBe(0);
	});

	it('quantile: interpolated rank, NaN sorted first, ∓Inf outside [0, 1]', () => {
		expect(q(0.9, [3, 1, 4, 1, 5, 9, 2, 6])).toBe(6.8999999999999995);
		expect(q(0.99, [3, 1, 4, 1, 5, 9, 2, 6])).toBe(8.79);
		expect(q(0.75, [0, 1, 4])).toBe(2.5);
		expect(q(0.8, [0, 1, 2])).toBe(1.6);
		expect(q(1, [1, Infinity])).toBeNaN(); // Inf × 1 + Inf × 0
		expect(q(0.5, [1, Infinity])).toBe(Infinity);
		expect(q(0, [NaN, 1, 2])).toBeNaN();
		expect(q(0.5, [2, NaN, 1])).toBe(1);
		expect(q(-0.1, [1, 2])).toBe(-Infinity);
		expect(q(1.1, [1, 2])).toBe(Infinity);
		expect(q(NaN, [1, 2])).toBeNaN();
		expect(q(0.5, [])).toBeNaN();
	});

	it('gives no value for an empty window', () => {
		const empty = win([]);
		expect(avgOverTime(empty)).toBeUndefined();
		expect(stddevOverTime(empty)).toBeUndefined();
		expect(quantileOverTime(0.5, empty)).toBeUndefined();
	});

	it('orders quantiles, bounds them by min and max, and keeps the mean inside (property)', () => {
		fc.assert(
			fc.property(
				fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 60 }),
				fc.double({ min: 0, max: 1, noNaN: true }),
				fc.double({ min: 0, max: 1, noNaN: true }),
				(values, a, b) => {
					const w = regular(values);
					const [lo, hi] = a <= b ? [a, b] : [b, a];
					expect(quantileOverTime(lo, w)!).toBeLessThanOrEqual(quantileOverTime(hi, w)!);
					// numerically equal: 0 and -0 are the same bound (Object.is would tell them apart)
					expect(quantileOverTime(0, w)! === Math.min(...values)).toBe(true);
					expect(quantileOverTime(1, w)! === Math.max(...values)).toBe(true);
					const mean = avgOverTime(w)!;
					expect(mean).toBeGreaterThanOrEqual(Math.min(...values) - 1e-6);
					expect(mean).toBeLessThanOrEqual(Math.max(...values) + 1e-6);
					expect(stddevOverTime(w)!).toBeGreaterThanOrEqual(0);
				},
			),
		);
	});

	it('stddev does not move when every value is shifted (property)', () => {
		fc.assert(
			fc.property(
				fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 2, maxLength: 60 }),
				fc.double({ min: -1e6, max: 1e6, noNaN: true }),
				(values, shift) => {
					const a = stddevOverTime(regular(values))!;
					const b = stddevOverTime(regular(values.map((v) => v + shift)))!;
					expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-6 * (1 + a));
				},
			),
		);
	});
});
