// Every channel against a local stand-in of its service (and a real SMTP server): the exact
// requests, escaping of hostile text, limits, retries, partial failure, approval buttons.
import {
	LINE_TEXT_LIMIT,
	SLACK_TEXT_LIMIT,
	TELEGRAM_TEXT_LIMIT,
	TRUNCATION_MARKER,
	approvalActions,
	channelContext,
	fetchTransport,
	plainText,
	renderMessage,
	sendEmail,
	sendLine,
	sendSlack,
	sendTelegram,
	sendToChannels,
	sendWebhook,
	verifyWebhookSignature,
	type ChannelContext,
	type OutgoingMessage,
} from '../../lib/notify';
import { startFakeService, startFakeSmtp } from '../support/fakeChannels';
import {
	HOSTILE_TEXTS,
	LONG_DESCRIPTION,
	decodeHtml,
	decodeSlackText,
	decodeTelegramHtml,
	slackRichTextToText,
} from '../support/notifyText';

const TG_TOKEN = '7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const SLACK_TOKEN = 'xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy';
const LINE_TOKEN = 'lineChannelAccessTokenWithEnoughLength1234567890';
const SMTP_PASSWORD = 'smtp-Pa55word!';
const SIGNING_SECRET = 'whsec-integration-0123456789';

function context(): { ctx: ChannelContext; waits: number[] } {
	const waits: number[] = [];
	return {
		ctx: channelContext({
			http: fetchTransport,
			sleep: async (ms) => void waits.push(ms),
			timeoutMs: 5000,
		}),
		waits,
	};
}

function alertWith(description: string): OutgoingMessage {
	return renderMessage('alert_fired', {
		labels: { alertname: 'KubePodCrashLooping', severity: 'critical', namespace: 'shop' },
		annotations: { description },
		workload: 'checkout',
		generatorURL: 'http://prometheus:9090/graph?g0.expr=up&g0.tab=1',
	});
}

/** What a reader sees in a chat client that hides link addresses. */
const visible = (m: OutgoingMessage) => plainText(m.spans, false);

