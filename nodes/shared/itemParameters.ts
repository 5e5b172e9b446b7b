// Reads a per-item parameter for every input item, keeping a bad value as that item's error
// (naming the parameter and the item) so the rest of the batch still runs.
import type { IExecuteFunctions } from 'n8n-workflow';

import { InvalidInputError } from '../../lib/errors';

/** A required non-empty string parameter per item, or the error for that item. */
export function itemKeys(
	this: IExecuteFunctions,
	parameter: string,
	label = 'anomaly_key',
): (string | Error)[] {
	return this.getInputData().map((_, i) => {
		try {
			const value = this.getNodeParameter(parameter, i);
			if (typeof value === 'string' && value.trim() !== '') return value.trim();
			return new InvalidInputError(
				`Item ${i} has no ${label} (parameter ${parameter} is empty)`,
				label,
			);
		} catch (error) {
			return error as Error;
		}
	});
}
