// A generic JSON webhook: the rendered message, the item's data and, for approvals, the
// links. With a signing secret every attempt carries a fresh timestamp and an HMAC-SHA256
// signature over `timestamp.body` (signature.ts); the delivery id stays the same across
// retries so a receiver can drop duplicates.
import { randomUUID } from 'node:crypto';

import { deliver, statusOutcome, type ChannelContext, type DeliveryResult } from '../delivery';
import { emailHtmlBody } from '../format';
import { bodyExcerpt, jsonBody, retryAfterMs } from '../http';
import { plainText, truncateSpans } from '../markup';
import type { OutgoingMessage } from '../message';
import {
	DELIVERY_HEADER,
	EVENT_HEADER,
	SIGNATURE_HEADER,
	TIMESTAMP_HEADER,
	signWebhookBody,
} from '../signature';

/** A generous cap: receivers are programs, but a runaway template should not post megabytes. */
export const WEBHOOK_TEXT_LIMIT = 100_000;

export interface WebhookTarget {
	url: string;
	/** signs each request when given */
	signingSecret?: string;
	/** the item's JSON, sent as `data` */
	data?: unknown;
}

/** The URL as shown in results: no credentials, no query string (it may hold a token). */
export function displayUrl(url: string): string {
	try {
		const u = new URL(url);
		return `${u.protocol}//${u.host}${u.pathname}`;
	} catch {
		return 'invalid URL';
	}
}

function urlSecrets(url: string): string[] {
	try {
		const u = new URL(url);
		return [u.password, u.search.slice(1)].filter((s) => s.length > 0);
	} catch {
		return [url];
	}
}

/** The JSON body (exported for tests and previews). */
export function webhookPayload(
	message: OutgoingMessage,
	data: unknown,
	deliveryId: string,
	sentAt: string,
) {
	const { spans, truncated } = truncateSpans(message.spans, WEBHOOK_TEXT_LIMIT);
	const body: Record<string, unknown> = {
		event: message.event,
		title: message.title,
		text: plainText(spans),
		html: emailHtmlBody(spans),
		delivery_id: deliveryId,
		sent_at: sentAt,
	};
	if (message.actions?.length) body.actions = message.actions;
	if (data !== undefined) body.data = data;
	return { body, truncated };
}

export async function sendWebhook(
	target: WebhookTarget,
	message: OutgoingMessage,
	ctx: ChannelContext,
): Promise<DeliveryResult> {
	const deliveryId = randomUUID();
	const { body, truncated } = webhookPayload(
		message,
		target.data,
		deliveryId,
		new Date(ctx.now()).toISOString(),
	);
	const payload = JSON.stringify(body);
	return deliver(
		{
			channel: 'webhook',
			target: displayUrl(target.url),
			truncated,
			secrets: [target.signingSecret, ...urlSecrets(target.url)],
			attempt: async () => {
				const headers: Record<string, string> = {
					'content-type': 'application/json',
					'user-agent': 'n8n-nodes-aiops',
					[DELIVERY_HEADER]: deliveryId,
					[EVENT_HEADER]: message.event,
				};
				if (target.signingSecret) {
					const timestamp = Math.floor(ctx.now() / 1000);
					headers[TIMESTAMP_HEADER] = String(timestamp);
					headers[SIGNATURE_HEADER] = signWebhookBody(target.signingSecret, timestamp, payload);
				}
				const response = await ctx.http({
					method: 'POST',
					url: target.url,
					headers,
					body: payload,
					timeoutMs: ctx.timeoutMs,
				});
				if (response.status >= 200 && response.status < 300) {
					const id = jsonBody(response)?.id;
					return {
						ok: true,
						messageId: typeof id === 'string' || typeof id === 'number' ? String(id) : deliveryId,
						httpCode: response.status,
					};
				}
				return statusOutcome(
					response.status,
					`Webhook: HTTP ${response.status} ${bodyExcerpt(response.body)}`,
					retryAfterMs(response),
				);
			},
		},
		ctx,
	);
}
