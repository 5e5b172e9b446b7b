// Hostile text that the markup escaping cannot catch, against the local stand-ins of every
// channel and a real SMTP server: unpaired surrogates never reach a request body, a value with
// line breaks never shortens or splits the email subject, and an encoded word in the subject
// displays as the text it is.
import {
	SUBJECT_LIMIT,
	channelContext,
	fetchTransport,
	parseAddresses,
	renderMessage,
	sendToChannels,
	type ChannelSpec,
} from '../../lib/notify';
import { startFakeService, startFakeSmtp } from '../support/fakeChannels';

const ctx = channelContext({ http: fetchTransport, sleep: async () => undefined, timeoutMs: 5000 });

const LONE = ['\ud800', '\udfff', 'a\udbffz', '\udc00\ud800'];

describe('unpaired surrogates become U+FFFD on every channel', () => {
	it('Telegram, Slack, LINE, webhook and email get well-formed text; paired emoji survive', async () => {
		const telegram = await startFakeService({ status: 200, body: { ok: true, result: { message_id: 7 } } });
		const slack = await startFakeService({ status: 200, body: { ok: true, ts: '1.2' } });
		const line = await startFakeService({ status: 200, body: { sentMessages: [{ id: '9' }] } });
		const hook = await startFakeService({ status: 200, body: {} });
		const smtp = await startFakeSmtp({ noStartTls: true });
		try {
			const description = `crash ${LONE.join(' ')} 😀 end`;
			const data = {
				labels: { alertname: `Pod\ud83dCrash`, namespace: 'shop' },
				annotations: { description },
			};
			const message = renderMessage('alert_fired', data);
			const specs: ChannelSpec[] = [
				{
					channel: 'telegram',
					credential: { accessToken: '7000000001:AAHsurrogateToken', baseUrl: telegram.url },
					target: { chatId: '1' },
				},
				{
					channel: 'slack',
					credential: { authType: 'botToken', accessToken: 'xoxb-surrogate-token', baseUrl: slack.url },
					target: { channel: '#ops' },
				},
				{
					channel: 'line',
					credential: { channelAccessToken: 'lineSurrogateToken0123456789', baseUrl: line.url },
					target: { to: 'U0123456789abcdef0123456789abcdef' },
				},
				{ channel: 'webhook', target: { url: hook.url, data } },
				{
					channel: 'email',
					credential: { host: '127.0.0.1', port: smtp.port, tlsMode: 'none' },
					target: { from: 'a@example.com', to: ['b@example.com'] },
				},
			];
			const results = await sendToChannels(specs, message, ctx);
			expect(results.map((r) => [r.channel, r.delivered, r.error])).toEqual(
				specs.map((s) => [s.channel, true, null]),
			);
			const bodies = [telegram, slack, line, hook].map((s) => s.requests[0].body);
			for (const body of bodies) {
				// neither as a JSON escape nor as a raw code unit
				expect(body).not.toMatch(/\\ud[89a-f][0-9a-f]{2}/i);
				expect(body).toBe(Buffer.from(body, 'utf8').toString('utf8'));
				const text = JSON.stringify(JSON.parse(body));
				expect(text).toContain('crash \ufffd \ufffd a\ufffdz \ufffd\ufffd 😀 end');
			}
			expect(JSON.parse(bodies[3]).data.labels.alertname).toBe('Pod\ufffdCrash');
			expect(smtp.mails[0].text).toContain('crash \ufffd \ufffd a\ufffdz \ufffd\ufffd 😀 end');
			expect(smtp.mails[0].subject).toContain('Pod\ufffdCrash');
		} finally {
			await Promise.all([telegram.close(), slack.close(), line.close(), hook.close(), smtp.close()]);
		}
	});
});

async function mailFor(data: unknown, template?: string, subject?: string) {
	const smtp = await startFakeSmtp({ noStartTls: true });
	try {
		const [result] = await sendToChannels(
			[
				{
					channel: 'email',
					credential: { host: '127.0.0.1', port: smtp.port, tlsMode: 'none' },
					target: { from: 'a@example.com', to: ['b@example.com'], subject },
				},
			],
			renderMessage('alert_fired', data, template),
			ctx,
		);
		expect(result.delivered).toBe(true);
		const [mail] = smtp.mails;
		const raw = mail.headerLines.find((h) => h.key === 'subject')!.line;
		return { mail, raw };
	} finally {
		await smtp.close();
	}
}

describe('email subjects', () => {
	it('a value with CR/LF keeps all its text on one subject line and adds no header', async () => {
		const { mail } = await mailFor({
			labels: {
				alertname: 'Disk\r\nBcc: victim@example.com\r\nX-Injected: yes\nfull',
				namespace: 'shop',
			},
		});
		expect(mail.subject).toBe(
			'🔴 Alert firing: Disk Bcc: victim@example.com X-Injected: yes full',
		);
		expect(mail.headers.has('x-injected')).toBe(false);
		expect(mail.headers.has('bcc')).toBe(false);
		// the body keeps the value's lines as written
		expect(mail.text).toContain('X-Injected: yes\nfull');
	});

	it('the Email Subject option with line breaks and control characters is one line too', async () => {
		const { mail } = await mailFor({ labels: { alertname: 'A' } }, undefined, 'one\r\ntwo\u2028three\u0000four');
		expect(mail.subject).toBe('one two three four');
	});

	it('a subject over the limit is cut visibly with …', async () => {
		const long = 'x'.repeat(SUBJECT_LIMIT * 2);
		const fromTitle = (await mailFor({ labels: { alertname: long } })).mail.subject!;
		expect(fromTitle.length).toBeLessThanOrEqual(SUBJECT_LIMIT);
		expect(fromTitle).toMatch(/^🔴 Alert firing: x+…$/);
		const fromOption = (await mailFor({ labels: { alertname: 'A' } }, undefined, `=?${long}`)).mail.subject!;
		expect(fromOption).toBe(`=?${long}`.slice(0, SUBJECT_LIMIT - 1) + '…');
	});

	it.each([
		'=?utf-8?b?SGFja2VkIQ==?=',
		'=?UTF-8?Q?=E2=9C=85_approved?=',
		'before =?iso-8859-1?q?caf=E9?= after',
		'=?',
		'中文 =?utf-8?b?SGk=?= 😀',
	])('the encoded-word look-alike %j displays literally', async (value) => {
		const { mail, raw } = await mailFor({ labels: { alertname: value } });
		expect(mail.subject).toBe(`🔴 Alert firing: ${value}`);
		// the header carries it encoded, not as the raw look-alike
		const words = raw.match(/=\?UTF-8\?B\?[A-Za-z0-9+/=]*\?=/g) ?? [];
		expect(words.length).toBeGreaterThan(0);
		for (const word of words) expect(word.length).toBeLessThanOrEqual(75);
		// nothing but encoded words and folding whitespace: no raw `=?` a client could decode
		expect(raw.replace(/^Subject:/i, '').replace(/=\?UTF-8\?B\?[A-Za-z0-9+/=]*\?=/g, '')).toMatch(/^\s*$/);
	});

	it('addresses with control characters are refused, naming the field', () => {
		expect(() => parseAddresses('Ops\rBcc: x@evil.example <ops@example.com>', 'emailTo')).toThrow(
			/emailTo: .*control character/,
		);
		expect(parseAddresses('Ops <ops@example.com>', 'emailTo')).toEqual(['Ops <ops@example.com>']);
	});
});
