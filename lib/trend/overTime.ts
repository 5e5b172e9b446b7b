// The *_over_time aggregations of Prometheus 2.42 a baseline needs, with 2.42's arithmetic:
// avg_over_time as an incremental Kahan mean (2.55 changed it to a direct sum), stdvar/stddev as
// Welford with compensated accumulators (population: divided by n), quantile with NaN sorted
// first. An empty window gives undefined: Prometheus outputs nothing there.
import { KahanSum } from './kahan';
import type { Window } from './series';

export function avgOverTime(w: Window): number | undefined {
	const { v, lo, hi } = w;
	if (hi === lo) return undefined;
	const mean = new KahanSum();
	let count = 0;
	for (let i = lo; i < hi; i++) {
		const x = v[i];
		count++;
		const m = mean.sum;
		if (m === Infinity || m === -Infinity) {
			// an infinite mean stays as it is for a finite value or an Inf of the same sign
			if ((x === Infinity || x === -Infinity) && m > 0 === x > 0) continue;
			if (Number.isFinite(x)) continue;
		}
		mean.add(x / count - m / count);
	}
	if (mean.sum === Infinity || mean.sum === -Infinity) return mean.sum;
	return mean.sum + mean.c;
}

export function stdvarOverTime(w: Window): number | undefined {
	const { v, lo, hi } = w;
	if (hi === lo) return undefined;
	let count = 0;
	const mean = new KahanSum();
	const aux = new KahanSum();
	for (let i = lo; i < hi; i++) {
		const x = v[i];
		count++;
		const delta = x - (mean.sum + mean.c);
		mean.add(delta / count);
		aux.add(delta * (x - (mean.sum + mean.c)));
	}
	return (aux.sum + aux.c) / count;
}

export function stddevOverTime(w: Window): number | undefined {
	const stdvar = stdvarOverTime(w);
	return stdvar === undefined ? undefined : Math.sqrt(stdvar);
}

/** Prometheus' quantile over plain values (q outside [0, 1] gives ∓Inf, NaN q gives NaN). */
export function quantile(q: number, values: Float64Array): number {
	const n = values.length;
	if (n === 0 || Number.isNaN(q)) return NaN;
	if (q < 0) return -Infinity;
	if (q > 1) return Infinity;
	// Prometheus sorts NaN before everything; a typed-array sort puts it last, so rotate
	const sorted = Float64Array.from(values).sort();
	let nans = 0;
	while (nans < n && Number.isNaN(sorted[n - 1 - nans])) nans++;
	if (nans > 0) {
		sorted.copyWithin(nans, 0, n - nans);
		sorted.fill(NaN, 0, nans);
	}
	const rank = q * (n - 1);
	const lower = Math.max(0, Math.floor(rank));
	const upper = Math.min(n - 1, lower + 1);
	const weight = rank - Math.floor(rank);
	return sorted[lower] * (1 - weight) + sorted[upper] * weight;
}

export function quantileOverTime(q: number, w: Window): number | undefined {
	if (w.hi === w.lo) return undefined;
	return quantile(q, w.v.subarray(w.lo, w.hi));
}
