import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { resetScope } from '../../../../lib/logs';
import { mapItems } from '../../../shared/items';
import { itemScope, logStateStore } from '../common';

export const description = [];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	let store: Awaited<ReturnType<typeof logStateStore>> | undefined;
	return mapItems.call(this, async (_item, i) => {
		store ??= await logStateStore.call(this);
		const scope = itemScope.call(this, i);
		return { scope, reset: await resetScope(store, scope) };
	});
}
