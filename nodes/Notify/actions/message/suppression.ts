// The Send operation's repeat suppression: its parameters, the store they select (the package's
// Store parameter and credentials, as Record Anomaly uses them) and the key of an item.
import { createHash } from 'node:crypto';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { InvalidInputError } from '../../../../lib/errors';
import { RedisRepeatGuard, SqlRepeatGuard, type RepeatGuard } from '../../../../lib/notify';
import type { RedisConnection, SqlStore } from '../../../../lib/store';
import { redisConnection, sqlStore, storeParameter, type StoreChoice } from '../../../shared/store';

const shownWithSuppression = { show: { suppressRepeats: [true] } };

/** The Store parameter and its options, as both operations offer them. */
export function storeProperties(displayOptions?: INodeProperties['displayOptions']): INodeProperties[] {
	return [
		{ ...storeParameter(['embedded', 'postgres', 'redis']), displayOptions },
		{
			displayName: 'Store Options',
			name: 'storeOptions',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			displayOptions,
			options: [
				{
					displayName: 'Embedded Store Folder',
					name: 'embeddedFolder',
					type: 'string',
					default: '',
					description:
						'Folder of the embedded database; empty means .n8n/aiops-embedded in the n8n user folder',
				},
				{
					displayName: 'Key Prefix',
					name: 'keyPrefix',
					type: 'string',
					default: 'aiops:',
					description: 'Prefix of every Redis key this node writes',
				},
				{
					displayName: 'Schema',
					name: 'schema',
					type: 'string',
					default: 'aiops',
					description: 'Postgres schema of the table; created and migrated by the node',
				},
			],
		},
	];
}

export const suppressionProperties: INodeProperties[] = [
	{
		displayName: 'Suppress Repeats',
		name: 'suppressRepeats',
		type: 'boolean',
		default: false,
		description:
			'Whether the same event for the same incident goes to each channel and recipient only once per window',
	},
	{
		displayName: 'Repeat Window (Minutes)',
		name: 'repeatWindowMinutes',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 30,
		displayOptions: shownWithSuppression,
	},
	{
		displayName: 'Repeat Key',
		name: 'repeatKey',
		type: 'string',
		default: '',
		placeholder: '={{ $json.ticket_key }}',
		displayOptions: shownWithSuppression,
		description:
			'What makes two notifications the same, besides event and channel. Empty: the incident the item is about (the ID in incident, incident_id, anomaly_key or fingerprint), else the message text.',
	},
	...storeProperties(shownWithSuppression),
];

interface StoreOptions {
	embeddedFolder?: string;
	keyPrefix?: string;
	schema?: string;
}

/** The guard for this execution, or undefined when suppression is off. */
export async function repeatGuard(this: IExecuteFunctions): Promise<RepeatGuard | undefined> {
	if (this.getNodeParameter('suppressRepeats', 0, false) !== true) return undefined;
	const minutes = Number(this.getNodeParameter('repeatWindowMinutes', 0, 30));
	if (!Number.isFinite(minutes) || minutes <= 0) {
		throw new InvalidInputError(
			'Repeat Window must be a positive number of minutes',
			'repeatWindowMinutes',
		);
	}
	const windowMs = minutes * 60_000;
	const store = await selectedStore.call(this);
	return store.kind === 'redis'
		? new RedisRepeatGuard(store.connection, windowMs, store.keyPrefix)
		: new SqlRepeatGuard(store.sql, windowMs, store.schema);
}

type SelectedStore =
	| { kind: 'redis'; connection: RedisConnection; keyPrefix: string }
	| { kind: 'sql'; sql: SqlStore; schema: string };

/** The store the Store parameter and its options select. */
export async function selectedStore(this: IExecuteFunctions): Promise<SelectedStore> {
	const choice = this.getNodeParameter('store', 0, 'embedded') as StoreChoice;
	const options = this.getNodeParameter('storeOptions', 0, {}) as StoreOptions;
	if (choice === 'redis') {
		return {
			kind: 'redis',
			connection: await redisConnection.call(this),
			keyPrefix: options.keyPrefix || 'aiops:',
		};
	}
	return {
		kind: 'sql',
		sql: await sqlStore.call(this, choice, options.embeddedFolder),
		schema: options.schema || 'aiops',
	};
}

export function incidentOf(data: IDataObject): string | undefined {
	const incident = data.incident as IDataObject | undefined;
	for (const value of [
		incident?.id,
		data.incident_id,
		data.anomaly_key,
		data.alert_fingerprint,
		data.fingerprint,
	]) {
		if (value !== undefined && value !== null && value !== '') return String(value);
	}
	return undefined;
}

/** `event|what`: the Repeat Key parameter, else the incident the item is about, else its text. */
export function repeatKeyOf(
	this: IExecuteFunctions,
	itemIndex: number,
	event: string,
	data: IDataObject,
	text: string,
): string {
	const given = String(this.getNodeParameter('repeatKey', itemIndex, '') ?? '').trim();
	const what =
		given ||
		incidentOf(data) ||
		`text:${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
	return `${event}|${what}`;
}
