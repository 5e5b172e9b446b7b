// Least squares as Prometheus 2.42's linearRegression (promql/functions.go), which deriv and
// predict_linear share. Precision handling of 2.42: x is (t - anchor) in integer milliseconds,
// then /1e3, so large epoch timestamps never enter the sums; the four sums are Neumaier-
// compensated separately; the formulas below keep 2.42's order of operations.
import { KahanSum } from './kahan';
import type { Window } from './series';

export interface Regression {
	/** per second */
	slope: number;
	/** the fitted value at the anchor time */
	intercept: number;
}

export function linearRegression(w: Window, anchorMs: number): Regression {
	const { t, v, lo, hi } = w;
	const sumX = new KahanSum();
	const sumY = new KahanSum();
	const sumXY = new KahanSum();
	const sumX2 = new KahanSum();
	const initY = v[lo];
	let constY = true;
	let n = 0;
	for (let i = lo; i < hi; i++) {
		const y = v[i];
		// `!==` as Go's `!=`: a NaN anywhere (even first) makes the series non-constant
		if (constY && i > lo && y !== initY) constY = false;
		n += 1;
		const x = (t[i] - anchorMs) / 1e3;
		sumX.add(x);
		sumY.add(y);
		sumXY.add(x * y);
		sumX2.add(x * x);
	}
	if (constY) {
		if (initY === Infinity || initY === -Infinity) return { slope: NaN, intercept: NaN };
		return { slope: 0, intercept: initY };
	}
	const sx = sumX.sum + sumX.c;
	const sy = sumY.sum + sumY.c;
	const sxy = sumXY.sum + sumXY.c;
	const sx2 = sumX2.sum + sumX2.c;
	const covXY = sxy - (sx * sy) / n;
	const varX = sx2 - (sx * sx) / n;
	const slope = covXY / varX;
	const intercept = sy / n - (slope * sx) / n;
	return { slope, intercept };
}

/** `deriv(x[R])`: the slope per second, anchored at the window's first sample; undefined (no
 * output) with fewer than two samples. */
export function deriv(w: Window): number | undefined {
	if (w.hi - w.lo < 2) return undefined;
	return linearRegression(w, w.t[w.lo]).slope;
}

/** `predict_linear(x[R], horizonSec)` evaluated at `evalMs`: the line is anchored at the
 * evaluation time (not the window end); undefined (no output) with fewer than two samples. */
export function predictLinear(w: Window, evalMs: number, horizonSec: number): number | undefined {
	if (w.hi - w.lo < 2) return undefined;
	const { slope, intercept } = linearRegression(w, evalMs);
	return slope * horizonSec + intercept;
}
