// The Linear Trend analysis: Prometheus' deriv and predict_linear numbers for one window plus
// what an SRE asks of them — slope per hour, R², when a threshold is crossed, how far to trust it.
import { KahanSum } from './kahan';
import { deriv, linearRegression } from './regression';
import { lastValue, type Window } from './series';

export type BreachDirection = 'above' | 'below';
export type Confidence = 'high' | 'medium' | 'low';

export interface LinearTrendOptions {
	evalMs: number;
	/** how far ahead predict_linear looks, in seconds */
	horizonSec: number;
	/** the level that must not be reached; `direction` says from which side */
	threshold?: { value: number; direction: BreachDirection };
}

export interface LinearTrend {
	samples: number;
	/** the last sample at or before the evaluation time */
	current: number | undefined;
	/** deriv(x[R]) */
	slopePerSecond: number | undefined;
	slopePerHour: number | undefined;
	/** predict_linear(x[R], 0): the fitted line at the evaluation time */
	fittedNow: number | undefined;
	/** predict_linear(x[R], horizon) */
	predicted: number | undefined;
	rSquared: number | undefined;
	confidence: Confidence;
	/** 0 when already there; null when the line never gets there (or cannot be fitted) */
	hoursToThreshold: number | null;
	breachedNow: boolean;
	/** the threshold is reached now or within the horizon */
	willBreach: boolean;
}

/** high: R² ≥ 0.8 over ≥ 10 samples; medium: R² ≥ 0.5 over ≥ 5; otherwise low. */
export function trendConfidence(rSquared: number | undefined, samples: number): Confidence {
	if (rSquared === undefined || Number.isNaN(rSquared)) return 'low';
	if (rSquared >= 0.8 && samples >= 10) return 'high';
	if (rSquared >= 0.5 && samples >= 5) return 'medium';
	return 'low';
}

/**
 * R² of the fitted line, 1 − SSres/SStot, in a second pass (one-pass variance formulas lose
 * everything on values near 1e12). A constant series is fitted exactly: 1 (as scikit-learn's
 * r2_score with force_finite). NaN when a value is NaN or infinite. Clamped to [0, 1].
 */
export function rSquared(w: Window, anchorMs: number, slope: number, intercept: number): number {
	const { t, v, lo, hi } = w;
	const n = hi - lo;
	const sumY = new KahanSum();
	for (let i = lo; i < hi; i++) sumY.add(v[i]);
	const mean = (sumY.sum + sumY.c) / n;
	const ssRes = new KahanSum();
	const ssTot = new KahanSum();
	for (let i = lo; i < hi; i++) {
		const x = (t[i] - anchorMs) / 1e3;
		const r = v[i] - (intercept + slope * x);
		const d = v[i] - mean;
		ssRes.add(r * r);
		ssTot.add(d * d);
	}
	const res = ssRes.sum + ssRes.c;
	const tot = ssTot.sum + ssTot.c;
	if (Number.isNaN(res) || Number.isNaN(tot) || !Number.isFinite(mean)) return NaN;
	if (tot === 0) return 1;
	return Math.min(1, Math.max(0, 1 - res / tot));
}

function reached(value: number, threshold: number, direction: BreachDirection): boolean {
	return direction === 'above' ? value >= threshold : value <= threshold;
}

export function analyzeLinearTrend(w: Window, options: LinearTrendOptions): LinearTrend {
	const samples = w.hi - w.lo;
	const current = lastValue(w);
	const result: LinearTrend = {
		samples,
		current,
		slopePerSecond: undefined,
		slopePerHour: undefined,
		fittedNow: undefined,
		predicted: undefined,
		rSquared: undefined,
		confidence: 'low',
		hoursToThreshold: null,
		breachedNow: false,
		willBreach: false,
	};
	let slope = NaN;
	let intercept = NaN;
	if (samples >= 2) {
		({ slope, intercept } = linearRegression(w, options.evalMs));
		result.slopePerSecond = deriv(w);
		result.slopePerHour = result.slopePerSecond! * 3600;
		result.fittedNow = intercept;
		result.predicted = slope * options.horizonSec + intercept;
		result.rSquared = rSquared(w, options.evalMs, slope, intercept);
		result.confidence = trendConfidence(result.rSquared, samples);
	}
	const threshold = options.threshold;
	if (threshold && current !== undefined) {
		const { value, direction } = threshold;
		if (reached(current, value, direction)) {
			result.breachedNow = true;
			result.hoursToThreshold = 0;
		} else if (direction === 'above' ? slope > 0 : slope < 0) {
			// where the fitted line meets the threshold, seconds after the evaluation time
			const seconds = (value - intercept) / slope;
			if (!Number.isNaN(seconds)) result.hoursToThreshold = Math.max(0, seconds) / 3600;
		}
		result.willBreach =
			result.hoursToThreshold !== null && result.hoursToThreshold * 3600 <= options.horizonSec;
	}
	return result;
}
