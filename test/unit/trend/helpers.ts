import { seriesFromSamples, wholeSeries, type Window } from '../../../lib/trend';

/** A window over samples given as [seconds, value]. */
export function win(samples: Array<[number, number]>): Window {
	return wholeSeries(seriesFromSamples(samples.map(([s, v]) => [s * 1000, v])));
}

/** Values at regular times (seconds apart, from t0 seconds). */
export function regular(values: number[], stepSec = 1, t0 = 0): Window {
	return win(values.map((v, i) => [t0 + i * stepSec, v]));
}
