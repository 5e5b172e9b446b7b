// Send and Wait for Approval, the way n8n's own send-and-wait nodes work: the request goes out
// with links to this execution's signed resume URL (getSignedResumeUrl), the execution waits
// (putExecutionToWait), and the node's restart webhook (approval.webhook.ts) resumes it with
// the decision. The operation value must be `sendAndWait`: n8n checks the link signature only
// for nodes whose operation has that name.
import { randomUUID } from 'node:crypto';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { SEND_AND_WAIT_OPERATION, updateDisplayOptions } from 'n8n-workflow';

import { InvalidInputError, UpstreamError } from '../../../../lib/errors';
import {
	DEFAULT_LABELS,
	approvalActions,
	decidedByTimeout,
	renderMessage,
	sendToChannel,
	targetOf,
	type ChannelSpec,
	type Span,
	type TimeoutDecision,
} from '../../../../lib/notify';
import { emitItems } from '../../../shared/items';
import { notifyContext } from '../../transport';
import {
	channelSpecs,
	credentialReader,
	deliveryOptionProperties,
	type CommonOptions,
} from './common';

const properties: INodeProperties[] = [
	{
		displayName: 'Time Limit',
		name: 'timeLimit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 1,
		description: 'How long to wait for an answer',
	},
	{
		displayName: 'Time Limit Unit',
		name: 'timeLimitUnit',
		type: 'options',
		options: [
			{ name: 'Minutes', value: 'minutes' },
			{ name: 'Hours', value: 'hours' },
			{ name: 'Days', value: 'days' },
		],
		default: 'hours',
	},
	{
		displayName: 'On Timeout',
		name: 'onTimeout',
		type: 'options',
		options: [
			{
				name: 'Reject',
				value: 'reject',
				description: 'Nobody answered: the change is not made',
			},
			{
				name: 'Approve',
				value: 'approve',
				description: 'Nobody objected in time: go ahead',
			},
		],
		default: 'reject',
		description: 'What the workflow continues with when nobody answers within the time limit',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			...deliveryOptionProperties,
			{
				displayName: 'Approve Label',
				name: 'approveLabel',
				type: 'string',
				default: '✅ Approve',
			},
			{
				displayName: 'Approver Header',
				name: 'approverHeader',
				type: 'string',
				default: '',
				placeholder: 'x-forwarded-email',
				description:
					'When n8n sits behind a single sign-on proxy, the request header naming the signed-in person; it becomes `approval.by`. Empty: `by` is the recipient the clicked link was sent to.',
			},
			{
				displayName: 'Confirm on a Page',
				name: 'confirmPage',
				type: 'boolean',
				default: true,
				description:
					'Whether opening a link shows a page with a confirm button (only that button decides). Keeps mail scanners and link previews, which open links, from deciding.',
			},
			{
				displayName: 'Reject Label',
				name: 'rejectLabel',
				type: 'string',
				default: '❌ Reject',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: [SEND_AND_WAIT_OPERATION] } },
	properties,
);

export interface ApprovalOptions extends CommonOptions {
	approveLabel?: string;
	rejectLabel?: string;
	approverHeader?: string;
	confirmPage?: boolean;
}

const UNIT_MS: Record<string, number> = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 };

function deadline(this: IExecuteFunctions, now: number): Date {
	const amount = Number(this.getNodeParameter('timeLimit', 0, 1));
	const unit = String(this.getNodeParameter('timeLimitUnit', 0, 'hours'));
	if (!Number.isFinite(amount) || amount <= 0 || !UNIT_MS[unit]) {
		throw new InvalidInputError(
			'Time Limit must be a positive number of minutes, hours or days',
			'timeLimit',
		);
	}
	return new Date(now + amount * UNIT_MS[unit]);
}

/** The request: one item's message, or each item's under a separator when several wait together. */
function requestMessage(this: IExecuteFunctions, items: INodeExecutionData[], template?: string) {
	const parts = items.map((item) =>
		renderMessage('repair_needs_approval', item.json, template, 'options.template'),
	);
	const spans: Span[] = [];
	parts.forEach((part, i) => {
		if (i > 0) spans.push({ text: '\n\n— — —\n\n' });
		spans.push(...part.spans);
	});
	const title = items.length > 1 ? `${parts[0].title} (+${items.length - 1} more)` : parts[0].title;
	return { event: 'repair_needs_approval', title, spans };
}

/** Where a link went, as the approval output names it: `email:ops@x.io`, `telegram:-100…`. */
export function viaOf(spec: ChannelSpec): string {
	return `${spec.channel}:${targetOf(spec)}`;
}

async function requestApproval(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('options', 0, {}) as ApprovalOptions;
	const onTimeout = this.getNodeParameter('onTimeout', 0, 'reject') as TimeoutDecision;
	const now = Date.now();
	const expiresAt = deadline.call(this, now);
	const message = requestMessage.call(this, items, options.template);
	// One request for the whole input: the answer decides for every item.
	const specs = await channelSpecs.call(
		this,
		0,
		credentialReader.call(this),
		options,
		items.map((item) => item.json),
		true,
	);
	// A random id ties links to this wait: a link from an earlier wait of the same node in the
	// same execution (a loop) cannot answer this one.
	const requestId = randomUUID();
	const labels = {
		approve: options.approveLabel || DEFAULT_LABELS.approve,
		reject: options.rejectLabel || DEFAULT_LABELS.reject,
	};
	const ctx = notifyContext.call(this, options);
	const deliveries = await Promise.all(
		specs.map((spec) => {
			const via = viaOf(spec);
			const urls = {
				approve: this.getSignedResumeUrl({ approved: 'true', via, request: requestId }),
				reject: this.getSignedResumeUrl({ approved: 'false', via, request: requestId }),
			};
			return sendToChannel(spec, { ...message, actions: approvalActions(urls, labels) }, ctx);
		}),
	);
	if (!deliveries.some((d) => d.delivered)) {
		// nobody can answer a request that reached no one: fail now rather than wait for the timeout
		const reasons = deliveries.map((d) => `${d.channel} (${d.target}): ${d.error}`).join('; ');
		throw new UpstreamError(`The approval request reached no channel: ${reasons}`, 'notify');
	}
	const request: IDataObject = {
		requestId,
		title: message.title,
		requestedAt: new Date(now).toISOString(),
		expiresAt: expiresAt.toISOString(),
		onTimeout,
		requests: deliveries as unknown as IDataObject[],
	};
	// If nobody answers, n8n resumes by passing this node's input through (the node is disabled
	// on resume). Replacing the input of the waiting node's stack entry with the timeout decision
	// makes that passthrough say what happened. Only this entry's reference is replaced, never
	// the previous node's items.
	const timedOut = items.map((item, i) => ({
		json: { ...item.json, approval: { ...request, ...decidedByTimeout(onTimeout, expiresAt) } },
		pairedItem: { item: i },
	}));
	const executeData = this.getExecuteData?.();
	if (executeData) executeData.data = { ...executeData.data, main: [timedOut] };
	await this.putExecutionToWait(expiresAt);
	return items.map((item, i) => ({
		json: { ...item.json, approval: { ...request, decision: 'waiting' } },
		pairedItem: { item: i },
	}));
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	try {
		return await requestApproval.call(this, items);
	} catch (error) {
		// one request for all items: when it cannot be sent, every item carries the error
		return emitItems.call(
			this,
			items.map(() => ({ error: error as Error })),
		);
	}
}
