// LINE Messaging API push (LINE Notify was shut down on 31 March 2025). Plain text: LINE has
// no markup, so the text needs no escaping. A retry key makes retries safe: LINE answers 409
// for a request it already accepted, which counts as delivered.
import { randomUUID } from 'node:crypto';

import {
	deliver,
	statusOutcome,
	type AttemptOutcome,
	type ChannelContext,
	type DeliveryResult,
} from '../delivery';
import { bodyExcerpt, jsonBody, retryAfterMs, type HttpResponse } from '../http';
import { plainText, truncateText } from '../markup';
import type { OutgoingMessage } from '../message';

/** Text message: at most 5,000 characters, counted in UTF-16 units. */
export const LINE_TEXT_LIMIT = 5000;
/** Buttons template: text ≤ 160 characters, action labels ≤ 20. */
const BUTTONS_TEXT_LIMIT = 160;
const ACTION_LABEL_LIMIT = 20;
export const LINE_DEFAULT_BASE_URL = 'https://api.line.me';

export interface LineCredential {
	channelAccessToken: string;
	baseUrl?: string;
}

export interface LineTarget {
	/** a user (U…), group (C…) or room (R…) ID */
	to: string;
	silent?: boolean;
}

/** The push body for a message (exported for tests and previews). */
export function linePayload(target: LineTarget, message: OutgoingMessage) {
	const { text, truncated } = truncateText(plainText(message.spans), LINE_TEXT_LIMIT);
	const messages: unknown[] = [{ type: 'text', text }];
	if (message.actions?.length) {
		messages.push({
			type: 'template',
			altText: truncateText(message.title, 400, '…').text,
			template: {
				type: 'buttons',
				text: truncateText(message.title, BUTTONS_TEXT_LIMIT, '…').text,
				actions: message.actions.slice(0, 4).map((action) => ({
					type: 'uri',
					label: truncateText(action.label, ACTION_LABEL_LIMIT, '…').text,
					uri: action.url,
				})),
			},
		});
	}
	const body: Record<string, unknown> = { to: target.to, messages };
	if (target.silent) body.notificationDisabled = true;
	return { body, truncated };
}

function sentMessageId(json: Record<string, unknown> | undefined): string | null {
	const sent = json?.sentMessages as Array<{ id?: string }> | undefined;
	return sent?.[0]?.id ?? null;
}

function lineError(response: HttpResponse): string {
	const json = jsonBody(response);
	if (typeof json?.message !== 'string')
		return `HTTP ${response.status} ${bodyExcerpt(response.body)}`;
	const details =
		(json.details as Array<{ message?: string; property?: string }> | undefined) ?? [];
	const detail = details
		.map((d) => (d.property ? `${d.property}: ${d.message ?? ''}` : (d.message ?? '')))
		.join('; ');
	return `HTTP ${response.status} ${json.message}${detail ? ` (${detail})` : ''}`;
}

function pushOutcome(response: HttpResponse): AttemptOutcome {
	const json = jsonBody(response);
	if (response.status === 200) return { ok: true, messageId: sentMessageId(json), httpCode: 200 };
	// the retry key was accepted by an earlier attempt: the message went out
	if (response.status === 409 && response.headers['x-line-accepted-request-id']) {
		return { ok: true, messageId: sentMessageId(json), httpCode: 409 };
	}
	const outcome = statusOutcome(
		response.status,
		`LINE: ${lineError(response)}`,
		retryAfterMs(response),
	);
	// 429 also means the monthly message quota is used up: waiting does not help
	if (response.status === 429 && /monthly limit/i.test(response.body)) outcome.retry = false;
	return outcome;
}

export async function sendLine(
	credential: LineCredential,
	target: LineTarget,
	message: OutgoingMessage,
	ctx: ChannelContext,
): Promise<DeliveryResult> {
	const { body, truncated } = linePayload(target, message);
	const payload = JSON.stringify(body);
	const retryKey = randomUUID();
	const base = (credential.baseUrl || LINE_DEFAULT_BASE_URL).replace(/\/+$/, '');
	return deliver(
		{
			channel: 'line',
			target: target.to,
			truncated,
			secrets: [credential.channelAccessToken],
			attempt: async () =>
				pushOutcome(
					await ctx.http({
						method: 'POST',
						url: `${base}/v2/bot/message/push`,
						headers: {
							'content-type': 'application/json',
							authorization: `Bearer ${credential.channelAccessToken}`,
							'x-line-retry-key': retryKey,
						},
						body: payload,
						timeoutMs: ctx.timeoutMs,
					}),
				),
		},
		ctx,
	);
}
