// The parameters describing one repair attempt, shared by Record Anomaly's Record Repair
// Outcome and Aggregate Incident's Record Repair Result, and how to read them for an item.
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

export const repairActionProperty: INodeProperties = {
	displayName: 'Action',
	name: 'action',
	type: 'string',
	default: '={{ $json.action }}',
	required: true,
	placeholder: 'restart',
	description: 'The repair action, e.g. restart, rollback, raise_memory, scale',
};

/** Success, Outcome ID and Details; `idScope` says where an outcome ID must be unique. */
export function repairResultProperties(idScope: string): INodeProperties[] {
	return [
		{
			displayName: 'Success',
			name: 'success',
			type: 'boolean',
			default: false,
			description:
				"Whether the repair worked (verified, and the signature did not fire again within the verification window); usually an expression reading the repair's result",
		},
		{
			displayName: 'Outcome ID',
			name: 'outcomeId',
			type: 'string',
			default: '',
			placeholder: 'e.g. exec-1234-restart',
			description: `Makes recording idempotent: an outcome ID already recorded ${idScope} changes nothing (a retried execution is not counted twice)`,
		},
		{
			displayName: 'Details',
			name: 'details',
			type: 'json',
			default: '{}',
			description:
				'Anything worth keeping with the outcome (before/after values, duration, reason)',
		},
	];
}

/** The raw repair fields of item `i` (validated in lib). */
export function repairFields(this: IExecuteFunctions, i: number) {
	return {
		action: this.getNodeParameter('action', i, ''),
		success: this.getNodeParameter('success', i),
		outcome_id: this.getNodeParameter('outcomeId', i, ''),
		details: this.getNodeParameter('details', i, '{}'),
	};
}
