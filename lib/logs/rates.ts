// Each template's rate history (lines per minute, one sample per run) and the burst test: a
// known template whose rate in this run is above k sigma of its own history.
import { InvalidInputError } from '../errors';

export interface RateHistory {
	/** runs sampled */
	runs: number;
	/** mean and variance of the per-run rate, lines per minute */
	mean: number;
	variance: number;
}

export interface BurstOptions {
	/** k: how many standard deviations above the mean is a burst (default 3) */
	sigma: number;
	/** runs of history a template needs before it can burst (default 5) */
	minRuns: number;
	/** lines of the template in the run, at least (default 10): a few lines are never a burst */
	minCount: number;
}

export const DEFAULT_BURST_OPTIONS: Readonly<BurstOptions> = Object.freeze({
	sigma: 3,
	minRuns: 5,
	minCount: 10,
});

/**
 * Beyond this many runs the history forgets exponentially (weight 1/HORIZON per run), so a
 * template's normal rate can drift without every change being a burst.
 */
export const HORIZON = 50;

export function validateBurstOptions(o: BurstOptions): BurstOptions {
	if (!(o.sigma > 0)) throw new InvalidInputError('burst sigma must be above 0', 'burstSigma');
	if (!(Number.isInteger(o.minRuns) && o.minRuns >= 1)) {
		throw new InvalidInputError('burst minimum runs must be an integer ≥ 1', 'burstMinRuns');
	}
	if (!(o.minCount >= 1)) {
		throw new InvalidInputError('burst minimum count must be at least 1', 'burstMinCount');
	}
	return o;
}

/** The history with one more run's rate (Welford; exponentially weighted past HORIZON runs). */
export function addRate(h: RateHistory | undefined, rate: number): RateHistory {
	if (!h || h.runs === 0) return { runs: 1, mean: rate, variance: 0 };
	const runs = h.runs + 1;
	const w = 1 / Math.min(runs, HORIZON);
	const delta = rate - h.mean;
	const mean = h.mean + w * delta;
	// West's weighted incremental variance; equals the population variance while runs ≤ HORIZON
	const variance = (1 - w) * (h.variance + w * delta * delta);
	return { runs, mean, variance };
}

export interface BurstCheck {
	burst: boolean;
	/** lines per minute in this run */
	rate: number;
	mean: number;
	/** the standard deviation used: the history's, or the Poisson noise of the mean if larger */
	sigma: number;
}

/**
 * Whether `count` lines in a window of `minutes` is a burst for this history. The noise floor
 * is the Poisson spread of the mean rate over the window (√(mean·minutes)/minutes), so a flat
 * history (σ = 0) does not make every extra line a burst.
 */
export function checkBurst(
	h: RateHistory | undefined,
	count: number,
	minutes: number,
	o: BurstOptions,
): BurstCheck {
	const rate = minutes > 0 ? count / minutes : 0;
	if (!h || minutes <= 0) return { burst: false, rate, mean: h?.mean ?? 0, sigma: 0 };
	const poisson = Math.sqrt(Math.max(h.mean, 1 / minutes) * minutes) / minutes;
	const sigma = Math.max(Math.sqrt(h.variance), poisson);
	const burst = h.runs >= o.minRuns && count >= o.minCount && rate > h.mean + o.sigma * sigma;
	return { burst, rate, mean: h.mean, sigma };
}
