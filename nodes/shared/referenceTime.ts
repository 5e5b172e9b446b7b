// The Reference Time option of nodes that keep time-based state: the clock of the run, so a
// workflow can replay history; empty means now.
import { InvalidInputError } from '../../lib/errors';

export function referenceTime(given: string | undefined): number {
	if (!given) return Date.now();
	const ms = Date.parse(given);
	if (Number.isNaN(ms)) {
		throw new InvalidInputError(
			`Reference Time must be a date and time, got ${JSON.stringify(given)}`,
			'referenceTime',
		);
	}
	return ms;
}
