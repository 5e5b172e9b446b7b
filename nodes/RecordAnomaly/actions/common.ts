// Parameters several Record Anomaly operations share, and the store they select.
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import {
	DEFAULT_RETENTION_DAYS,
	RedisAnomalyStore,
	SqlAnomalyStore,
	type AnomalyStore,
	type EscalationThresholds,
} from '../../../lib/anomaly';
import { referenceNow as clock, referenceTimeOption } from '../../shared/clock';
import {
	embeddedFolderOption,
	schemaOption,
	redisConnection,
	sqlStore,
	type StoreChoice,
} from '../../shared/store';
import type { OnStoreError } from '../../shared/storeOutput';

export const anomalyKeyProperty: INodeProperties = {
	displayName: 'Anomaly Key',
	name: 'anomalyKey',
	type: 'string',
	default: '={{ $json.anomaly_key }}',
	required: true,
	description:
		'The signature key (16 hex characters from the Alertmanager Trigger or Record Occurrence)',
};

export const thresholdProperties: INodeProperties[] = [
	{
		displayName: 'REPEAT Threshold',
		name: 'repeatThreshold',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 3,
		description: 'Occurrences in 24 hours from which the level is REPEAT',
	},
	{
		displayName: 'ESCALATE Threshold',
		name: 'escalateThreshold',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 5,
		description: 'Occurrences in 24 hours from which the level is ESCALATE',
	},
	{
		displayName: 'PERMANENT_FIX Threshold',
		name: 'permanentFixThreshold',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 10,
		description: 'Occurrences in 24 hours from which the level is PERMANENT_FIX',
	},
];

export function thresholds(this: IExecuteFunctions): EscalationThresholds {
	return {
		repeat: this.getNodeParameter('repeatThreshold', 0) as number,
		escalate: this.getNodeParameter('escalateThreshold', 0) as number,
		permanentFix: this.getNodeParameter('permanentFixThreshold', 0) as number,
	};
}

export const optionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		embeddedFolderOption,
		{
			displayName: 'Key Prefix',
			name: 'keyPrefix',
			type: 'string',
			default: 'aiops:',
			description: 'Prefix of every Redis key this node writes',
			displayOptions: { show: { '/store': ['redis'] } },
		},
		{
			displayName: 'On Store Error',
			name: 'onStoreError',
			type: 'options',
			options: [
				{
					name: 'Fail the Item',
					value: 'fail',
					description:
						"The item fails with the store's error (Retry On Fail and Continue On Fail apply)",
				},
				{
					name: 'Continue With Degraded Output',
					value: 'degrade',
					description: 'The item goes on with degraded: true and the reason, and no counts',
				},
			],
			default: 'fail',
			description: 'What happens to an item when the store cannot be reached',
		},
		referenceTimeOption,
		schemaOption,
	],
};

interface Options {
	embeddedFolder?: string;
	keyPrefix?: string;
	onStoreError?: OnStoreError;
	referenceTime?: string;
	schema?: string;
}

export function options(this: IExecuteFunctions): Options {
	return this.getNodeParameter('options', 0, {}) as Options;
}

/** The clock: the Reference Time option, or now. */
export function referenceNow(this: IExecuteFunctions): number {
	return clock(options.call(this).referenceTime);
}

export function onStoreError(this: IExecuteFunctions): OnStoreError {
	return options.call(this).onStoreError ?? 'fail';
}

export async function anomalyStore(
	this: IExecuteFunctions,
	retentionDays = DEFAULT_RETENTION_DAYS,
): Promise<AnomalyStore> {
	const choice = this.getNodeParameter('store', 0) as StoreChoice;
	const o = options.call(this);
	if (choice === 'redis') {
		return new RedisAnomalyStore(await redisConnection.call(this), {
			prefix: o.keyPrefix ?? 'aiops:',
			retentionDays,
		});
	}
	return new SqlAnomalyStore(await sqlStore.call(this, choice, o.embeddedFolder), {
		schema: o.schema || 'aiops',
	});
}
