import fc from 'fast-check';

import { analyzeLinearTrend, rSquared, trendConfidence } from '../../../lib/trend';
import { regular } from './helpers';

const HOUR = 3600;

describe('Linear Trend analysis', () => {
	it('reports slope per second/hour, the fitted value now, and the prediction at the horizon', () => {
		// 0.5 per minute for 60 minutes, evaluated at the last sample
		const w = regular(
			Array.from({ length: 61 }, (_, i) => 10 + 0.5 * i),
			60,
		);
		const t = analyzeLinearTrend(w, { evalMs: 3600_000, horizonSec: 4 * HOUR });
		expect(t.samples).toBe(61);
		expect(t.current).toBe(40);
		expect(t.slopePerSecond).toBeCloseTo(0.5 / 60, 15);
		expect(t.slopePerHour).toBeCloseTo(30, 10);
		expect(t.fittedNow).toBeCloseTo(40, 10);
		expect(t.predicted).toBeCloseTo(160, 9);
		expect(t.rSquared).toBe(1);
		expect(t.confidence).toBe('high');
	});

	it('says how many hours until a rising threshold, and whether that is within the horizon', () => {
		const w = regular(
			Array.from({ length: 61 }, (_, i) => 10 + 0.5 * i),
			60,
		);
		const rising = analyzeLinearTrend(w, {
			evalMs: 3600_000,
			horizonSec: 4 * HOUR,
			threshold: { value: 100, direction: 'above' },
		});
		expect(rising.hoursToThreshold).toBeCloseTo(2, 10); // 60 more at 30/h
		expect(rising.willBreach).toBe(true);
		expect(rising.breachedNow).toBe(false);
		const far = analyzeLinearTrend(w, {
			evalMs: 3600_000,
			horizonSec: 1 * HOUR,
			threshold: { value: 100, direction: 'above' },
		});
		expect(far.hoursToThreshold).toBeCloseTo(2, 10);
		expect(far.willBreach).toBe(false);
	});

	it('is direction-aware: a rising series never reaches a floor below it (null), a falling one does', () => {
		const up = regular([1, 2, 3, 4, 5], 60);
		const floor = analyzeLinearTrend(up, {
			evalMs: 240_000,
			horizonSec: HOUR,
			threshold: { value: 0, direction: 'below' },
		});
		expect(floor.hoursToThreshold).toBeNull();
		expect(floor.willBreach).toBe(false);
		const down = regular([5, 4, 3, 2, 1], 60);
		const falling = analyzeLinearTrend(down, {
			evalMs: 240_000,
			horizonSec: HOUR,
			threshold: { value: 0, direction: 'below' },
		});
		expect(falling.hoursToThreshold).toBeCloseTo(1 / 60, 12); // 1 per minute, 1 to go
		expect(falling.willBreach).toBe(true);
	});

	it('says 0 hours and will breach when the current value is already past the threshold', () => {
		const t = analyzeLinearTrend(regular([90, 95, 99], 60), {
			evalMs: 120_000,
			horizonSec: HOUR,
			threshold: { value: 95, direction: 'above' },
		});
		expect(t.breachedNow).toBe(true);
		expect(t.hoursToThreshold).toBe(0);
		expect(t.willBreach).toBe(true);
	});

	it('never breaches on a flat line below the threshold, and a constant fits perfectly', () => {
		const t = analyzeLinearTrend(regular(Array(12).fill(5), 60), {
			evalMs: 660_000,
			horizonSec: HOUR,
			threshold: { value: 6, direction: 'above' },
		});
		expect(t.slopePerSecond).toBe(0);
		expect(t.predicted).toBe(5);
		expect(t.rSquared).toBe(1);
		expect(t.hoursToThreshold).toBeNull();
		expect(t.willBreach).toBe(false);
	});

	it('gives no values (and low confidence) below two samples, and NaN where Prometheus does', () => {
		const one = analyzeLinearTrend(regular([5]), {
			evalMs: 0,
			horizonSec: HOUR,
			threshold: { value: 9, direction: 'above' },
		});
		expect(one.predicted).toBeUndefined();
		expect(one.slopePerSecond).toBeUndefined();
		expect(one.confidence).toBe('low');
		expect(one.hoursToThreshold).toBeNull();
		expect(one.current).toBe(5);
		const nan = analyzeLinearTrend(regular([1, NaN, 3]), {
			evalMs: 2000,
			horizonSec: HOUR,
			threshold: { value: 9, direction: 'above' },
		});
		expect(nan.predicted).toBeNaN();
		expect(nan.rSquared).toBeNaN();
		expect(nan.confidence).toBe('low');
		expect(nan.hoursToThreshold).toBeNull();
		expect(nan.willBreach).toBe(false);
	});

	it('grades confidence from R² and the number of samples', () => {
		expect(trendConfidence(0.95, 10)).toBe('high');
		expect(trendConfidence(0.95, 9)).toBe('medium');
		expect(trendConfidence(0.6, 50)).toBe('medium');
		expect(trendConfidence(0.6, 4)).toBe('low');
		expect(trendConfidence(0.3, 100)).toBe('low');
		expect(trendConfidence(undefined, 100)).toBe('low');
	});

	it('R² is 1 on a line, low on noise around a flat line, and keeps precision near 1e12', () => {
		const line = regular([1, 3, 5, 7]);
		expect(rSquared(line, 0, 2, 1)).toBe(1);
		const zigzag = regular([0, 1, 0, 1, 0, 1, 0, 1]);
		const fit = analyzeLinearTrend(zigzag, { evalMs: 7000, horizonSec: 0 });
		expect(fit.rSquared!).toBeLessThan(0.2);
		const big = regular(
			Array.from({ length: 100 }, (_, i) => 1e12 + 1000 * i + (i % 2 ? 1 : -1)),
			15,
		);
		const bigFit = analyzeLinearTrend(big, { evalMs: 99 * 15_000, horizonSec: 0 });
		expect(bigFit.rSquared!).toBeGreaterThan(0.99999);
		expect(bigFit.rSquared!).toBeLessThan(1);
	});

	it('hours to a rising threshold match the exact line (property)', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: -1000, max: 1000 }),
				fc.integer({ min: 1, max: 100 }),
				fc.integer({ min: 1, max: 10_000 }),
				(a, perMinute, gap) => {
					const values = Array.from({ length: 30 }, (_, i) => a + perMinute * i);
					const t = analyzeLinearTrend(regular(values, 60), {
						evalMs: 29 * 60_000,
						horizonSec: 24 * HOUR,
						threshold: { value: values[29] + gap, direction: 'above' },
					});
					const expected = gap / perMinute / 60;
					expect(Math.abs(t.hoursToThreshold! - expected)).toBeLessThanOrEqual(
						1e-9 * (1 + expected),
					);
					expect(t.willBreach).toBe(expected <= 24);
				},
			),
		);
	});
});
