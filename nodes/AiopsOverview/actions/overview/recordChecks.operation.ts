import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { checkResultsOfItem, recordChecks, type CheckResult } from '../../../../lib/overview';
import { emitItems, type ItemOutcome } from '../../../shared/items';
import { store } from '../common';

export const description: INodeProperties[] = [];

/**
 * Keeps the check results the items carry (health checks, Notify deliveries) for the status
 * page and passes the items on unchanged. A bad item is an error of that item only: the
 * others are still recorded.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const now = Date.now();
	const results: CheckResult[] = [];
	const outcomes: ItemOutcome[] = items.map((item, i) => {
		try {
			results.push(...checkResultsOfItem(item.json, now, `item ${i}`));
			return { json: item.json };
		} catch (error) {
			return { error: error as Error };
		}
	});
	if (results.length) {
		try {
			const { sql, schema } = await store.call(this);
			await recordChecks(sql, schema, results);
		} catch (error) {
			const failed = outcomes.map((o) => ('error' in o ? o : { error: error as Error }));
			return emitItems.call(this, failed);
		}
	}
	return emitItems.call(this, outcomes);
}
