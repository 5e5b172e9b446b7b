// `holt_winters(x[R], sf, tf)` as Prometheus 2.42 computes it (3.x renamed it
// double_exponential_smoothing, same maths and error texts). Not textbook Holt: the trend is
// updated from the difference of the two previous smoothed values, and the result is the last
// smoothed value, with no forecast step.
import { InvalidInputError } from '../errors';
import { formatGoF6 } from './goFormat';
import type { Window } from './series';

/** Prometheus' own checks and error texts for the two factors (NaN passes, as in Go). */
export function checkHoltWintersFactors(sf: number, tf: number): void {
	if (sf <= 0 || sf >= 1) {
		throw new InvalidInputError(
			`invalid smoothing factor. Expected: 0 < sf < 1, got: ${formatGoF6(sf)}`,
			'smoothingFactor',
		);
	}
	if (tf <= 0 || tf >= 1) {
		throw new InvalidInputError(
			`invalid trend factor. Expected: 0 < tf < 1, got: ${formatGoF6(tf)}`,
			'trendFactor',
		);
	}
}

/**
 * The smoothed value at the window's last sample. Undefined (no output) for an empty window —
 * Prometheus does not call the function then, so the factors are not checked either — and for a
 * single sample, after the factors were checked.
 */
export function holtWinters(w: Window, sf: number, tf: number): number | undefined {
	const { v, lo, hi } = w;
	if (hi === lo) return undefined;
	checkHoltWintersFactors(sf, tf);
	if (hi - lo < 2) return undefined;
	let s0 = 0;
	let s1 = v[lo];
	let b = v[lo + 1] - v[lo];
	for (let i = lo + 1; i < hi; i++) {
		const x = sf * v[i];
		// calcTrendValue(i-1, …): the first step keeps the initial trend
		if (i - 1 > lo) b = tf * (s1 - s0) + (1 - tf) * b;
		const y = (1 - sf) * (s1 + b);
		s0 = s1;
		s1 = x + y;
	}
	return s1;
}
