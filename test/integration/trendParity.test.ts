// Parity with a real Prometheus 2.42: the same samples are backfilled into Prometheus and given
// to lib/trend (and to the built Trend Predict node); every range function the node relies on
// must give the same number (relative error ≤ 1e-9, absolute ≤ 1e-12 near zero), the same NaN/Inf,
// and "no value" exactly where Prometheus outputs nothing.
import {
	avgOverTime,
	deriv,
	holtWinters,
	predictLinear,
	quantileOverTime,
	selectWindow,
	seriesFromSamples,
	stddevOverTime,
	stdvarOverTime,
	type Series,
	type Window,
} from '../../lib/trend';
import { loadNode, runNode } from '../harness/nodeHarness';
import { startPrometheus, type PrometheusInstance } from '../support/prometheus';
import { BASE_MS, SPAN_MS, trendCases } from '../support/trendCases';

const METRIC = 'trend_x';
const cases = trendCases();
const series = new Map<string, Series>(cases.map((c) => [c.name, seriesFromSamples(c.samples)]));

const HOUR = 3600_000;
const EVAL_TIMES = [
	BASE_MS - 1000, // before every sample: empty windows
	BASE_MS + 1000, // one sample in most windows
	BASE_MS + 1.5 * HOUR + 7123, // off the scrape grid
	BASE_MS + 3 * HOUR + 30_000, // first of the two lone points only
	BASE_MS + 3 * HOUR + 60_000, // both lone points; right after the step
	BASE_MS + 6 * HOUR, // the end: x[6h] reaches back exactly to the first sample
	BASE_MS + 6 * HOUR + 90_000, // after the end
];
const RANGES: Array<[string, number]> = [
	['5m', 300_000],
	['1h', HOUR],
	['6h', 6 * HOUR],
];

type Fn = {
	promql: (sel: string) => string;
	ours: (w: Window, evalMs: number) => number | undefined;
};
const FUNCTIONS: Fn[] = [
	...[0, 3600, 14400].map((d) => ({
		promql: (sel: string) => `predict_linear(${sel}, ${d})`,
		ours: (w: Window, evalMs: number) => predictLinear(w, evalMs, d),
	})),
	{ promql: (sel) => `deriv(${sel})`, ours: (w) => deriv(w) },
	...[
		[0.3, 0.1],
		[0.8, 0.6],
	].map(([sf, tf]) => ({
		promql: (sel: string) => `holt_winters(${sel}, ${sf}, ${tf})`,
		ours: (w: Window) => holtWinters(w, sf, tf),
	})),
	{ promql: (sel) => `avg_over_time(${sel})`, ours: (w) => avgOverTime(w) },
	{ promql: (sel) => `stddev_over_time(${sel})`, ours: (w) => stddevOverTime(w) },
	{ promql: (sel) => `stdvar_over_time(${sel})`, ours: (w) => stdvarOverTime(w) },
	...[0, 0.25, 0.5, 0.9, 0.99, 1].map((q) => ({
		promql: (sel: string) => `quantile_over_time(${q}, ${sel})`,
		ours: (w: Window) => quantileOverTime(q, w),
	})),
];

function promNumber(s: string): number {
	if (s === '+Inf') return Infinity;
	if (s === '-Inf') return -Infinity;
	return Number(s); // 'NaN' → NaN
}

/** Prometheus' instant-vector answer as case → value. */
function byCase(result: unknown): Map<string, number> {
	const map = new Map<string, number>();
	for (const r of result as Array<{ metric: { case: string }; value: [number, string] }>) {
		map.set(r.metric.case, promNumber(r.value[1]));
	}
	return map;
}

interface Tally {
	compared: number;
	identical: number;
	maxRel: number;
	maxAbs: number;
	failures: string[];
}
const tally = (): Tally => ({ compared: 0, identical: 0, maxRel: 0, maxAbs: 0, failures: [] });

function check(t: Tally, where: string, prom: number | undefined, ours: number | undefined): void {
	t.compared++;
	if (prom === undefined || ours === undefined) {
		if (prom === ours) t.identical++;
		else t.failures.push(`${where}: Prometheus ${prom}, ours ${ours}`);
		return;
	}
	if (Object.is(prom, ours) || (Number.isNaN(prom) && Number.isNaN(ours)) || prom === ours) {
		t.identical++;
		return;
	}
	if (!Number.isFinite(prom) || !Number.isFinite(ours)) {
		t.failures.push(`${where}: Prometheus ${prom}, ours ${ours}`);
		return;
	}
	const abs = Math.abs(prom - ours);
	const rel = abs / Math.max(Math.abs(prom), Math.abs(ours));
	t.maxAbs = Math.max(t.maxAbs, abs);
	if (abs > 1e-12) t.maxRel = Math.max(t.maxRel, rel);
	if (!(abs <= 1e-12 || rel <= 1e-9))
		t.failures.push(`${where}: Prometheus ${prom}, ours ${ours} (rel ${rel})`);
}

let prom: PrometheusInstance;

beforeAll(async () => {
	prom = await startPrometheus({
		series: cases.map((c) => ({ name: METRIC, labels: { case: c.name }, samples: c.samples })),
	});
});
afterAll(async () => {
	await prom?.stop();
});

