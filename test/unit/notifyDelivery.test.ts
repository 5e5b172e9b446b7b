// Delivery rules without I/O: retries and waits (recorded, not slept), redaction, signatures,
// approval helpers, address parsing.
import {
	DEFAULT_RETRY,
	approvalActions,
	channelContext,
	decidedByClick,
	decidedByTimeout,
	deliver,
	isLinkPreviewer,
	parseAddresses,
	redact,
	retryAfterMs,
	sendTelegram,
	signWebhookBody,
	verifyWebhookSignature,
	renderMessage,
	type HttpRequest,
	type HttpResponse,
} from '../../lib/notify';
import { InvalidInputError } from '../../lib/errors';

function scripted(responses: Array<HttpResponse | Error>) {
	const requests: HttpRequest[] = [];
	const waits: number[] = [];
	const ctx = channelContext({
		http: async (request) => {
			requests.push(request);
			const next = responses.shift();
			if (!next) throw new Error('no more responses');
			if (next instanceof Error) throw next;
			return next;
		},
		sleep: async (ms) => {
			waits.push(ms);
		},
	});
	return { ctx, requests, waits };
}

const json = (
	status: number,
	body: unknown,
	headers: Record<string, string> = {},
): HttpResponse => ({
	status,
	headers: { 'content-type': 'application/json', ...headers },
	body: JSON.stringify(body),
});

const message = renderMessage('alert_fired', { labels: { alertname: 'X' } });
const TOKEN = '123456:AAE-secret-token';

describe('deliver (Telegram as the example)', () => {
	it('waits exactly retry_after on 429, then succeeds', async () => {
		const { ctx, waits, requests } = scripted([
			json(429, {
				ok: false,
				error_code: 429,
				description: 'Too Many Requests: retry after 35',
				parameters: { retry_after: 35 },
			}),
			json(200, { ok: true, result: { message_id: 77 } }),
		]);
		const result = await sendTelegram({ accessToken: TOKEN }, { chatId: '-100' }, message, ctx);
		expect(waits).toEqual([35_000]);
		expect(requests).toHaveLength(2);
		expect(requests[0].body).toBe(requests[1].body);
		expect(result).toMatchObject({ delivered: true, messageId: '77', attempts: 2, error: null });
	});

	it('backs off exponentially on 5xx and network errors, then gives up with the last error', async () => {
		const { ctx, waits } = scripted([
			json(502, { ok: false, error_code: 502, description: 'Bad Gateway' }),
			Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }),
			json(500, { ok: false, error_code: 500, description: 'Internal Server Error' }),
			json(503, { ok: false, error_code: 503, description: 'Service Unavailable' }),
		]);
		const result = await sendTelegram({ accessToken: TOKEN }, { chatId: '1' }, message, ctx);
		expect(waits).toEqual([1000, 2000, 4000]);
		expect(result).toMatchObject({
			delivered: false,
			attempts: 4,
			httpCode: 503,
			error: 'Telegram: Service Unavailable (after 4 attempts)',
		});
	});

	it('fails at once on 4xx with the service text', async () => {
		const { ctx, waits } = scripted([
			json(400, { ok: false, error_code: 400, description: 'Bad Request: chat not found' }),
		]);
		const result = await sendTelegram({ accessToken: TOKEN }, { chatId: '1' }, message, ctx);
		expect(waits).toEqual([]);
		expect(result).toMatchObject({
			delivered: false,
			attempts: 1,
			httpCode: 400,
			error: 'Telegram: Bad Request: chat not found',
		});
	});

	it('refuses to block longer than the wait limit', async () => {
		const { ctx, waits } = scripted([
			json(429, { ok: false, description: 'Too Many Requests', parameters: { retry_after: 3600 } }),
		]);
		const result = await sendTelegram({ accessToken: TOKEN }, { chatId: '1' }, message, ctx);
		expect(waits).toEqual([]);
		expect(result.error).toMatch(/asks to wait 3600 s, more than the 60 s allowed/);
	});

	it('never shows the token, even when the service or the network echoes it', async () => {
		const { ctx } = scripted([
			new Error(`getaddrinfo ENOTFOUND api.telegram.org/bot${TOKEN}/sendMessage`),
			json(401, { ok: false, description: `Unauthorized token ${encodeURIComponent(TOKEN)}` }),
		]);
		const result = await sendTelegram({ accessToken: TOKEN }, { chatId: '1' }, message, ctx);
		expect(JSON.stringify(result)).not.toContain('secret-token');
		expect(result.error).toContain('[redacted]');
	});
});

describe('deliver', () => {
	it('counts a thrown attempt as a retryable failure and stops at maxAttempts', async () => {
		const waits: number[] = [];
		let calls = 0;
		const result = await deliver(
			{
				channel: 'webhook',
				target: 'x',
				truncated: false,
				secrets: [],
				attempt: async () => {
					calls++;
					throw new Error('socket hang up');
				},
			},
			channelContext({
				sleep: async (ms) => void waits.push(ms),
				retry: { ...DEFAULT_RETRY, maxAttempts: 2 },
			}),
		);
		expect(calls).toBe(2);
		expect(waits).toEqual([1000]);
		expect(result.error).toBe('socket hang up (after 2 attempts)');
	});
});