describe('Telegram Bot API sendMessage', () => {
	let api: Awaited<ReturnType<typeof startFakeService>>;
	beforeAll(
		async () =>
			(api = await startFakeService({
				status: 200,
				body: { ok: true, result: { message_id: 42 } },
			})),
	);
	afterAll(() => api.close());
	beforeEach(() => api.requests.splice(0));

	it('posts HTML-mode JSON to <base>/bot<token>/sendMessage', async () => {
		const { ctx } = context();
		const message = alertWith('disk full');
		const result = await sendTelegram(
			{ accessToken: TG_TOKEN, baseUrl: `${api.url}/` },
			{ chatId: '-1001234567890', threadId: 7, silent: true },
			message,
			ctx,
		);
		expect(result).toEqual({
			channel: 'telegram',
			target: '-1001234567890',
			delivered: true,
			messageId: '42',
			error: null,
			httpCode: 200,
			attempts: 1,
			truncated: false,
		});
		const [request] = api.requests;
		expect(request.method).toBe('POST');
		expect(request.url).toBe(`/bot${TG_TOKEN}/sendMessage`);
		expect(request.headers['content-type']).toBe('application/json');
		expect(request.json).toEqual({
			chat_id: '-1001234567890',
			text: expect.stringMatching(
				/^🔴 <b>Alert firing: KubePodCrashLooping<\/b>\nSeverity: critical\n/,
			),
			parse_mode: 'HTML',
			link_preview_options: { is_disabled: true },
			message_thread_id: 7,
			disable_notification: true,
		});
		expect((request.json as { text: string }).text).toContain(
			'<a href="http://prometheus:9090/graph?g0.expr=up&amp;g0.tab=1">Open in Prometheus</a>',
		);
	});

	it.each(HOSTILE_TEXTS.map((t) => [JSON.stringify(t).slice(0, 40), t]))(
		'hostile text %s reaches the reader unchanged',
		async (_name, hostile) => {
			const message = alertWith(hostile);
			await sendTelegram(
				{ accessToken: TG_TOKEN, baseUrl: api.url },
				{ chatId: '1' },
				message,
				context().ctx,
			);
			const shown = decodeTelegramHtml((api.requests[0].json as { text: string }).text);
			expect(shown).toBe(visible(message));
			expect(shown).toContain(hostile);
		},
	);

	it('cuts a 5,000-character description to 4,096 visible characters with a marker', async () => {
		const message = alertWith(LONG_DESCRIPTION);
		const result = await sendTelegram(
			{ accessToken: TG_TOKEN, baseUrl: api.url },
			{ chatId: '1' },
			message,
			context().ctx,
		);
		const shown = decodeTelegramHtml((api.requests[0].json as { text: string }).text);
		expect(result.truncated).toBe(true);
		expect(shown.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
		expect(shown.length).toBeGreaterThan(TELEGRAM_TEXT_LIMIT - 20);
		expect(shown.endsWith(TRUNCATION_MARKER)).toBe(true);
		expect(visible(message).startsWith(shown.slice(0, -TRUNCATION_MARKER.length))).toBe(true);
	});

	it('429 waits retry_after, 5xx backs off, 4xx fails with the API description, and the token never shows', async () => {
		const { ctx, waits } = context();
		api.reply(
			{
				status: 429,
				body: {
					ok: false,
					error_code: 429,
					description: 'Too Many Requests: retry after 3',
					parameters: { retry_after: 3 },
				},
			},
			{ status: 502, body: 'Bad Gateway' },
			{ status: 200, body: { ok: true, result: { message_id: 9 } } },
		);
		const ok = await sendTelegram(
			{ accessToken: TG_TOKEN, baseUrl: api.url },
			{ chatId: '1' },
			alertWith('x'),
			ctx,
		);
		expect(ok).toMatchObject({ delivered: true, attempts: 3, messageId: '9' });
		expect(waits).toEqual([3000, 2000]);
		expect(api.requests.map((r) => r.body)).toEqual([
			api.requests[0].body,
			api.requests[0].body,
			api.requests[0].body,
		]);

		api.reply({
			status: 403,
			body: { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' },
		});
		const refused = await sendTelegram(
			{ accessToken: TG_TOKEN, baseUrl: api.url },
			{ chatId: '1' },
			alertWith('x'),
			ctx,
		);
		expect(refused).toMatchObject({
			delivered: false,
			attempts: 1,
			httpCode: 403,
			error: 'Telegram: Forbidden: bot was blocked by the user',
		});

		const closed = await startFakeService();
		await closed.close();
		const unreachable = await sendTelegram(
			{ accessToken: TG_TOKEN, baseUrl: closed.url },
			{ chatId: '1' },
			alertWith('x'),
			ctx,
		);
		expect(unreachable.delivered).toBe(false);
		expect(unreachable.error).toMatch(
			/^connect ECONNREFUSED 127\.0\.0\.1:\d+ \(after 4 attempts\)$/,
		);
		expect(JSON.stringify([ok, refused, unreachable])).not.toContain(TG_TOKEN.split(':')[1]);
	});

	it('approval requests carry inline URL buttons', async () => {
		const message = {
			...renderMessage('repair_needs_approval', { repair: { action: 'rollback' } }),
			actions: approvalActions({
				approve: 'https://n8n.example/webhook-waiting/1/n?approved=true',
				reject: 'https://n8n.example/webhook-waiting/1/n?approved=false',
			}),
		};
		await sendTelegram(
			{ accessToken: TG_TOKEN, baseUrl: api.url },
			{ chatId: '1' },
			message,
			context().ctx,
		);
		expect((api.requests[0].json as Record<string, unknown>).reply_markup).toEqual({
			inline_keyboard: [
				[
					{ text: '❌ Reject', url: 'https://n8n.example/webhook-waiting/1/n?approved=false' },
					{ text: '✅ Approve', url: 'https://n8n.example/webhook-waiting/1/n?approved=true' },
				],
			],
		});
	});
});

describe('Slack', () => {
	let api: Awaited<ReturnType<typeof startFakeService>>;
	beforeAll(
		async () =>
			(api = await startFakeService({
				status: 200,
				body: { ok: true, channel: 'C1', ts: '1767225600.000100' },
			})),
	);
	afterAll(() => api.close());
	beforeEach(() => api.requests.splice(0));

	const bot = () => ({
		authType: 'botToken' as const,
		accessToken: SLACK_TOKEN,
		baseUrl: `${api.url}/api`,
	});

	it('chat.postMessage: bearer token, JSON, rich_text block and an escaped fallback', async () => {
		const message = alertWith('x');
		const result = await sendSlack(bot(), '#ops', message, context().ctx);
		expect(result).toMatchObject({
			channel: 'slack',
			target: '#ops',
			delivered: true,
			messageId: '1767225600.000100',
		});
		const [request] = api.requests;
		expect(request.url).toBe('/api/chat.postMessage');
		expect(request.headers.authorization).toBe(`Bearer ${SLACK_TOKEN}`);
		expect(request.headers['content-type']).toBe('application/json; charset=utf-8');
		const body = request.json as Record<string, unknown>;
		expect(body).toMatchObject({ channel: '#ops', unfurl_links: false, unfurl_media: false });
		expect((body.blocks as Array<{ type: string }>).map((b) => b.type)).toEqual(['rich_text']);
	});

	it.each(HOSTILE_TEXTS.map((t) => [JSON.stringify(t).slice(0, 40), t]))(
		'hostile text %s stays literal: no mention, no formatting, no link',
		async (_name, hostile) => {
			const message = alertWith(hostile);
			await sendSlack(bot(), '#ops', message, context().ctx);
			const body = api.requests[0].json as {
				text: string;
				blocks: Array<Parameters<typeof slackRichTextToText>[0]>;
			};
			expect(slackRichTextToText(body.blocks[0])).toBe(visible(message));
			expect(decodeSlackText(body.text)).toBe(plainText(message.spans));
			expect(decodeSlackText(body.text)).toContain(hostile);
		},
	);

	it('cuts long text to its limit in the block and the fallback', async () => {
		const message = alertWith(LONG_DESCRIPTION);
		const result = await sendSlack(bot(), '#ops', message, context().ctx);
		const body = api.requests[0].json as {
			text: string;
			blocks: Array<Parameters<typeof slackRichTextToText>[0]>;
		};
		const shown = slackRichTextToText(body.blocks[0]);
		expect(result.truncated).toBe(true);
		expect(shown.length).toBeLessThanOrEqual(SLACK_TEXT_LIMIT);
		expect(shown.endsWith(TRUNCATION_MARKER)).toBe(true);
		expect(decodeSlackText(body.text).length).toBeLessThanOrEqual(SLACK_TEXT_LIMIT);
	});

	it("honours Retry-After on 429; ok:false is a final error with Slack's code", async () => {
		const { ctx, waits } = context();
		api.reply({
			status: 429,
			body: { ok: false, error: 'ratelimited' },
			headers: { 'retry-after': '2' },
		});
		const ok = await sendSlack(bot(), '#ops', alertWith('x'), ctx);
		expect(ok).toMatchObject({ delivered: true, attempts: 2 });
		expect(waits).toEqual([2000]);

		api.reply({ status: 200, body: { ok: false, error: 'channel_not_found' } });
		const missing = await sendSlack(bot(), '#nope', alertWith('x'), ctx);
		expect(missing).toMatchObject({
			delivered: false,
			attempts: 1,
			error: 'Slack: channel_not_found',
		});
		expect(JSON.stringify([ok, missing])).not.toContain(SLACK_TOKEN);
	});

	it('incoming webhook: posts the same body to the secret URL, which never appears in results', async () => {
		const webhookUrl = `${api.url}/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX`;
		const { ctx, waits } = context();
		api.reply({ status: 500, body: 'oops' }, { status: 200, body: 'ok' });
		const ok = await sendSlack({ authType: 'webhook', webhookUrl }, '', alertWith('x'), ctx);
		expect(ok).toMatchObject({
			target: 'incoming webhook',
			delivered: true,
			attempts: 2,
			messageId: null,
		});
		expect(waits).toEqual([1000]);
		expect(api.requests[1].url).toBe('/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX');
		expect(api.requests[1].headers.authorization).toBeUndefined();
		expect(api.requests[1].json).not.toHaveProperty('channel');

		api.reply({ status: 404, body: 'no_service' });
		const gone = await sendSlack({ authType: 'webhook', webhookUrl }, '', alertWith('x'), ctx);
		expect(gone).toMatchObject({
			delivered: false,
			httpCode: 404,
			error: 'Slack webhook: HTTP 404 no_service',
		});
		expect(JSON.stringify([ok, gone])).not.toContain('XXXXXXXX');
	});

	it('approval requests carry link buttons in an actions block', async () => {
		const message = {
			...renderMessage('repair_needs_approval', {}),
			actions: approvalActions({ approve: 'https://n/a', reject: 'https://n/r' }),
		};
		await sendSlack(bot(), '#ops', message, context().ctx);
		const blocks = (api.requests[0].json as { blocks: unknown[] }).blocks;
		expect(blocks[1]).toEqual({
			type: 'actions',
			elements: [
				{
					type: 'button',
					text: { type: 'plain_text', text: '❌ Reject', emoji: true },
					url: 'https://n/r',
					style: 'danger',
					action_id: 'aiops_action_0',
				},
				{
					type: 'button',
					text: { type: 'plain_text', text: '✅ Approve', emoji: true },
					url: 'https://n/a',
					style: 'primary',
					action_id: 'aiops_action_1',
				},
			],
		});
	});
});

describe('LINE Messaging API push', () => {
	let api: Awaited<ReturnType<typeof startFakeService>>;
	beforeAll(
		async () =>
			(api = await startFakeService({
				status: 200,
				body: { sentMessages: [{ id: '4810', quoteToken: 'q' }] },
			})),
	);
	afterAll(() => api.close());
	beforeEach(() => api.requests.splice(0));

	const credential = () => ({ channelAccessToken: LINE_TOKEN, baseUrl: api.url });

	it('pushes a plain text message with bearer auth and a retry key', async () => {
		const result = await sendLine(
			credential(),
			{ to: 'U4af4980629', silent: true },
			alertWith('x'),
			context().ctx,
		);
		expect(result).toMatchObject({
			channel: 'line',
			target: 'U4af4980629',
			delivered: true,
			messageId: '4810',
		});
		const [request] = api.requests;
		expect(request.url).toBe('/v2/bot/message/push');
		expect(request.headers.authorization).toBe(`Bearer ${LINE_TOKEN}`);
		expect(request.headers['content-type']).toBe('application/json');
		expect(request.headers['x-line-retry-key']).toMatch(
			/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
		);
		expect(request.json).toEqual({
			to: 'U4af4980629',
			messages: [{ type: 'text', text: plainText(alertWith('x').spans) }],
			notificationDisabled: true,
		});
	});

	it.each(HOSTILE_TEXTS.map((t) => [JSON.stringify(t).slice(0, 40), t]))(
		'hostile text %s is sent as is',
		async (_name, hostile) => {
			const message = alertWith(hostile);
			await sendLine(credential(), { to: 'U1' }, message, context().ctx);
			const text = (api.requests[0].json as { messages: Array<{ text: string }> }).messages[0].text;
			expect(text).toBe(plainText(message.spans));
			expect(text).toContain(hostile);
		},
	);

	it('cuts at 5,000 UTF-16 units', async () => {
		const emoji = '😀'.repeat(3000);
		const result = await sendLine(credential(), { to: 'U1' }, alertWith(emoji), context().ctx);
		const text = (api.requests[0].json as { messages: Array<{ text: string }> }).messages[0].text;
		expect(result.truncated).toBe(true);
		expect(text.length).toBeLessThanOrEqual(LINE_TEXT_LIMIT);
		expect(text.endsWith('😀' + TRUNCATION_MARKER)).toBe(true);
	});

	it('retries 500 with the same retry key; 409 "already accepted" counts as delivered', async () => {
		const { ctx, waits } = context();
		api.reply(
			{ status: 500, body: { message: 'An error occurred in the backend' } },
			{
				status: 409,
				body: { message: 'The retry key is already accepted', sentMessages: [{ id: '77' }] },
				headers: { 'x-line-accepted-request-id': 'abc' },
			},
		);
		const result = await sendLine(credential(), { to: 'U1' }, alertWith('x'), ctx);
		expect(result).toMatchObject({ delivered: true, messageId: '77', attempts: 2, httpCode: 409 });
		expect(waits).toEqual([1000]);
		expect(api.requests[0].headers['x-line-retry-key']).toBe(
			api.requests[1].headers['x-line-retry-key'],
		);
	});

	it("does not retry a used-up monthly quota or a bad request, and reports LINE's details", async () => {
		const { ctx, waits } = context();
		api.reply(
			{ status: 429, body: { message: 'You have reached your monthly limit.' } },
			{
				status: 400,
				body: {
					message: 'The request body has 1 error(s)',
					details: [{ message: 'May not be empty', property: 'messages[0].text' }],
				},
			},
		);
		const quota = await sendLine(credential(), { to: 'U1' }, alertWith('x'), ctx);
		const bad = await sendLine(credential(), { to: 'U1' }, alertWith('x'), ctx);
		expect(waits).toEqual([]);
		expect(quota).toMatchObject({
			delivered: false,
			attempts: 1,
			error: 'LINE: HTTP 429 You have reached your monthly limit.',
		});
		expect(bad.error).toBe(
			'LINE: HTTP 400 The request body has 1 error(s) (messages[0].text: May not be empty)',
		);
		expect(JSON.stringify([quota, bad])).not.toContain(LINE_TOKEN);
	});

	it('approval requests add a buttons template with URI actions', async () => {
		const message = {
			...renderMessage('repair_needs_approval', { repair: { action: 'rollback' } }),
			actions: approvalActions({ approve: 'https://n/a', reject: 'https://n/r' }),
		};
		await sendLine(credential(), { to: 'U1' }, message, context().ctx);
		expect((api.requests[0].json as { messages: unknown[] }).messages[1]).toEqual({
			type: 'template',
			altText: '🛑 Approval needed: rollback',
			template: {
				type: 'buttons',
				text: '🛑 Approval needed: rollback',
				actions: [
					{ type: 'uri', label: '❌ Reject', uri: 'https://n/r' },
					{ type: 'uri', label: '✅ Approve', uri: 'https://n/a' },
				],
			},
		});
	});
});

describe('Webhook', () => {
	let api: Awaited<ReturnType<typeof startFakeService>>;
	beforeAll(async () => (api = await startFakeService({ status: 204 })));
	afterAll(() => api.close());
	beforeEach(() => api.requests.splice(0));

	it('posts JSON with a signature the documented receiver check accepts', async () => {
		const message = alertWith('中文 <b>x</b>');
		const data = { fingerprint: 'abc', labels: { alertname: 'X' } };
		const result = await sendWebhook(
			{ url: `${api.url}/hooks/aiops?token=querysecret123`, signingSecret: SIGNING_SECRET, data },
			message,
			context().ctx,
		);
		const [request] = api.requests;
		expect(result).toMatchObject({
			channel: 'webhook',
			target: `${api.url}/hooks/aiops`,
			delivered: true,
			httpCode: 204,
		});
		expect(result.messageId).toBe(request.headers['x-aiops-delivery']);
		expect(request.url).toBe('/hooks/aiops?token=querysecret123');
		expect(request.headers['content-type']).toBe('application/json');
		expect(request.headers['x-aiops-event']).toBe('alert_fired');
		expect(request.headers['x-aiops-signature']).toMatch(/^v1=[0-9a-f]{64}$/);
		expect(
			verifyWebhookSignature({
				secret: SIGNING_SECRET,
				headers: request.headers as Record<string, string>,
				body: request.body,
			}),
		).toEqual({
			valid: true,
			deliveryId: result.messageId,
		});
		expect(
			verifyWebhookSignature({
				secret: 'another-secret-value',
				headers: request.headers as Record<string, string>,
				body: request.body,
			}).valid,
		).toBe(false);
		expect(request.json).toEqual({
			event: 'alert_fired',
			title: '🔴 Alert firing: KubePodCrashLooping',
			text: plainText(message.spans),
			html: expect.stringContaining('中文 &lt;b&gt;x&lt;/b&gt;'),
			delivery_id: result.messageId,
			sent_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
			data,
		});
		expect(JSON.stringify(result)).not.toContain('querysecret123');
	});

	it('keeps the delivery id across retries and signs every attempt', async () => {
		const { ctx, waits } = context();
		api.reply(
			{ status: 503, body: 'busy', headers: { 'retry-after': '1' } },
			{ status: 200, body: { id: 'rcv-1' } },
		);
		const result = await sendWebhook(
			{ url: api.url, signingSecret: SIGNING_SECRET },
			alertWith('x'),
			ctx,
		);
		expect(result).toMatchObject({ delivered: true, attempts: 2, messageId: 'rcv-1' });
		expect(waits).toEqual([1000]);
		const [a, b] = api.requests;
		expect(a.headers['x-aiops-delivery']).toBe(b.headers['x-aiops-delivery']);
		for (const r of [a, b]) {
			expect(
				verifyWebhookSignature({
					secret: SIGNING_SECRET,
					headers: r.headers as Record<string, string>,
					body: r.body,
				}).valid,
			).toBe(true);
		}
		api.reply({ status: 422, body: 'unprocessable' });
		expect(await sendWebhook({ url: api.url }, alertWith('x'), ctx)).toMatchObject({
			delivered: false,
			error: 'Webhook: HTTP 422 unprocessable',
		});
		expect(api.requests[2].headers['x-aiops-signature']).toBeUndefined();
	});
});

describe('Email over SMTP (a real server in this process)', () => {
	it.each([
		['STARTTLS', {}, 'starttls' as const],
		['implicit TLS', { secure: true }, 'tls' as const],
		['plain SMTP', { noStartTls: true }, 'none' as const],
	])(
		'%s: HTML and text parts carry the hostile text unchanged',
		async (_name, serverOptions, tlsMode) => {
			const smtp = await startFakeSmtp({
				...serverOptions,
				user: 'notify',
				password: SMTP_PASSWORD,
			});
			try {
				const hostile = HOSTILE_TEXTS.join('\n');
				const message = alertWith(hostile);
				const result = await sendEmail(
					{
						host: '127.0.0.1',
						port: smtp.port,
						tlsMode,
						user: 'notify',
						password: SMTP_PASSWORD,
						allowUnauthorizedCerts: true,
					},
					{ from: 'AIOps <aiops@example.com>', to: ['ops@example.com', 'oncall@example.com'] },
					message,
					context().ctx,
				);
				expect(result).toMatchObject({
					channel: 'email',
					target: 'ops@example.com, oncall@example.com',
					delivered: true,
					httpCode: 250,
				});
				const [mail] = smtp.mails;
				expect(result.messageId).toBe(mail.messageId);
				expect(smtp.envelopes[0]).toEqual({
					from: 'aiops@example.com',
					to: ['ops@example.com', 'oncall@example.com'],
				});
				expect(mail.subject).toBe('🔴 Alert firing: KubePodCrashLooping');
				expect(mail.text?.trimEnd()).toBe(plainText(message.spans));
				expect(decodeHtml(String(mail.html))).toContain(hostile);
				expect(String(mail.html)).not.toContain('<script>');
			} finally {
				await smtp.close();
			}
		},
	);

	it('5xx is final with the server text, 4xx is retried, a wrong password never shows', async () => {
		const smtp = await startFakeSmtp({ noStartTls: true, user: 'notify', password: SMTP_PASSWORD });
		const credential = {
			host: '127.0.0.1',
			port: smtp.port,
			tlsMode: 'none' as const,
			user: 'notify',
			password: SMTP_PASSWORD,
		};
		const target = { from: 'aiops@example.com', to: ['ops@example.com'] };
		try {
			const { ctx, waits } = context();
			smtp.rejectNext(550);
			const rejected = await sendEmail(credential, target, alertWith('x'), ctx);
			expect(rejected).toMatchObject({ delivered: false, attempts: 1, httpCode: 550 });
			expect(rejected.error).toMatch(/^SMTP: 550 Mailbox unavailable/);

			smtp.rejectNext(451);
			const retried = await sendEmail(credential, target, alertWith('x'), ctx);
			expect(retried).toMatchObject({ delivered: true, attempts: 2 });
			expect(waits).toEqual([1000]);

			const wrong = await sendEmail(
				{ ...credential, password: 'Wrong-passw0rd' },
				target,
				alertWith('x'),
				ctx,
			);
			expect(wrong).toMatchObject({ delivered: false, attempts: 1, httpCode: 535 });
			expect(JSON.stringify([rejected, retried, wrong])).not.toMatch(/Pa55word|Wrong-passw0rd/);
		} finally {
			await smtp.close();
		}
	});

	it('approval requests carry link buttons and the links in the text part', async () => {
		const smtp = await startFakeSmtp({ noStartTls: true });
		try {
			const message = {
				...renderMessage('repair_needs_approval', {
					repair: {
						action: 'rollback',
						change: { fields: [{ path: 'spec.replicas', op: 'replace', before: 2, after: 3 }] },
					},
				}),
				actions: approvalActions({
					approve: 'https://n8n.example/w/1/n?approved=true&signature=ab',
					reject: 'https://n8n.example/w/1/n?approved=false&signature=cd',
				}),
			};
			await sendEmail(
				{ host: '127.0.0.1', port: smtp.port, tlsMode: 'none' },
				{ from: 'a@example.com', to: ['b@example.com'] },
				message,
				context().ctx,
			);
			const [mail] = smtp.mails;
			expect(String(mail.html)).toContain(
				'href="https://n8n.example/w/1/n?approved=true&amp;signature=ab"',
			);
			expect(String(mail.html)).toContain('<pre');
			expect(mail.text).toContain(
				'✅ Approve: https://n8n.example/w/1/n?approved=true&signature=ab',
			);
		} finally {
			await smtp.close();
		}
	});
});

describe('several channels at once', () => {
	it('reports each channel; a failing one hides nothing', async () => {
		const telegram = await startFakeService({
			status: 200,
			body: { ok: true, result: { message_id: 1 } },
		});
		const slack = await startFakeService({
			status: 200,
			body: { ok: false, error: 'not_in_channel' },
		});
		const hook = await startFakeService({ status: 500, body: 'down' });
		const smtp = await startFakeSmtp({ noStartTls: true });
		try {
			const results = await sendToChannels(
				[
					{
						channel: 'telegram',
						credential: { accessToken: TG_TOKEN, baseUrl: telegram.url },
						target: { chatId: '1' },
					},
					{
						channel: 'slack',
						credential: { authType: 'botToken', accessToken: SLACK_TOKEN, baseUrl: slack.url },
						target: { channel: '#ops' },
					},
					{ channel: 'webhook', target: { url: hook.url } },
					{
						channel: 'email',
						credential: { host: '127.0.0.1', port: smtp.port, tlsMode: 'none' },
						target: { from: 'a@example.com', to: ['b@example.com'] },
					},
				],
				alertWith('partial'),
				channelContext({
					http: fetchTransport,
					sleep: async () => undefined,
					retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1000 },
				}),
			);
			expect(results.map((r) => [r.channel, r.delivered, r.error])).toEqual([
				['telegram', true, null],
				['slack', false, 'Slack: not_in_channel'],
				['webhook', false, 'Webhook: HTTP 500 down (after 2 attempts)'],
				['email', true, null],
			]);
			expect(smtp.mails).toHaveLength(1);
			expect(telegram.requests).toHaveLength(1);
		} finally {
			await Promise.all([telegram.close(), slack.close(), hook.close(), smtp.close()]);
		}
	});
});
