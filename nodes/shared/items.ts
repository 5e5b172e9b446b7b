// The item loop every node of this package shares: per-item outcomes (a result or an error)
// become output items with pairedItem, honouring continueOnFail; errors carry itemIndex and the
// n8n error class that fits (NodeOperationError for bad input, NodeApiError for a failing
// store or API). Operations that batch items compute all outcomes first, then call emitItems.
import type { IDataObject, IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { InvalidInputError, StoreUnavailableError, UpstreamError } from '../../lib/errors';

export type ItemOutcome = { json: IDataObject | IDataObject[] } | { error: Error };

export function toNodeError(
	this: IExecuteFunctions,
	error: Error,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	const node = this.getNode();
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context.itemIndex ??= itemIndex;
		return error;
	}
	if (error instanceof InvalidInputError) {
		return new NodeOperationError(node, error.message, {
			itemIndex,
			description: `Field: ${error.field}`,
		});
	}
	if (error instanceof StoreUnavailableError) {
		const apiError = new NodeApiError(node, { message: error.message } as JsonObject, {
			itemIndex,
			message: error.message,
			description: `${error.store} at ${error.address}`,
		});
		// NodeApiError swaps a message containing ECONNREFUSED, ETIMEDOUT … for a generic
		// sentence; ours names the store and its address, which is what the user needs.
		apiError.message = error.message;
		return apiError;
	}
	if (error instanceof UpstreamError) {
		return new NodeApiError(
			node,
			{ message: error.message, body: error.body ?? null } as JsonObject,
			{
				itemIndex,
				message: error.message,
				httpCode: error.httpCode !== undefined ? String(error.httpCode) : undefined,
				description: error.service,
			},
		);
	}
	return new NodeOperationError(node, error, { itemIndex });
}

/** The error item continueOnFail emits: the message, plus the field or store when known. */
function errorJson(error: Error): IDataObject {
	const json: IDataObject = { error: error.message };
	if (error instanceof InvalidInputError) json.field = error.field;
	if (error instanceof StoreUnavailableError) json.store = error.store;
	return json;
}

/**
 * Turns one outcome per input item into output items. Without continueOnFail the first error
 * is thrown (after every item's work was done, so nothing already recorded is lost).
 */
export function emitItems(this: IExecuteFunctions, outcomes: ItemOutcome[]): INodeExecutionData[] {
	const out: INodeExecutionData[] = [];
	const continueOnFail = this.continueOnFail();
	outcomes.forEach((outcome, itemIndex) => {
		if ('error' in outcome) {
			if (!continueOnFail) throw toNodeError.call(this, outcome.error, itemIndex);
			out.push({ json: errorJson(outcome.error), pairedItem: { item: itemIndex } });
			return;
		}
		const results = Array.isArray(outcome.json) ? outcome.json : [outcome.json];
		for (const json of results) out.push({ json, pairedItem: { item: itemIndex } });
	});
	return out;
}

/** Runs `fn` for each input item in turn (for operations that cannot batch). */
export async function mapItems(
	this: IExecuteFunctions,
	fn: (item: INodeExecutionData, itemIndex: number) => Promise<IDataObject | IDataObject[]>,
): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const outcomes: ItemOutcome[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			outcomes.push({ json: await fn(items[i], i) });
		} catch (error) {
			outcomes.push({ error: error as Error });
			if (!this.continueOnFail()) break;
		}
	}
	return emitItems.call(this, outcomes);
}
