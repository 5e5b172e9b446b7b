// Slack: chat.postMessage with a bot token, or an incoming-webhook URL. The message is a
// rich_text block (literal text with structured styles, so `*`, `_`, `<!channel>` from an
// alert stay text) plus a mrkdwn-escaped `text` fallback for notifications.
import {
	deliver,
	redact,
	statusOutcome,
	type AttemptOutcome,
	type ChannelContext,
	type DeliveryResult,
} from '../delivery';
import { escapeSlackText } from '../escape';
import { slackRichText } from '../format';
import { bodyExcerpt, jsonBody, retryAfterMs, type HttpResponse } from '../http';
import { plainText, truncateSpans, truncateText } from '../markup';
import type { OutgoingMessage } from '../message';

/** Visible characters per message: a section's 3,000 (Block Kit), well under msg_too_long. */
export const SLACK_TEXT_LIMIT = 3000;
/** Block Kit button text limit. */
const BUTTON_TEXT_LIMIT = 75;
export const SLACK_DEFAULT_BASE_URL = 'https://slack.com/api';

export type SlackCredential =
	| { authType: 'botToken'; accessToken: string; baseUrl?: string }
	| { authType: 'webhook'; webhookUrl: string };

/** Slack errors (ok: false) that are the service's trouble, not the request's. */
const TRANSIENT_ERRORS = new Set([
	'ratelimited',
	'internal_error',
	'fatal_error',
	'service_unavailable',
	'request_timeout',
]);

/** The message body shared by chat.postMessage and incoming webhooks. */
export function slackPayload(message: OutgoingMessage) {
	const { spans, truncated } = truncateSpans(message.spans, SLACK_TEXT_LIMIT);
	const blocks: unknown[] = [slackRichText(spans)];
	if (message.actions?.length) {
		blocks.push({
			type: 'actions',
			elements: message.actions.map((action, i) => ({
				type: 'button',
				text: {
					type: 'plain_text',
					text: truncateText(action.label, BUTTON_TEXT_LIMIT, '…').text,
					emoji: true,
				},
				url: action.url,
				style: action.style,
				action_id: `aiops_action_${i}`,
			})),
		});
	}
	return {
		body: {
			text: escapeSlackText(truncateText(plainText(message.spans), SLACK_TEXT_LIMIT).text),
			blocks,
			unfurl_links: false,
			unfurl_media: false,
		},
		truncated,
	};
}

function postMessageOutcome(response: HttpResponse): AttemptOutcome {
	const json = jsonBody(response);
	if (response.status === 200 && json?.ok === true) {
		return { ok: true, messageId: String(json.ts ?? ''), httpCode: 200 };
	}
	if (response.status === 200 && typeof json?.error === 'string') {
		return {
			ok: false,
			retry: TRANSIENT_ERRORS.has(json.error),
			error: `Slack: ${json.error}`,
			httpCode: 200,
		};
	}
	const error = typeof json?.error === 'string' ? json.error : bodyExcerpt(response.body);
	return statusOutcome(
		response.status,
		`Slack: HTTP ${response.status} ${error}`,
		retryAfterMs(response),
	);
}

function webhookOutcome(response: HttpResponse): AttemptOutcome {
	if (response.status === 200) return { ok: true, messageId: null, httpCode: 200 };
	return statusOutcome(
		response.status,
		`Slack webhook: HTTP ${response.status} ${bodyExcerpt(response.body)}`,
		retryAfterMs(response),
	);
}

export function slackSecrets(credential: SlackCredential): string[] {
	if (credential.authType === 'botToken') return [credential.accessToken];
	const secrets = [credential.webhookUrl];
	try {
		secrets.push(new URL(credential.webhookUrl).pathname);
	} catch {
		// not a URL: the whole string is the secret
	}
	return secrets;
}

export async function sendSlack(
	credential: SlackCredential,
	channel: string,
	message: OutgoingMessage,
	ctx: ChannelContext,
): Promise<DeliveryResult> {
	const { body, truncated } = slackPayload(message);
	const bot = credential.authType === 'botToken';
	const payload = JSON.stringify(bot ? { channel, ...body } : body);
	return deliver(
		{
			channel: 'slack',
			target: bot ? channel : 'incoming webhook',
			truncated,
			secrets: slackSecrets(credential),
			attempt: async () => {
				const response = await ctx.http({
					method: 'POST',
					url: bot
						? `${(credential.baseUrl || SLACK_DEFAULT_BASE_URL).replace(/\/+$/, '')}/chat.postMessage`
						: credential.webhookUrl,
					headers: {
						'content-type': 'application/json; charset=utf-8',
						...(bot ? { authorization: `Bearer ${credential.accessToken}` } : {}),
					},
					body: payload,
					timeoutMs: ctx.timeoutMs,
				});
				return bot ? postMessageOutcome(response) : webhookOutcome(response);
			},
		},
		ctx,
	);
}

/**
 * Checks a Slack credential without posting anything: auth.test for a bot token; for a
 * webhook URL an empty payload, which Slack refuses with 400 `no_text` only when the URL
 * is a live webhook (a wrong one gives 403/404).
 */
export async function checkSlackCredential(
	credential: SlackCredential,
	ctx: ChannelContext,
): Promise<string> {
	const fail = (text: string): never => {
		throw new Error(redact(text, slackSecrets(credential)));
	};
	if (credential.authType === 'botToken') {
		const response = await ctx.http({
			method: 'POST',
			url: `${(credential.baseUrl || SLACK_DEFAULT_BASE_URL).replace(/\/+$/, '')}/auth.test`,
			headers: { authorization: `Bearer ${credential.accessToken}` },
			timeoutMs: ctx.timeoutMs,
		});
		const json = jsonBody(response);
		if (json?.ok === true)
			return `Connected to ${String(json.team ?? 'Slack')} as ${String(json.user ?? 'the bot')}`;
		return fail(
			`Slack: ${typeof json?.error === 'string' ? json.error : `HTTP ${response.status}`}`,
		);
	}
	const response = await ctx.http({
		method: 'POST',
		url: credential.webhookUrl,
		headers: { 'content-type': 'application/json' },
		body: '{}',
		timeoutMs: ctx.timeoutMs,
	});
	if (response.status === 400 && /no_text|invalid_payload|missing_text/.test(response.body)) {
		return 'The webhook URL is live';
	}
	return fail(`Slack webhook: HTTP ${response.status} ${bodyExcerpt(response.body)}`);
}
