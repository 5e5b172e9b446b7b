// `npm run bench:trend`: lib/trend's linear fit (predict_linear/deriv's regression) and
// holt_winters over 1e6 points, against a bare Float64Array loop doing the same arithmetic
// (same compensated sums, same order of operations) in the same process. Prints ms per pass
// and the ratio lib/bare (target: within 3×). Both sides must also agree bit for bit.
import {
	analyzeLinearTrend,
	holtWinters,
	linearRegression,
	wholeSeries,
	type Series,
} from '../lib/trend';

const N = 1_000_000;
const ROUNDS = 15;

function makeSeries(): Series {
	const t = new Float64Array(N);
	const v = new Float64Array(N);
	let seed = 12345;
	for (let i = 0; i < N; i++) {
		seed = (seed * 1103515245 + 12345) % 2147483648;
		t[i] = 1_700_000_000_000 + i * 15_000;
		v[i] = 1000 + 0.01 * i + (seed / 2147483648 - 0.5) * 50;
	}
	return { t, v };
}

/** The regression of Prometheus 2.42 written out flat: four Neumaier sums in locals. */
function bareRegression(t: Float64Array, v: Float64Array, anchor: number): [number, number] {
	let sx = 0,
		cx = 0,
		sy = 0,
		cy = 0,
		sxy = 0,
		cxy = 0,
		sx2 = 0,
		cx2 = 0;
	let n = 0;
	const init = v[0];
	let constY = true;
	for (let i = 0; i < t.length; i++) {
		const y = v[i];
		if (constY && i > 0 && y !== init) constY = false;
		n += 1;
		const x = (t[i] - anchor) / 1e3;
		let s = sx + x;
		cx += Math.abs(sx) >= Math.abs(x) ? sx - s + x : x - s + sx;
		sx = s;
		s = sy + y;
		cy += Math.abs(sy) >= Math.abs(y) ? sy - s + y : y - s + sy;
		sy = s;
		const xy = x * y;
		s = sxy + xy;
		cxy += Math.abs(sxy) >= Math.abs(xy) ? sxy - s + xy : xy - s + sxy;
		sxy = s;
		const xx = x * x;
		s = sx2 + xx;
		cx2 += Math.abs(sx2) >= Math.abs(xx) ? sx2 - s + xx : xx - s + sx2;
		sx2 = s;
	}
	if (constY) return [0, init];
	sx += cx;
	sy += cy;
	sxy += cxy;
	sx2 += cx2;
	const slope = (sxy - (sx * sy) / n) / (sx2 - (sx * sx) / n);
	return [slope, sy / n - (slope * sx) / n];
}

function bareHoltWinters(v: Float64Array, sf: number, tf: number): number {
	let s0 = 0;
	let s1 = v[0];
	let b = v[1] - v[0];
	for (let i = 1; i < v.length; i++) {
		const x = sf * v[i];
		if (i > 1) b = tf * (s1 - s0) + (1 - tf) * b;
		const y = (1 - sf) * (s1 + b);
		s0 = s1;
		s1 = x + y;
	}
	return s1;
}

function median(xs: number[]): number {
	const s = [...xs].sort((a, b) => a - b);
	return s[s.length >> 1];
}

/** Runs the two sides alternately, ROUNDS times each after a warm-up; median ms per pass. */
function compare(name: string, lib: () => unknown, bare: () => unknown): number {
	for (let i = 0; i < 3; i++) {
		lib();
		bare();
	}
	const libMs: number[] = [];
	const bareMs: number[] = [];
	for (let r = 0; r < ROUNDS; r++) {
		let t0 = performance.now();
		lib();
		libMs.push(performance.now() - t0);
		t0 = performance.now();
		bare();
		bareMs.push(performance.now() - t0);
	}
	const l = median(libMs);
	const b = median(bareMs);
	const ratio = l / b;
	console.log(
		`${name.padEnd(34)} lib ${l.toFixed(2).padStart(7)} ms  bare ${b.toFixed(2).padStart(7)} ms  ` +
			`ratio ${ratio.toFixed(2)}×  (${((l * 1e6) / N).toFixed(2)} ns/point)`,
	);
	return ratio;
}

const series = makeSeries();
const w = wholeSeries(series);
const anchor = series.t[N - 1];

const [bareSlope, bareIntercept] = bareRegression(series.t, series.v, anchor);
const fit = linearRegression(w, anchor);
if (fit.slope !== bareSlope || fit.intercept !== bareIntercept) {
	throw new Error(`linear fit differs from the bare loop: ${fit.slope} vs ${bareSlope}`);
}
if (holtWinters(w, 0.3, 0.1) !== bareHoltWinters(series.v, 0.3, 0.1)) {
	throw new Error('holt_winters differs from the bare loop');
}

console.log(
	`bench:trend — ${N.toLocaleString('en')} points, median of ${ROUNDS} passes, Node ${process.version}`,
);
const ratios = [
	compare(
		'linear fit (predict_linear/deriv)',
		() => linearRegression(w, anchor),
		() => bareRegression(series.t, series.v, anchor),
	),
	compare(
		'holt_winters(sf 0.3, tf 0.1)',
		() => holtWinters(w, 0.3, 0.1),
		() => bareHoltWinters(series.v, 0.3, 0.1),
	),
];
// informational: the whole Linear Trend analysis (deriv + predict_linear + R², four passes) against one bare fit
compare(
	'Linear Trend analysis *',
	() =>
		analyzeLinearTrend(w, {
			evalMs: anchor,
			horizonSec: 14400,
			threshold: { value: 1e6, direction: 'above' },
		}),
	() => bareRegression(series.t, series.v, anchor),
);
console.log(
	'* not a target: deriv, predict_linear and R² (four passes over the window) against one bare fit',
);
const worst = Math.max(...ratios);
console.log(
	`worst ratio ${worst.toFixed(2)}× — target within 3×: ${worst <= 3 ? 'met' : 'NOT met'}`,
);