describe('redact', () => {
	it('replaces secrets and their URL-encoded form, ignoring very short ones', () => {
		expect(redact('a xoxb-1/2 b xoxb-1%2F2 c', ['xoxb-1/2', 'ab'])).toBe(
			'a [redacted] b [redacted] c',
		);
	});
});

describe('retryAfterMs', () => {
	it('reads seconds and HTTP dates', () => {
		const now = Date.parse('2026-01-01T00:00:00Z');
		expect(retryAfterMs({ status: 429, headers: { 'retry-after': '7' }, body: '' })).toBe(7000);
		expect(
			retryAfterMs(
				{ status: 429, headers: { 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }, body: '' },
				now,
			),
		).toBe(30_000);
		expect(retryAfterMs({ status: 429, headers: {}, body: '' })).toBeUndefined();
	});
});

describe('webhook signatures', () => {
	const secret = 'whsec-0123456789abcdef';
	const body = '{"event":"alert_fired","text":"中文 <b>"}';
	const headers = (ts: number, sig = signWebhookBody(secret, ts, body)) => ({
		'X-Aiops-Timestamp': String(ts),
		'X-Aiops-Signature': sig,
		'X-Aiops-Delivery': 'd-1',
	});

	it('is HMAC-SHA256 over "timestamp.body" (a value computed with openssl)', () => {
		// printf '%s' '1767225600.{"a":1}' | openssl dgst -sha256 -hmac 'whsec-0123456789abcdef'
		expect(signWebhookBody(secret, 1767225600, '{"a":1}')).toBe(
			'v1=405d1c8c207816620fbb90bfde510cf98c4f77efe03e10a92b11e488d62b64cb',
		);
	});

	it('verifies, and rejects a changed body, a stale timestamp and a replay', () => {
		const now = 1_767_225_600;
		const seen = new Set<string>();
		const check = (h: Record<string, string>, b = body, at = now) =>
			verifyWebhookSignature({
				secret,
				headers: h,
				body: b,
				nowSeconds: at,
				seen: (id) => seen.has(id),
			});
		expect(check(headers(now))).toEqual({ valid: true, deliveryId: 'd-1' });
		seen.add('d-1');
		expect(check(headers(now))).toEqual({ valid: false, reason: 'replayed delivery' });
		seen.clear();
		expect(check(headers(now), body.replace('中文', 'xx'))).toEqual({
			valid: false,
			reason: 'signature mismatch',
		});
		expect(check(headers(now - 301))).toEqual({
			valid: false,
			reason: 'timestamp outside the tolerance',
		});
		expect(check(headers(now, 'v1=00'))).toEqual({ valid: false, reason: 'signature mismatch' });
		expect(check({})).toEqual({ valid: false, reason: 'no timestamp' });
	});
});

describe('approvals', () => {
	it('orders reject before approve, as n8n does for double approvals', () => {
		expect(
			approvalActions({ approve: 'https://a', reject: 'https://r' }).map((a) => a.style),
		).toEqual(['danger', 'primary']);
	});

	it('recognises link previewers but not people', () => {
		for (const ua of [
			'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
			'TelegramBot (like TwitterBot)',
			'facebookexternalhit/1.1;line-poker/1.0',
			'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0',
		]) {
			expect(isLinkPreviewer(ua)).toBe(true);
		}
		for (const ua of [
			undefined,
			'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15',
			'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Line/13.20.0',
		]) {
			expect(isLinkPreviewer(ua)).toBe(false);
		}
	});

	it('a click names who decided; a timeout decides as configured at the deadline', () => {
		const at = new Date('2026-01-01T00:00:00Z');
		expect(decidedByClick(true, 'email:ops@x.io', null, at)).toEqual({
			approved: true,
			decision: 'approved',
			by: 'email:ops@x.io',
			via: 'email:ops@x.io',
			at: '2026-01-01T00:00:00.000Z',
			timedOut: false,
		});
		expect(decidedByClick(false, 'telegram:-100', 'alice@x.io', at).by).toBe('alice@x.io');
		expect(decidedByTimeout('reject', at)).toMatchObject({
			approved: false,
			by: 'timeout',
			timedOut: true,
		});
		expect(decidedByTimeout('approve', at).approved).toBe(true);
	});
});

describe('parseAddresses', () => {
	it('splits lists and names the field of a bad address', () => {
		expect(parseAddresses('a@x.io, Ops Team <ops@x.io>;b@y.org\n', 'emailTo')).toEqual([
			'a@x.io',
			'Ops Team <ops@x.io>',
			'b@y.org',
		]);
		expect(() => parseAddresses('a@x.io, nope', 'emailTo')).toThrow(InvalidInputError);
		expect(() => parseAddresses(' ', 'emailTo')).toThrow(/has no email address/);
	});
});
