// HMAC-SHA256 signatures on webhook deliveries, in the style of Slack's and Stripe's request
// signing: the signed string is `<timestamp>.<raw body>`, so a receiver can reject both forged
// bodies and replays (a timestamp outside its tolerance, or a delivery id it has already seen).
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-aiops-signature';
export const TIMESTAMP_HEADER = 'x-aiops-timestamp';
export const DELIVERY_HEADER = 'x-aiops-delivery';
export const EVENT_HEADER = 'x-aiops-event';
/** How far a receiver should accept a timestamp from its own clock, by default. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** `v1=` + hex HMAC-SHA256(secret, `${timestamp}.${body}`), timestamp in Unix seconds. */
export function signWebhookBody(secret: string, timestamp: number, body: string): string {
	return 'v1=' + createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

export interface VerifyInput {
	secret: string;
	/** request headers, any case */
	headers: Record<string, string | string[] | undefined>;
	/** the raw body bytes as received, before any JSON parsing */
	body: string | Buffer;
	/** the receiver's clock, Unix seconds */
	nowSeconds?: number;
	toleranceSeconds?: number;
	/** true when this delivery id was already accepted (replay inside the tolerance window) */
	seen?: (deliveryId: string) => boolean;
}

export type VerifyResult = { valid: true; deliveryId: string } | { valid: false; reason: string };

function header(headers: VerifyInput['headers'], name: string): string | undefined {
	for (const [key, value] of Object.entries(headers)) {
		if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
	}
	return undefined;
}

/** What a receiver does: the reference implementation of the README's verification steps. */
export function verifyWebhookSignature(input: VerifyInput): VerifyResult {
	const timestamp = header(input.headers, TIMESTAMP_HEADER);
	const signature = header(input.headers, SIGNATURE_HEADER);
	const deliveryId = header(input.headers, DELIVERY_HEADER) ?? '';
	if (!timestamp || !/^\d+$/.test(timestamp)) return { valid: false, reason: 'no timestamp' };
	if (!signature) return { valid: false, reason: 'no signature' };
	const now = input.nowSeconds ?? Math.floor(Date.now() / 1000);
	if (Math.abs(now - Number(timestamp)) > (input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) {
		return { valid: false, reason: 'timestamp outside the tolerance' };
	}
	const body = typeof input.body === 'string' ? input.body : input.body.toString('utf8');
	const expected = Buffer.from(signWebhookBody(input.secret, Number(timestamp), body));
	const given = Buffer.from(signature);
	if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
		return { valid: false, reason: 'signature mismatch' };
	}
	if (input.seen?.(deliveryId)) return { valid: false, reason: 'replayed delivery' };
	return { valid: true, deliveryId };
}
