// Every Notify credential's test, as n8n would run it: the declarative test requests of the
// Telegram and LINE credentials (resolved like n8n resolves them) against stand-ins, and the
// node's credentialTest methods for Slack, SMTP and the webhook signing secret.
import type {
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { loadCredentialType, loadNode, resolveExpression } from '../harness/nodeHarness';
import { startFakeService, startFakeSmtp } from '../support/fakeChannels';

const notify = loadNode('Notify');
type TestMethod = (this: unknown, c: { data: IDataObject }) => Promise<INodeCredentialTestResult>;
const tests = notify.methods!.credentialTest as unknown as Record<string, TestMethod>;
const runTest = (name: string, data: IDataObject) =>
	tests[name].call({}, { data } as never) as Promise<INodeCredentialTestResult>;

/** What n8n's credential tester sends for a declarative `test` (with `authenticate` applied). */
async function declarativeTest(type: ICredentialType, data: IDataObject) {
	const { request } = type.test as ICredentialTestRequest;
	const scope = { $credentials: data };
	const base = String(resolveExpression(request.baseURL, undefined, scope));
	const headers: Record<string, string> = {};
	const auth = type.authenticate as
		| { properties?: { headers?: Record<string, string> } }
		| undefined;
	for (const [k, v] of Object.entries(auth?.properties?.headers ?? {})) {
		headers[k] = String(resolveExpression(v, undefined, scope));
	}
	return fetch(base + String(request.url), { method: request.method ?? 'GET', headers });
}

describe('Notify credential tests', () => {
	let api: Awaited<ReturnType<typeof startFakeService>>;
	beforeAll(async () => (api = await startFakeService()));
	afterAll(() => api.close());
	beforeEach(() => api.requests.splice(0));

	it('Telegram: getMe on the configured Bot API server', async () => {
		api.reply({ status: 200, body: { ok: true, result: { username: 'ops_bot' } } });
		const res = await declarativeTest(loadCredentialType('AiopsTelegramApi'), {
			accessToken: '123:abc',
			baseUrl: `${api.url}/`,
		});
		expect(res.status).toBe(200);
		expect(api.requests[0]).toMatchObject({ method: 'GET', url: '/bot123:abc/getMe' });
	});

	it('LINE: the bot info endpoint with the channel access token', async () => {
		const res = await declarativeTest(loadCredentialType('AiopsLineMessagingApi'), {
			channelAccessToken: 'line-token-1234',
			baseUrl: api.url,
		});
		expect(res.status).toBe(200);
		expect(api.requests[0].url).toBe('/v2/bot/info');
		expect(api.requests[0].headers.authorization).toBe('Bearer line-token-1234');
	});

	it('Slack bot token: auth.test, with Slack’s error and no token in it', async () => {
		const token = 'xoxb-credential-test-0123456789';
		api.reply(
			{ status: 200, body: { ok: true, team: 'Ops', user: 'aiops' } },
			{ status: 200, body: { ok: false, error: 'invalid_auth' } },
		);
		const data = { authType: 'botToken', accessToken: token, baseUrl: api.url };
		expect(await runTest('aiopsSlackCredentialTest', data)).toEqual({
			status: 'OK',
			message: 'Connected to Ops as aiops',
		});
		expect(api.requests[0]).toMatchObject({ method: 'POST', url: '/auth.test' });
		expect(api.requests[0].headers.authorization).toBe(`Bearer ${token}`);
		expect(await runTest('aiopsSlackCredentialTest', data)).toEqual({
			status: 'Error',
			message: 'Slack: invalid_auth',
		});
	});

	it('Slack webhook URL: an empty payload that a live webhook refuses with no_text; nothing is posted', async () => {
		const webhookUrl = `${api.url}/services/T1/B1/secretpart123`;
		api.reply({ status: 400, body: 'no_text' }, { status: 404, body: 'no_service' });
		expect(await runTest('aiopsSlackCredentialTest', { authType: 'webhook', webhookUrl })).toEqual({
			status: 'OK',
			message: 'The webhook URL is live',
		});
		expect(api.requests[0].body).toBe('{}');
		const gone = await runTest('aiopsSlackCredentialTest', { authType: 'webhook', webhookUrl });
		expect(gone).toEqual({ status: 'Error', message: 'Slack webhook: HTTP 404 no_service' });
	});

	it('SMTP: connects and authenticates; a wrong password fails without showing it', async () => {
		const smtp = await startFakeSmtp({
			noStartTls: true,
			user: 'notify',
			password: 'Right-Pass-1',
		});
		try {
			const data = {
				host: '127.0.0.1',
				port: smtp.port,
				tlsMode: 'none',
				user: 'notify',
				password: 'Right-Pass-1',
			};
			expect(await runTest('aiopsSmtpCredentialTest', data)).toEqual({
				status: 'OK',
				message: `Connected to 127.0.0.1:${smtp.port}`,
			});
			const wrong = await runTest('aiopsSmtpCredentialTest', { ...data, password: 'Wrong-Pass-2' });
			expect(wrong.status).toBe('Error');
			expect(wrong.message).toMatch(/535/);
			expect(wrong.message).not.toContain('Wrong-Pass-2');
			expect(smtp.mails).toHaveLength(0);
		} finally {
			await smtp.close();
		}
	});

	it('webhook signing secret: no server to reach, so it is checked for strength', async () => {
		expect(await runTest('aiopsWebhookSecretTest', { secret: 'short' })).toEqual({
			status: 'Error',
			message:
				'The signing secret has 5 characters; use at least 16 random ones, e.g. the output of `openssl rand -hex 32`',
		});
		expect((await runTest('aiopsWebhookSecretTest', { secret: 'a'.repeat(40) })).status).toBe(
			'Error',
		);
		expect((await runTest('aiopsWebhookSecretTest', { secret: '' })).message).toBe(
			'The signing secret is empty',
		);
		expect(
			(await runTest('aiopsWebhookSecretTest', { secret: '3f9c1a7be20d4e6f8a5b' })).status,
		).toBe('OK');
	});
});
