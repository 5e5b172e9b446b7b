// The Smoothing analysis: holt_winters over the window, beside the raw last value.
import { holtWinters } from './holtWinters';
import { lastValue, type Window } from './series';

export interface Smoothing {
	samples: number;
	current: number | undefined;
	/** holt_winters(x[R], sf, tf); undefined with fewer than two samples */
	smoothed: number | undefined;
}

export function analyzeSmoothing(w: Window, sf: number, tf: number): Smoothing {
	return { samples: w.hi - w.lo, current: lastValue(w), smoothed: holtWinters(w, sf, tf) };
}