describe('Trend Predict parity with Prometheus 2.42', () => {
	it('Prometheus holds exactly the samples lib/trend is given (backfill is lossless)', async () => {
		const data = await prom.query(`${METRIC}[7h]`, BASE_MS + 6 * HOUR + 90_000);
		const stored = data.result as Array<{
			metric: { case: string };
			values: Array<[number, string]>;
		}>;
		expect(stored.map((s) => s.metric.case).sort()).toEqual(cases.map((c) => c.name).sort());
		for (const s of stored) {
			const ours = series.get(s.metric.case)!;
			expect(s.values.map(([t]) => Math.round(t * 1000))).toEqual(Array.from(ours.t));
			const values = s.values.map(([, v]) => promNumber(v));
			values.forEach((v, i) => expect(Object.is(v, ours.v[i]) || v === ours.v[i]).toBe(true));
		}
	});

	it('predict_linear, deriv, holt_winters, avg/stddev/stdvar/quantile_over_time match at every evaluation time and range', async () => {
		const t = tally();
		for (const evalMs of EVAL_TIMES) {
			for (const [rangeText, rangeMs] of RANGES) {
				const selector = `${METRIC}[${rangeText}]`;
				const answers = await Promise.all(
					FUNCTIONS.map((f) => prom.query(f.promql(selector), evalMs)),
				);
				FUNCTIONS.forEach((f, fi) => {
					const promValues = byCase(answers[fi].result);
					for (const c of cases) {
						const w = selectWindow(series.get(c.name)!, evalMs, rangeMs);
						const where = `${f.promql(selector)} @ ${evalMs} [${c.name}]`;
						check(t, where, promValues.get(c.name), f.ours(w, evalMs));
					}
				});
			}
		}
		console.log(
			`[parity lib/trend] ${t.compared} comparisons, ${t.identical} bit-identical, ` +
				`max relative error ${t.maxRel.toExponential(3)}, max absolute error ${t.maxAbs.toExponential(3)}`,
		);
		expect(t.failures).toEqual([]);
		// the grid really exercises the "no value" paths and the two lone points
		expect(t.compared).toBe(EVAL_TIMES.length * RANGES.length * FUNCTIONS.length * cases.length);
	});

	it('the built node (series in items) gives Prometheus’ numbers for every case', async () => {
		const node = loadNode('TrendPredict');
		const evalMs = BASE_MS + SPAN_MS;
		const items = cases.map((c) => ({
			json: {
				metric: { case: c.name },
				// as Prometheus' API writes them: seconds, values as strings
				values: c.samples.map(([ms, v]) => [ms / 1000, Number.isNaN(v) ? 'NaN' : String(v)]),
			},
		}));
		const common = { source: 'items', window: '1h', evaluationTime: String(evalMs / 1000) };
		const [[trend], [smooth], [base]] = await Promise.all([
			runNode(node, {
				items,
				parameters: { ...common, operation: 'linearTrend', horizonHours: 4, direction: 'none' },
			}),
			runNode(node, {
				items,
				parameters: { ...common, operation: 'smoothing', smoothingFactor: 0.3, trendFactor: 0.1 },
			}),
			runNode(node, {
				items,
				parameters: { ...common, operation: 'baseline', quantiles: '0.5, 0.9, 0.99' },
			}),
		]);
		const q = async (expr: string) => byCase((await prom.query(expr, evalMs)).result);
		const sel = `${METRIC}[1h]`;
		const expected = {
			predicted: await q(`predict_linear(${sel}, 14400)`),
			value_now: await q(`predict_linear(${sel}, 0)`),
			slope_per_second: await q(`deriv(${sel})`),
			smoothed: await q(`holt_winters(${sel}, 0.3, 0.1)`),
			mean: await q(`avg_over_time(${sel})`),
			stddev: await q(`stddev_over_time(${sel})`),
			q50: await q(`quantile_over_time(0.5, ${sel})`),
			q99: await q(`quantile_over_time(0.99, ${sel})`),
		};
		const fromJson = (v: unknown) =>
			v === null ? undefined : typeof v === 'string' ? promNumber(v) : (v as number);
		const t = tally();
		cases.forEach((c, i) => {
			expect(trend[i].json.metric).toEqual({ case: c.name });
			expect(trend[i].pairedItem).toEqual({ item: i });
			const pick = (m: Map<string, number>) => m.get(c.name);
			check(t, `predicted ${c.name}`, pick(expected.predicted), fromJson(trend[i].json.predicted));
			check(t, `value_now ${c.name}`, pick(expected.value_now), fromJson(trend[i].json.value_now));
			check(
				t,
				`slope ${c.name}`,
				pick(expected.slope_per_second),
				fromJson(trend[i].json.slope_per_second),
			);
			check(t, `smoothed ${c.name}`, pick(expected.smoothed), fromJson(smooth[i].json.smoothed));
			check(t, `mean ${c.name}`, pick(expected.mean), fromJson(base[i].json.mean));
			check(t, `stddev ${c.name}`, pick(expected.stddev), fromJson(base[i].json.stddev));
			const quantiles = base[i].json.quantiles as Record<string, unknown>;
			check(t, `q0.5 ${c.name}`, pick(expected.q50), fromJson(quantiles['0.5']));
			check(t, `q0.99 ${c.name}`, pick(expected.q99), fromJson(quantiles['0.99']));
		});
		console.log(
			`[parity node] ${t.compared} comparisons, ${t.identical} bit-identical, max relative error ${t.maxRel.toExponential(3)}`,
		);
		expect(t.failures).toEqual([]);
	});
});
