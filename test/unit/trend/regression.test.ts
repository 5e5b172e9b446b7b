import fc from 'fast-check';

import {
	deriv,
	linearRegression,
	predictLinear,
	selectWindow,
	seriesFromSamples,
} from '../../../lib/trend';
import { regular, win } from './helpers';

// Prometheus 2.42 promql/testdata/functions.test: samples every 5m, values 0 10 20 30 40 0 10 20 30 40 50
const fixture = seriesFromSamples(
	[0, 10, 20, 30, 40, 0, 10, 20, 30, 40, 50].map((v, i) => [i * 300_000, v]),
);

describe('linear regression as deriv and predict_linear (Prometheus 2.42)', () => {
	it('reproduces the upstream fixture values bit for bit', () => {
		const at50m = selectWindow(fixture, 3000_000, 6000_000);
		expect(deriv(at50m)).toBe(0.010606060606060607);
		expect(predictLinear(at50m, 3000_000, 3600)).toBe(76.81818181818181);
		// x[100m] @ 3000 evaluated at 10m: data fixed at 3000 s, the line anchored at the evaluation time
		expect(predictLinear(at50m, 600_000, 3600)).toBe(51.36363636363637);
		expect(predictLinear(at50m, 4200_000, 3600)).toBe(89.54545454545455);
		const counter = seriesFromSamples(Array.from({ length: 11 }, (_, i) => [i * 300_000, i * 80]));
		expect(deriv(selectWindow(counter, 3000_000, 3000_000))).toBe(0.26666666666666666);
	});

	it('anchors predict_linear at the evaluation time and deriv at the first sample', () => {
		const w = win([
			[0, 100],
			[15, 90],
			[30, 85],
			[45, 70],
			[60, 62],
		]);
		expect(deriv(w)).toBe(-0.64);
		expect(linearRegression(w, 60_000)).toEqual({ slope: -0.64, intercept: 62.2 });
		expect(predictLinear(w, 60_000, 3600)).toBe(-2241.8);
		expect(predictLinear(w, 60_000, 0)).toBe(62.2);
	});

	it('gives no value below two samples, as Prometheus outputs nothing there', () => {
		expect(deriv(win([[0, 1]]))).toBeUndefined();
		expect(predictLinear(win([[0, 1]]), 0, 60)).toBeUndefined();
		expect(deriv(win([]))).toBeUndefined();
	});

	it('treats constants, infinities and NaN as Prometheus does', () => {
		expect(deriv(regular([7, 7, 7]))).toBe(0);
		expect(predictLinear(regular([7, 7, 7]), 5000, 1e6)).toBe(7);
		expect(predictLinear(regular([7, 7, 7]), 5000, Infinity)).toBeNaN(); // 0 × Inf
		expect(deriv(regular([Infinity, Infinity]))).toBeNaN();
		expect(predictLinear(regular([-Infinity, -Infinity]), 0, 0)).toBeNaN();
		expect(deriv(regular([1, Infinity, 3]))).toBeNaN();
		expect(deriv(regular([NaN, NaN]))).toBeNaN(); // NaN != NaN: not "constant"
		expect(deriv(regular([1, NaN, 3]))).toBeNaN();
	});

	it('loses on values near 1e12 exactly what Prometheus loses, no more and no less', () => {
		// a perfect line 1e12 + 1000/s, every 15 s for 1 h around 2023; Prometheus 2.42 answers
		// deriv(big[1h]) = 999.9999998765411 and predict_linear(big[1h], 3600) = 1000007185000.0007
		const t0 = 1_700_000_000;
		const w = win(Array.from({ length: 240 }, (_, i) => [t0 + 15 * i, 1e12 + 15_000 * i]));
		expect(deriv(w)).toBe(999.9999998765411);
		const evalMs = (t0 + 15 * 239) * 1000;
		expect(predictLinear(w, evalMs, 3600)).toBe(1000007185000.0007);
	});

	it('recovers the slope and intercept of any exact line (property)', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: -1000, max: 1000 }),
				fc.integer({ min: -50, max: 50 }),
				fc.integer({ min: 2, max: 200 }),
				fc.integer({ min: 1, max: 120 }),
				(a, b, n, step) => {
					const w = regular(
						Array.from({ length: n }, (_, i) => a + b * i * step),
						step,
					);
					const slope = deriv(w)!;
					expect(Math.abs(slope - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b)));
					const evalMs = (n - 1) * step * 1000;
					const at = predictLinear(w, evalMs, 0)!;
					expect(Math.abs(at - (a + b * (n - 1) * step))).toBeLessThanOrEqual(1e-6);
				},
			),
		);
	});

	it('shifts the prediction by exactly what the values are shifted by, up to rounding (property)', () => {
		fc.assert(
			fc.property(
				fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 3, maxLength: 50 }),
				fc.double({ min: -1e3, max: 1e3, noNaN: true }),
				(values, shift) => {
					const evalMs = values.length * 1000;
					const p = predictLinear(regular(values), evalMs, 60)!;
					const q = predictLinear(regular(values.map((v) => v + shift)), evalMs, 60)!;
					expect(Math.abs(q - (p + shift))).toBeLessThanOrEqual(
						1e-6 * (1 + Math.abs(p) + Math.abs(shift)),
					);
				},
			),
		);
	});
});
