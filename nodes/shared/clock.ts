// The clock of an execution: the "Reference Time" option when set (to replay history, or in
// tests), else now.
import type { INodeProperties } from 'n8n-workflow';

import { InvalidInputError } from '../../lib/errors';

export const referenceTimeOption: INodeProperties = {
	displayName: 'Reference Time',
	name: 'referenceTime',
	type: 'dateTime',
	default: '',
	description:
		'The time windows are evaluated at and changes are stamped with; empty means now (set it to replay history)',
};

export function referenceNow(given: string | undefined): number {
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
