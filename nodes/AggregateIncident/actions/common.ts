// Parameters several Aggregate Incident operations share, and the store they select.
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { SqlIncidentStore, type Incident } from '../../../lib/incidents';
import { referenceNow as clock, referenceTimeOption } from '../../shared/clock';
import { emitItems, type ItemOutcome } from '../../shared/items';
import { embeddedFolderOption, schemaOption, sqlStore, type StoreChoice } from '../../shared/store';

export const incidentIdProperty: INodeProperties = {
	displayName: 'Incident ID',
	name: 'incidentId',
	type: 'string',
	default: '={{ $json.incident.id }}',
	required: true,
	description: 'The incident, e.g. from the output of Open or Join',
};

export const optionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [embeddedFolderOption, referenceTimeOption, schemaOption],
};

interface Options {
	embeddedFolder?: string;
	referenceTime?: string;
	schema?: string;
}

function options(this: IExecuteFunctions): Options {
	return this.getNodeParameter('options', 0, {}) as Options;
}

export function referenceNow(this: IExecuteFunctions): number {
	return clock(options.call(this).referenceTime);
}

export async function incidentStore(this: IExecuteFunctions): Promise<SqlIncidentStore> {
	const o = options.call(this);
	const choice = this.getNodeParameter('store', 0) as StoreChoice;
	return new SqlIncidentStore(await sqlStore.call(this, choice, o.embeddedFolder), {
		schema: o.schema || 'aiops',
	});
}

export function incidentJson(incident: Incident | null): IDataObject | null {
	return incident ? (JSON.parse(JSON.stringify(incident)) as IDataObject) : null;
}

/** Emits lib outcomes, merging each result into its input item. */
export function emitMerged<T>(
	ctx: IExecuteFunctions,
	outcomes: ({ ok: T } | { error: Error })[],
	toJson: (result: T) => IDataObject,
): INodeExecutionData[] {
	const items = ctx.getInputData();
	const mapped = outcomes.map(
		(o, i): ItemOutcome => ('error' in o ? o : { json: { ...items[i].json, ...toJson(o.ok) } }),
	);
	return emitItems.call(ctx, mapped);
}
