import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { resolveItems, type Outcome, type ResolveResult } from '../../../../lib/incidents';
import { emitMerged, incidentJson, incidentStore, referenceNow } from '../common';

export const description = updateDisplayOptions(
	{ show: { resource: ['incident'], operation: ['resolve'] } },
	[
		{
			displayName:
				'Takes resolved alert items (from the Alertmanager Trigger): each alert is marked resolved by fingerprint, and its incident resolves when none of its alerts is firing',
			name: 'notice',
			type: 'notice',
			default: '',
		},
	],
);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	let outcomes: Outcome<ResolveResult>[];
	try {
		outcomes = await resolveItems(
			await incidentStore.call(this),
			items.map((i) => i.json),
			referenceNow.call(this),
		);
	} catch (error) {
		outcomes = items.map(() => ({ error: error as Error }));
	}
	return emitMerged(this, outcomes, (r) => ({
		incident: incidentJson(r.incident),
		alert_found: r.alert_found,
		resolved_now: r.resolved_now,
	}));
}
