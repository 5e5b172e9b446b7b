// A series of samples and the range-vector window Prometheus 2.42 hands its range functions.
// Timestamps are integer milliseconds since the epoch (as Prometheus stores them) kept in a
// Float64Array, which holds them exactly; values are float64.

export interface Series {
	/** sample times, ms since the epoch, integers, strictly increasing */
	t: Float64Array;
	v: Float64Array;
}

/** The samples `series[lo, hi)` a range function sees at one evaluation. */
export interface Window {
	t: Float64Array;
	v: Float64Array;
	lo: number;
	hi: number;
}

/** The whole series as a window. */
export function wholeSeries(series: Series): Window {
	return { t: series.t, v: series.v, lo: 0, hi: series.t.length };
}

/** First index whose time is >= ms (binary search over the sorted times). */
function firstAtOrAfter(t: Float64Array, ms: number): number {
	let lo = 0;
	let hi = t.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (t[mid] < ms) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

/**
 * The samples of `x[range]` evaluated at `evalMs` in Prometheus 2.42: closed on both ends,
 * `evalMs - rangeMs <= t <= evalMs` (3.x made it left-open). Without a range: every sample up to
 * the evaluation time.
 */
export function selectWindow(series: Series, evalMs: number, rangeMs?: number): Window {
	const hi = firstAtOrAfter(series.t, evalMs + 1);
	const lo = rangeMs === undefined ? 0 : Math.min(hi, firstAtOrAfter(series.t, evalMs - rangeMs));
	return { t: series.t, v: series.v, lo, hi };
}

/**
 * Builds a series from samples already sorted by time, leaving out absent values
 * (`null`/`undefined`). They stand for what Prometheus' stale markers are: range functions
 * never see them. (Stale markers themselves never reach us: the HTTP API drops them, and a NaN
 * payload does not survive JavaScript arrays or JSON.)
 */
export function seriesFromSamples(
	samples: ReadonlyArray<readonly [number, number | null | undefined]>,
): Series {
	const t = new Float64Array(samples.length);
	const v = new Float64Array(samples.length);
	let n = 0;
	for (const [ts, value] of samples) {
		if (value === null || value === undefined) continue;
		t[n] = ts;
		v[n] = value;
		n++;
	}
	return { t: t.subarray(0, n), v: v.subarray(0, n) };
}

/** The last sample value of the window (the "current" value), undefined when empty. */
export function lastValue(w: Window): number | undefined {
	return w.hi > w.lo ? w.v[w.hi - 1] : undefined;
}
