// The restart webhook of Send and Wait for Approval. n8n has already checked the link's
// signature (it does so for nodes whose operation is `sendAndWait`) and found the waiting
// execution; this decides what the request means and resumes the execution with the decision.
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import {
	confirmationPage,
	decidedByClick,
	decisionRecordedPage,
	isLinkPreviewer,
	staleLinkPage,
	type ApprovalAnswer,
} from '../../../../lib/notify';
import { approvalRegistry } from './pendingApproval';
import type { ApprovalOptions } from './sendAndWait.operation';

/**
 * The items waiting in this node (its input, with the timeout decision the operation put
 * there). Read through an expression because webhook functions have no getInputData.
 */
function waitingItems(this: IWebhookFunctions): INodeExecutionData[] {
	const value = this.evaluateExpression('{{ $input.all() }}', 0);
	return Array.isArray(value) ? (value as INodeExecutionData[]) : [];
}

/**
 * Answered: the answer is recorded on the incidents' keys, so occurrences that come before the
 * request's deadline learn it instead of asking again. Best effort: if the store fails now,
 * they join the request as pending until the deadline.
 */
async function recordAnswer(
	this: IWebhookFunctions,
	request: IDataObject,
	answer: ApprovalAnswer,
): Promise<void> {
	const keys = Array.isArray(request.keys) ? (request.keys as string[]) : [];
	if (keys.length === 0 || typeof request.requestId !== 'string') return;
	// the store helpers read parameters the way execute functions do (name, item, fallback)
	const context = {
		getNodeParameter: (name: string, _item: number, fallback: unknown) =>
			this.getNodeParameter(name, fallback),
		getCredentials: async (type: string) => await this.getCredentials(type),
	} as unknown as IExecuteFunctions;
	try {
		const registry = await approvalRegistry.call(context);
		for (const key of keys) await registry.answer(key, request.requestId, answer);
	} catch {
		// joiners see the request as pending until its deadline
	}
}

function page(this: IWebhookFunctions, status: number, html: string): IWebhookResponseData {
	const res = this.getResponseObject();
	res.status(status);
	res.setHeader('Content-Type', 'text/html; charset=utf-8');
	res.setHeader('Cache-Control', 'no-store');
	res.send(html);
	return { noWebhookResponse: true };
}

export async function approvalWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const req = this.getRequestObject();
	const query = (req.query ?? {}) as Record<string, unknown>;
	const approved = query.approved === 'true';
	const via = typeof query.via === 'string' ? query.via : null;
	const options = this.getNodeParameter('options', {}) as ApprovalOptions;
	const waiting = waitingItems.call(this);
	// items that joined another execution's request wait on that one, not on this
	const own = (item: INodeExecutionData) => (item.json.approval as IDataObject)?.joined !== true;
	const request = (waiting.find(own)?.json.approval ?? {}) as IDataObject;

	if (request.requestId && query.request !== request.requestId) {
		return page.call(this, 409, staleLinkPage());
	}
	if (req.method === 'GET') {
		// link previews and mail scanners open links too; they must not decide anything
		if (isLinkPreviewer(req.headers['user-agent'])) return page.call(this, 200, '');
		if (options.confirmPage !== false) {
			return page.call(this, 200, confirmationPage(approved, String(request.title ?? '')));
		}
	}
	const header = options.approverHeader?.trim().toLowerCase();
	const identity = header ? req.headers[header] : undefined;
	const decision = decidedByClick(
		approved,
		via,
		typeof identity === 'string' && identity.trim() ? identity.trim() : null,
		new Date(),
	);
	const items: INodeExecutionData[] = waiting.length ? waiting : [{ json: {} }];
	const decided = items.map((item, i) => ({
		json: own(item)
			? { ...item.json, approval: { ...((item.json.approval as IDataObject) ?? {}), ...decision } }
			: item.json,
		pairedItem: { item: i },
	}));
	await recordAnswer.call(this, request, {
		decision: decision.decision,
		by: decision.by,
		at: decision.at,
	});
	page.call(this, 200, decisionRecordedPage(approved));
	return { noWebhookResponse: true, workflowData: [decided] };
}
