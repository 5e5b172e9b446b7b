// Diagnose: the rules over the evidence already on the item (from Collect Evidence, or built by
// hand in a Code node), without asking the cluster again.
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { itemError, readEvidence, writeDiagnosis } from '../../../../lib/contract';
import { diagnose } from '../../../../lib/diagnosis';
import { emitItems, type ItemOutcome } from '../../../shared/items';

export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const outcomes: ItemOutcome[] = this.getInputData().map((item, i) => {
		try {
			const snapshot = readEvidence(item.json, i);
			if (!snapshot) throw itemError(i, 'evidence', 'is missing: run Collect Evidence first, or use the Investigate operation');
			return { json: writeDiagnosis(item.json, diagnose(snapshot)) };
		} catch (error) {
			return { error: error as Error };
		}
	});
	return emitItems.call(this, outcomes);
}
