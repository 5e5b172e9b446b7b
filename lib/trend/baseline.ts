// The Baseline analysis: where the current value stands against the window (or against the same
// hour of day within it), with Prometheus' avg/stddev/quantile_over_time arithmetic, so
// `abs(x - avg_over_time(x[R])) > k * stddev_over_time(x[R])` and this agree on the numbers.
import { InvalidInputError } from '../errors';
import { avgOverTime, quantileOverTime, stddevOverTime } from './overTime';
import { lastValue, type Window } from './series';

export interface BaselineOptions {
	/** anomaly when the deviation exceeds k standard deviations */
	k: number;
	quantiles: number[];
	/** compare only with samples from the current sample's hour of day in this time zone */
	hourOfDay?: { timeZone: string };
}

export interface Baseline {
	/** samples the baseline was computed from (the hour's bucket when by hour of day) */
	samples: number;
	current: number | undefined;
	mean: number | undefined;
	stddev: number | undefined;
	quantiles: Array<{ q: number; value: number | undefined }>;
	/** (current − mean) / stddev; 0 when both differences are 0 */
	deviationSigma: number | undefined;
	anomaly: boolean;
	/** the bucket's hour (0–23) when by hour of day */
	hour?: number;
}

/** Hour of day of each sample, one Intl call per quarter hour (every UTC offset is a multiple of 15 min). */
function hourOfDay(timeZone: string): (ms: number) => number {
	let format: Intl.DateTimeFormat;
	try {
		format = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', hourCycle: 'h23' });
	} catch {
		throw new InvalidInputError(
			`timeZone: "${timeZone}" is not a known IANA time zone`,
			'timeZone',
		);
	}
	const cache = new Map<number, number>();
	return (ms) => {
		const quarter = Math.floor(ms / 900_000);
		let hour = cache.get(quarter);
		if (hour === undefined) {
			hour = Number(format.format(quarter * 900_000)) % 24;
			cache.set(quarter, hour);
		}
		return hour;
	};
}

/** The window's samples from one hour of day, as a window of their own. */
function hourBucket(w: Window, hourOf: (ms: number) => number, hour: number): Window {
	const t: number[] = [];
	const v: number[] = [];
	for (let i = w.lo; i < w.hi; i++) {
		if (hourOf(w.t[i]) === hour) {
			t.push(w.t[i]);
			v.push(w.v[i]);
		}
	}
	return { t: Float64Array.from(t), v: Float64Array.from(v), lo: 0, hi: t.length };
}

export function analyzeBaseline(w: Window, options: BaselineOptions): Baseline {
	const current = lastValue(w);
	let base = w;
	let hour: number | undefined;
	if (options.hourOfDay) {
		const hourOf = hourOfDay(options.hourOfDay.timeZone);
		if (current !== undefined) {
			hour = hourOf(w.t[w.hi - 1]);
			base = hourBucket(w, hourOf, hour);
		}
	}
	const mean = avgOverTime(base);
	const stddev = stddevOverTime(base);
	let deviationSigma: number | undefined;
	if (current !== undefined && mean !== undefined && stddev !== undefined) {
		const diff = current - mean;
		deviationSigma = diff === 0 && stddev === 0 ? 0 : diff / stddev;
	}
	const result: Baseline = {
		samples: base.hi - base.lo,
		current,
		mean,
		stddev,
		quantiles: options.quantiles.map((q) => ({ q, value: quantileOverTime(q, base) })),
		deviationSigma,
		anomaly: deviationSigma !== undefined && Math.abs(deviationSigma) > options.k,
	};
	if (options.hourOfDay) result.hour = hour;
	return result;
}

/** A comma-separated list of q values (the Quantiles parameter). */
export function parseQuantiles(text: string): number[] {
	return String(text ?? '')
		.split(',')
		.map((s) => s.trim())
		.filter((s) => s !== '')
		.map((s) => {
			const q = Number(s);
			if (Number.isNaN(q))
				throw new InvalidInputError(`quantiles: "${s}" is not a number`, 'quantiles');
			return q;
		});
}
