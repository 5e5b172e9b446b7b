// Telegram Bot API sendMessage in HTML parse mode. The base URL is configurable for
// self-hosted Bot API servers (and tests); the token is part of the URL path, so it is
// redacted from everything this module reports.
import { deliver, statusOutcome, type ChannelContext, type DeliveryResult } from '../delivery';
import { telegramHtml } from '../format';
import { jsonBody } from '../http';
import { truncateSpans } from '../markup';
import type { OutgoingMessage } from '../message';

/** Bot API: 1–4096 characters after entity parsing (counted in UTF-16 units here). */
export const TELEGRAM_TEXT_LIMIT = 4096;
export const TELEGRAM_DEFAULT_BASE_URL = 'https://api.telegram.org';

export interface TelegramCredential {
	accessToken: string;
	baseUrl?: string;
}

export interface TelegramTarget {
	chatId: string;
	/** forum topic (message_thread_id) */
	threadId?: number;
	/** disable_notification */
	silent?: boolean;
}

export function telegramMethodUrl(credential: TelegramCredential, method: string): string {
	const base = (credential.baseUrl || TELEGRAM_DEFAULT_BASE_URL).replace(/\/+$/, '');
	return `${base}/bot${credential.accessToken}/${method}`;
}

/** The sendMessage body for a message (exported for tests and previews). */
export function telegramPayload(target: TelegramTarget, message: OutgoingMessage) {
	const { spans, truncated } = truncateSpans(message.spans, TELEGRAM_TEXT_LIMIT);
	const body: Record<string, unknown> = {
		chat_id: target.chatId,
		text: telegramHtml(spans),
		parse_mode: 'HTML',
		// approval links and alert links must not unfurl (a preview fetch is a GET on the link)
		link_preview_options: { is_disabled: true },
	};
	if (target.threadId) body.message_thread_id = target.threadId;
	if (target.silent) body.disable_notification = true;
	if (message.actions?.length) {
		body.reply_markup = {
			inline_keyboard: [message.actions.map((a) => ({ text: a.label, url: a.url }))],
		};
	}
	return { body, truncated };
}

export async function sendTelegram(
	credential: TelegramCredential,
	target: TelegramTarget,
	message: OutgoingMessage,
	ctx: ChannelContext,
): Promise<DeliveryResult> {
	const { body, truncated } = telegramPayload(target, message);
	const payload = JSON.stringify(body);
	return deliver(
		{
			channel: 'telegram',
			target: target.chatId,
			truncated,
			secrets: [credential.accessToken],
			attempt: async () => {
				const response = await ctx.http({
					method: 'POST',
					url: telegramMethodUrl(credential, 'sendMessage'),
					headers: { 'content-type': 'application/json' },
					body: payload,
					timeoutMs: ctx.timeoutMs,
				});
				const json = jsonBody(response);
				const result = json?.result as { message_id?: number } | undefined;
				if (response.status === 200 && json?.ok === true) {
					return { ok: true, messageId: String(result?.message_id ?? ''), httpCode: 200 };
				}
				const parameters = json?.parameters as { retry_after?: number } | undefined;
				const description =
					typeof json?.description === 'string'
						? json.description
						: `HTTP ${response.status} from the Bot API`;
				return statusOutcome(
					response.status,
					`Telegram: ${description}`,
					parameters?.retry_after !== undefined ? parameters.retry_after * 1000 : undefined,
				);
			},
		},
		ctx,
	);
}
