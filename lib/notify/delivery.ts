// One delivery to one channel: attempts with the retry rules every channel shares, and the
// result the node reports. 429 waits what the service asks (retry_after / Retry-After), 5xx
// and network failures back off exponentially, other 4xx fail at once with the service's own
// error text. Secrets never leave this module in an error.
import { setTimeout as delay } from 'node:timers/promises';

import type { HttpTransport } from './http';

export const CHANNELS = ['telegram', 'slack', 'email', 'line', 'webhook'] as const;
export type ChannelName = (typeof CHANNELS)[number];

export interface DeliveryResult {
	channel: ChannelName;
	/** where it went: chat id, Slack channel, addresses, LINE id, webhook URL without query */
	target: string;
	delivered: boolean;
	/** the service's id of the message (Telegram message_id, Slack ts, SMTP Message-ID, …) */
	messageId: string | null;
	error: string | null;
	/** the last HTTP status (SMTP reply code for email) */
	httpCode: number | null;
	attempts: number;
	/** the text was cut to the channel's limit */
	truncated: boolean;
	/** not sent: the same event for the same incident went to this target within the window */
	suppressed?: boolean;
	/** something worth knowing that did not stop the delivery */
	warning?: string;
}

export type AttemptOutcome =
	| { ok: true; messageId: string | null; httpCode?: number }
	| {
			ok: false;
			/** worth another attempt (429, 5xx, network) */
			retry: boolean;
			error: string;
			httpCode?: number;
			/** what the service asked to wait */
			retryAfterMs?: number;
	  };

export interface RetryPolicy {
	/** attempts in all, the first included */
	maxAttempts: number;
	/** first backoff after a 5xx or network failure; doubles each time */
	baseDelayMs: number;
	maxDelayMs: number;
	/** a 429 asking for a longer wait than this fails instead of blocking the execution */
	maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
	maxAttempts: 4,
	baseDelayMs: 1000,
	maxDelayMs: 16_000,
	maxRetryAfterMs: 60_000,
};

/** What a sender needs besides its credential, target and message. */
export interface ChannelContext {
	http: HttpTransport;
	sleep: (ms: number) => Promise<void>;
	retry: RetryPolicy;
	/** per request */
	timeoutMs: number;
	now: () => number;
}

export function channelContext(overrides: Partial<ChannelContext> = {}): ChannelContext {
	return {
		http: overrides.http ?? (async () => Promise.reject(new Error('no HTTP transport given'))),
		sleep: overrides.sleep ?? ((ms) => delay(ms).then(() => undefined)),
		retry: overrides.retry ?? DEFAULT_RETRY,
		timeoutMs: overrides.timeoutMs ?? 15_000,
		now: overrides.now ?? Date.now,
	};
}

/**
 * Replaces every occurrence of a secret (and its URL-encoded form) with `[redacted]`. Secrets
 * shorter than 4 characters are not searched for: they would mangle ordinary words.
 */
export function redact(text: string, secrets: Array<string | undefined>): string {
	let out = text;
	for (const secret of secrets) {
		if (!secret || secret.length < 4) continue;
		for (const form of new Set([secret, encodeURIComponent(secret)])) {
			out = out.split(form).join('[redacted]');
		}
	}
	return out;
}

/** A thrown network error as text: the code and message, never the request it came from. */
export function networkError(error: unknown): string {
	const e = error as {
		name?: string;
		code?: string;
		message?: string;
		cause?: { code?: string; message?: string };
	};
	if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'request timed out';
	const code = e?.cause?.code ?? e?.code;
	const message = e?.cause?.message ?? e?.message ?? String(error);
	return code && !message.includes(code) ? `${code}: ${message}` : message;
}

function backoff(policy: RetryPolicy, failures: number): number {
	return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failures - 1));
}

export interface Delivery {
	channel: ChannelName;
	target: string;
	truncated: boolean;
	/** every secret the attempt uses: tokens, passwords, secret URLs */
	secrets: Array<string | undefined>;
	/** one attempt; may throw on network failure (then retried) */
	attempt: (attempt: number) => Promise<AttemptOutcome>;
}

/** Runs the attempts of one delivery under the retry policy and reports the result. */
export async function deliver(delivery: Delivery, ctx: ChannelContext): Promise<DeliveryResult> {
	const policy = ctx.retry;
	let attempts = 0;
	let last: AttemptOutcome = { ok: false, retry: false, error: 'not attempted' };
	while (attempts < Math.max(1, policy.maxAttempts)) {
		attempts++;
		try {
			last = await delivery.attempt(attempts);
		} catch (error) {
			last = { ok: false, retry: true, error: networkError(error) };
		}
		if (last.ok || !last.retry || attempts >= policy.maxAttempts) break;
		const wait = last.retryAfterMs ?? backoff(policy, attempts);
		if (wait > policy.maxRetryAfterMs) {
			last = {
				...last,
				retry: false,
				error: `${last.error} (the service asks to wait ${Math.ceil(wait / 1000)} s, more than the ${Math.round(policy.maxRetryAfterMs / 1000)} s allowed)`,
			};
			break;
		}
		await ctx.sleep(wait);
	}
	const result: DeliveryResult = {
		channel: delivery.channel,
		target: redact(delivery.target, delivery.secrets),
		delivered: last.ok,
		messageId: last.ok ? last.messageId : null,
		error: last.ok ? null : redact(last.error, delivery.secrets),
		httpCode: last.httpCode ?? null,
		attempts,
		truncated: delivery.truncated,
	};
	if (!last.ok && attempts > 1) result.error += ` (after ${attempts} attempts)`;
	return result;
}

/** The usual reading of an HTTP status: 429 and 5xx are worth retrying, other 4xx are not. */
export function statusOutcome(
	status: number,
	error: string,
	retryAfterMs?: number,
): Extract<AttemptOutcome, { ok: false }> {
	return {
		ok: false,
		retry: status === 429 || status >= 500,
		error,
		httpCode: status,
		retryAfterMs: status === 429 ? retryAfterMs : undefined,
	};
}
