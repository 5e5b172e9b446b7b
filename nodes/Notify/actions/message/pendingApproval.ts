// Send and Wait's "one pending approval per incident and action": the key of an item, the
// registry in the selected store, and the parameters that choose them.
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import {
	RedisApprovalRegistry,
	SqlApprovalRegistry,
	type ApprovalRegistry,
} from '../../../../lib/notify';
import { incidentOf, selectedStore, storeProperties } from './suppression';

export const pendingApprovalProperties: INodeProperties[] = [
	{
		displayName: 'One Pending Request Per',
		name: 'approvalKey',
		type: 'string',
		default: '',
		placeholder: '={{ $json.anomaly_key }}',
		description:
			'While a request for this key waits, later items with the same key join it instead of sending another request. Empty: the ID of the incident the item is about (in incident, incident_id, anomaly_key or fingerprint) and its repair action; items without one always get their own request.',
	},
	...storeProperties(),
];

/** The key of an item: the parameter, else incident + repair action, else none (never joined). */
export function approvalKeyOf(
	this: IExecuteFunctions,
	itemIndex: number,
	data: IDataObject,
): string | undefined {
	const given = String(this.getNodeParameter('approvalKey', itemIndex, '') ?? '').trim();
	if (given) return `approval|${given}`;
	const incident = incidentOf(data);
	if (!incident) return undefined;
	const repair = data.repair as IDataObject | undefined;
	return `approval|${incident}|${String(repair?.action ?? '')}`;
}

/** The registry in the store the node's Store parameter selects. */
export async function approvalRegistry(this: IExecuteFunctions): Promise<ApprovalRegistry> {
	const store = await selectedStore.call(this);
	return store.kind === 'redis'
		? new RedisApprovalRegistry(store.connection, store.keyPrefix)
		: new SqlApprovalRegistry(store.sql, store.schema);
}
