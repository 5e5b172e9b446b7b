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
	type ApprovalRegistry,
	type ChannelSpec,
	type DeliveryResult,
	type PendingApproval,
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
import { approvalKeyOf, approvalRegistry, pendingApprovalProperties } from './pendingApproval';

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
	...pendingApprovalProperties,
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

interface Claims {
	/** keys this request holds (released when it is answered) */
	held: string[];
	/** per item: the request it joined, when another one already waits on its key */
	joined: Array<PendingApproval | undefined>;
	warning?: string;
}

/**
 * Claims each item's key for this request, or finds the request already waiting on it. When
 * the store fails the request is sent anyway (a duplicate beats a request nobody gets).
 */
async function claimKeys(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	requestId: string,
	ttlMs: number,
): Promise<Claims & { registry?: ApprovalRegistry }> {
	const keys = items.map((item, i) => approvalKeyOf.call(this, i, item.json));
	const claims: Claims = { held: [], joined: items.map(() => undefined) };
	if (keys.every((k) => k === undefined)) return claims;
	try {
		const registry = await approvalRegistry.call(this);
		const outcome = new Map<string, PendingApproval>();
		for (const key of new Set(keys.filter((k): k is string => k !== undefined))) {
			const pending = await registry.claim(key, requestId, ttlMs);
			outcome.set(key, pending);
			if (pending.requestId === requestId) claims.held.push(key);
		}
		keys.forEach((key, i) => {
			const pending = key === undefined ? undefined : outcome.get(key);
			if (pending && pending.requestId !== requestId) claims.joined[i] = pending;
		});
		return { ...claims, registry };
	} catch (error) {
		return { ...claims, warning: `one request per incident skipped: ${(error as Error).message}` };
	}
}

/**
 * What an item that joined another request carries: that request's answer when there is one
 * (it was acted on there), else `pending`. Never `approved: true`: the change it allows is made
 * once, by the execution that asked.
 */
function joinedApproval(pending: PendingApproval): IDataObject {
	return {
		decision: pending.answer?.decision ?? 'pending',
		approved: false,
		timedOut: false,
		joined: true,
		requestId: pending.requestId,
		expiresAt: pending.expiresAt,
		joinedCount: pending.joined,
		...(pending.answer ? { by: pending.answer.by, at: pending.answer.at } : {}),
	};
}

async function requestApproval(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('options', 0, {}) as ApprovalOptions;
	const onTimeout = this.getNodeParameter('onTimeout', 0, 'reject') as TimeoutDecision;
	const now = Date.now();
	const expiresAt = deadline.call(this, now);
	// A random id ties links to this wait: a link from an earlier wait of the same node in the
	// same execution (a loop) cannot answer this one. It also names the request in the store.
	const requestId = randomUUID();
	const claims = await claimKeys.call(this, items, requestId, expiresAt.getTime() - now);
	const asking = items.filter((_, i) => !claims.joined[i]);
	if (asking.length === 0) {
		// every item's incident already has a request waiting: join it, send nothing, don't wait
		return items.map((item, i) => ({
			json: { ...item.json, approval: joinedApproval(claims.joined[i]!) },
			pairedItem: { item: i },
		}));
	}
	let deliveries: DeliveryResult[] = [];
	let message: ReturnType<typeof requestMessage> | undefined;
	try {
		message = requestMessage.call(this, asking, options.template);
		// One request for the items that ask: the answer decides for every one of them.
		const specs = await channelSpecs.call(
			this,
			0,
			credentialReader.call(this),
			options,
			asking.map((item) => item.json),
			true,
		);
		const labels = {
			approve: options.approveLabel || DEFAULT_LABELS.approve,
			reject: options.rejectLabel || DEFAULT_LABELS.reject,
		};
		const ctx = notifyContext.call(this, options);
		const request = message;
		deliveries = await Promise.all(
			specs.map((spec) => {
				const via = viaOf(spec);
				const urls = {
					approve: this.getSignedResumeUrl({ approved: 'true', via, request: requestId }),
					reject: this.getSignedResumeUrl({ approved: 'false', via, request: requestId }),
				};
				return sendToChannel(spec, { ...request, actions: approvalActions(urls, labels) }, ctx);
			}),
		);
	} finally {
		// a request that reached nobody holds no key: the next occurrence asks again
		if (!deliveries.some((d) => d.delivered)) {
			for (const key of claims.held) {
				await claims.registry?.release(key, requestId).catch(() => undefined);
			}
		}
	}
	if (!deliveries.some((d) => d.delivered) || !message) {
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
		// the answer is recorded on these keys for occurrences that come after it
		keys: claims.held,
	};
	if (claims.warning) request.warning = claims.warning;
	const approvalOf = (i: number, decided: IDataObject): IDataObject => {
		const pending = claims.joined[i];
		return pending ? joinedApproval(pending) : { ...request, ...decided };
	};
	// If nobody answers, n8n resumes by passing this node's input through (the node is disabled
	// on resume). Replacing the input of the waiting node's stack entry with the timeout decision
	// makes that passthrough say what happened. Only this entry's reference is replaced, never
	// the previous node's items.
	const timedOut = items.map((item, i) => ({
		json: { ...item.json, approval: approvalOf(i, { ...decidedByTimeout(onTimeout, expiresAt) }) },
		pairedItem: { item: i },
	}));
	const executeData = this.getExecuteData?.();
	if (executeData) executeData.data = { ...executeData.data, main: [timedOut] };
	await this.putExecutionToWait(expiresAt);
	return items.map((item, i) => ({
		json: { ...item.json, approval: approvalOf(i, { decision: 'waiting' }) },
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
