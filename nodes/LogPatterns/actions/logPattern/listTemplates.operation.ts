import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { listTemplates } from '../../../../lib/logs';
import { mapItems } from '../../../shared/items';
import { itemScope, learnOptions, logStateStore } from '../common';

export const description = [];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const options = learnOptions.call(this, false);
	let store: Awaited<ReturnType<typeof logStateStore>> | undefined;
	return mapItems.call(this, async (_item, i) => {
		store ??= await logStateStore.call(this);
		const scope = itemScope.call(this, i);
		const templates = await listTemplates(store, scope, options);
		return templates.map((t) => ({
			scope,
			template_id: t.id,
			template: t.text,
			count: t.count,
			first_seen: new Date(t.firstSeen).toISOString(),
			last_seen: new Date(t.lastSeen).toISOString(),
			sample: t.sample,
			clusters: t.clusters,
		}));
	});
}
