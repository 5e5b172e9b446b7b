// The built Notify node in the harness, against local stand-ins for the services: several
// channels per item, per-channel results, item errors, and Send and Wait for Approval (the
// wait is recorded; calling the node's webhook resumes with the decision).
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { builtStore, callWebhook, loadNode, runNode } from '../harness/nodeHarness';
import { startFakeService, startFakeSmtp, type FakeSmtp } from '../support/fakeChannels';
import { decodeTelegramHtml } from '../support/notifyText';
import {
	deletePrefix,
	dropSchema,
	postgresConnection,
	redisConnection,
	testPrefix,
	testSchema,
	tmpFolder,
} from '../support/stores';

const { closeEmbeddedStores, closePostgresPools, closeRedisClients } = builtStore();

const notify = loadNode('Notify');
const TG_TOKEN = '7000000002:AAHnodeTestTokenValue0123456789';
const SLACK_TOKEN = 'xoxb-node-test-token-0123456789';
const SECRET = 'node-test-signing-secret-0123';

let telegram: Awaited<ReturnType<typeof startFakeService>>;
let slack: Awaited<ReturnType<typeof startFakeService>>;
let hook: Awaited<ReturnType<typeof startFakeService>>;
let smtp: FakeSmtp;

beforeAll(async () => {
	telegram = await startFakeService({ status: 200, body: { ok: true, result: { message_id: 5 } } });
	slack = await startFakeService({ status: 200, body: { ok: true, ts: '1.2' } });
	hook = await startFakeService({ status: 200, body: { id: 'received' } });
	smtp = await startFakeSmtp({ noStartTls: true });
});
const folder = tmpFolder('aiops-notify-node');
const prefix = testPrefix();
const schema = testSchema();
afterAll(async () => {
	await Promise.all([telegram.close(), slack.close(), hook.close(), smtp.close()]);
	await Promise.all([closeEmbeddedStores(), closeRedisClients(), closePostgresPools()]);
	await deletePrefix(prefix);
	await dropSchema(schema);
	folder.remove();
});
beforeEach(() => {
	for (const s of [telegram, slack, hook]) s.requests.splice(0);
	smtp.mails.splice(0);
});

function credentials() {
	return {
		aiopsTelegramApi: { accessToken: TG_TOKEN, baseUrl: telegram.url },
		aiopsSlackApi: { authType: 'botToken', accessToken: SLACK_TOKEN, baseUrl: slack.url },
		aiopsSmtpApi: { host: '127.0.0.1', port: smtp.port, tlsMode: 'none' },
		aiopsWebhookSigningApi: { secret: SECRET },
	};
}

const alert = (name: string, description = 'boom'): INodeExecutionData => ({
	json: {
		labels: { alertname: name, severity: 'critical', namespace: 'shop' },
		annotations: { description },
		workload: 'checkout',
		anomaly_key: `key-${name}`,
	},
});

const allChannels = {
	resource: 'message',
	operation: 'send',
	channels: ['telegram', 'slack', 'email', 'webhook'],
	telegramChatId: '-100200300',
	slackChannel: '#ops',
	emailFrom: 'aiops@example.com',
	emailTo: 'oncall@example.com',
	webhookUrl: '',
	webhookSign: true,
	event: 'alert_fired',
};

describe('Notify: Send', () => {
	it('sends every item to every channel and reports each result with pairedItem', async () => {
		slack.reply(
			{ status: 200, body: { ok: true, ts: '1.2' } },
			{ status: 200, body: { ok: false, error: 'not_in_channel' } },
		);
		const [out] = await runNode(notify, {
			parameters: { ...allChannels, webhookUrl: `${hook.url}/aiops` },
			items: [alert('First'), alert('Second')],
			credentials: credentials(),
		});
		expect(out).toHaveLength(2);
		expect(out.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(out[0].json.labels).toEqual(alert('First').json.labels);
		const second = out[1].json.notification as IDataObject;
		expect(second).toMatchObject({
			event: 'alert_fired',
			title: '🔴 Alert firing: Second',
			delivered: true,
		});
		expect(
			(second.channels as IDataObject[]).map((c) => [c.channel, c.delivered, c.error]),
		).toEqual([
			['telegram', true, null],
			['slack', false, 'Slack: not_in_channel'],
			['email', true, null],
			['webhook', true, null],
		]);
		expect(telegram.requests.map((r) => r.url)).toEqual([
			`/bot${TG_TOKEN}/sendMessage`,
			`/bot${TG_TOKEN}/sendMessage`,
		]);
		expect(smtp.mails.map((m) => m.subject)).toEqual([
			'🔴 Alert firing: First',
			'🔴 Alert firing: Second',
		]);
		expect(hook.requests[0].headers['x-aiops-signature']).toMatch(/^v1=[0-9a-f]{64}$/);
		expect((hook.requests[0].json as IDataObject).data).toEqual(alert('First').json);
		expect(JSON.stringify(out)).not.toContain(SLACK_TOKEN);
		expect(JSON.stringify(out)).not.toContain(TG_TOKEN);
	});

	it('a template given on the node replaces the event default', async () => {
		await runNode(notify, {
			parameters: {
				...allChannels,
				channels: ['telegram'],
				options: {
					template: '<b>{{labels.alertname}}</b> <{{labels.severity}}> {{annotations.description}}',
				},
			},
			items: [alert('Custom', '<script>x</script>')],
			credentials: credentials(),
		});
		const text = (telegram.requests[0].json as { text: string }).text;
		expect(text).toBe('<b>Custom</b> &lt;critical&gt; &lt;script&gt;x&lt;/script&gt;');
		expect(decodeTelegramHtml(text)).toBe('Custom <critical> <script>x</script>');
	});

	it('fails an item whose channels all failed, after sending the others, without leaking the token', async () => {
		telegram.reply({
			status: 401,
			body: { ok: false, error_code: 401, description: `Unauthorized ${TG_TOKEN}` },
		});
		const run = runNode(notify, {
			parameters: { ...allChannels, channels: ['telegram'] },
			items: [alert('A'), alert('B')],
			credentials: credentials(),
		});
		const error = await run.then(
			() => undefined,
			(e: unknown) => e,
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as NodeApiError).context.itemIndex).toBe(0);
		expect((error as NodeApiError).message).toBe(
			'Notification failed: telegram (-100200300): Telegram: Unauthorized [redacted]',
		);
		expect(telegram.requests).toHaveLength(2);
		expect(JSON.stringify(error)).not.toContain(TG_TOKEN);

		telegram.reply({
			status: 400,
			body: { ok: false, description: 'Bad Request: chat not found' },
		});
		const [out] = await runNode(notify, {
			parameters: { ...allChannels, channels: ['telegram'] },
			items: [alert('A'), alert('B')],
			credentials: credentials(),
			continueOnFail: true,
		});
		expect(out[0].json.error).toBe(
			'Notification failed: telegram (-100200300): Telegram: Bad Request: chat not found',
		);
		expect((out[1].json.notification as IDataObject).delivered).toBe(true);
	});

	it('a bad parameter fails the item naming the field', async () => {
		const error = await runNode(notify, {
			parameters: {
				...allChannels,
				channels: ['email'],
				emailTo: 'oncall@example.com, not-an-address',
			},
			items: [alert('A')],
			credentials: credentials(),
		}).then(
			() => undefined,
			(e: unknown) => e,
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as NodeOperationError).message).toBe(
			'emailTo: "not-an-address" is not an email address',
		);
		expect((error as NodeOperationError).description).toBe('Field: emailTo');
		expect(smtp.mails).toHaveLength(0);
	});
});

const storeCredentials = () => {
	const r = redisConnection();
	const p = postgresConnection();
	return {
		aiopsRedisApi: {
			host: r.host,
			port: r.port,
			database: r.database ?? 0,
			password: r.password ?? '',
		},
		aiopsPostgresApi: {
			host: p.host,
			port: p.port,
			database: p.database,
			user: p.user,
			password: p.password ?? '',
		},
	};
};

describe.each([
	['the embedded store', { store: 'embedded', storeOptions: { embeddedFolder: folder.path } }],
	['Redis', { store: 'redis', storeOptions: { keyPrefix: prefix } }],
	['Postgres', { store: 'postgres', storeOptions: { schema } }],
])('Notify: Suppress Repeats on %s', (_name, storeParameters) => {
	it('sends the same event for the same incident once per window and channel', async () => {
		const incident = `inc-${Math.random().toString(36).slice(2)}`;
		const item = (description: string): INodeExecutionData => ({
			json: { ...alert('Repeated', description).json, incident: { id: incident } },
		});
		const run = (items: INodeExecutionData[], event = 'alert_fired') =>
			runNode(notify, {
				parameters: {
					...allChannels,
					channels: ['telegram'],
					event,
					suppressRepeats: true,
					repeatWindowMinutes: 30,
					...storeParameters,
				},
				items,
				credentials: { ...credentials(), ...storeCredentials() },
			});
		const [first] = await run([item('first'), item('second, same incident')]);
		expect(first.map((i) => (i.json.notification as IDataObject).suppressed)).toEqual([
			false,
			true,
		]);
		expect(
			((first[1].json.notification as IDataObject).channels as IDataObject[])[0],
		).toMatchObject({
			channel: 'telegram',
			delivered: false,
			suppressed: true,
			error: null,
		});
		const [later] = await run([item('third')]);
		expect((later[0].json.notification as IDataObject).suppressed).toBe(true);
		const [escalated] = await run([item('escalation is another event')], 'escalation');
		expect((escalated[0].json.notification as IDataObject).delivered).toBe(true);
		expect(telegram.requests).toHaveLength(2);
	}, 120_000); // the first use of the embedded store opens PGlite: tens of seconds on a loaded machine
});

const approval = {
	resource: 'message',
	operation: 'sendAndWait',
	channels: ['telegram', 'email'],
	telegramChatId: '-100200300',
	emailFrom: 'aiops@example.com',
	emailTo: 'alice@example.com, bob@example.com',
	timeLimit: 2,
	timeLimitUnit: 'hours',
	store: 'embedded',
	storeOptions: { embeddedFolder: folder.path },
};

// every test asks about an incident of its own: a request for the same one would be joined
let incidentCount = 0;
const ownIncident = () => ({ approvalKey: `node-test-${process.pid}-${++incidentCount}` });

const rollback: INodeExecutionData = {
	json: {
		repair: {
			action: 'rollback',
			target: { namespace: 'shop', name: 'checkout' },
			reason: 'tier 3: a rollout 10 minutes ago',
			change: {
				description: 'roll back deployment/checkout from revision 5 to revision 4',
				fields: [
					{
						path: 'spec.template.spec.containers[0].image',
						op: 'replace',
						before: 'shop:1.4.0',
						after: 'shop:1.3.9',
					},
				],
			},
		},
		incident: { id: 'inc-42', tier: 3 },
	},
};

async function requestApproval(parameters: IDataObject = {}) {
	const waits: Date[] = [];
	const executeData: IDataObject = {};
	const [out] = await runNode(notify, {
		parameters: { ...approval, ...ownIncident(), ...parameters },
		items: [rollback],
		credentials: credentials(),
		waits,
		executeData,
		executionId: 'exec-77',
	});
	const waiting = (executeData.data as { main: INodeExecutionData[][] }).main[0];
	return { out, waits, waiting };
}

describe('Notify: Send and Wait for Approval', () => {
	it('sends the request with personal links and puts the execution to wait', async () => {
		const { out, waits, waiting } = await requestApproval();
		const request = out[0].json.approval as IDataObject;
		expect(request).toMatchObject({
			decision: 'waiting',
			title: '🛑 Approval needed: rollback',
			onTimeout: 'reject',
		});
		expect(
			Date.parse(request.expiresAt as string) - Date.parse(request.requestedAt as string),
		).toBe(2 * 3600_000);
		expect(waits).toEqual([new Date(request.expiresAt as string)]);

		const body = telegram.requests[0].json as {
			text: string;
			reply_markup: { inline_keyboard: Array<Array<{ text: string; url: string }>> };
		};
		expect(decodeTelegramHtml(body.text)).toContain(
			'Dry run (server-side, nothing changed):\nspec.template.spec.containers[0].image: "shop:1.4.0" → "shop:1.3.9"',
		);
		const [reject, approve] = body.reply_markup.inline_keyboard[0];
		const approveUrl = new URL(approve.url);
		expect(approve.text).toBe('✅ Approve');
		expect(approveUrl.pathname).toBe('/webhook-waiting/exec-77');
		expect(Object.fromEntries(approveUrl.searchParams)).toEqual({
			approved: 'true',
			via: 'telegram:-100200300',
			request: request.requestId,
			signature: 'test-signature',
		});
		expect(new URL(reject.url).searchParams.get('approved')).toBe('false');

		// one mail per recipient, each with its own links
		expect(smtp.mails.map((m) => (m.to as { text: string }).text).sort()).toEqual([
			'alice@example.com',
			'bob@example.com',
		]);
		const alice = smtp.mails.find((m) => (m.to as { text: string }).text === 'alice@example.com')!;
		expect(String(alice.html)).toContain('via=email%3Aalice%40example.com');
		expect(request.requests).toHaveLength(3);

		// what n8n passes on if nobody answers: the timeout decision
		expect(waiting).toHaveLength(1);
		expect(waiting[0].json.repair).toEqual(rollback.json.repair);
		expect(waiting[0].json.approval).toMatchObject({
			approved: false,
			decision: 'rejected',
			by: 'timeout',
			timedOut: true,
			at: request.expiresAt,
			requestId: request.requestId,
		});
	});

	it('on timeout approves when configured so', async () => {
		const { waiting } = await requestApproval({ onTimeout: 'approve' });
		expect(waiting[0].json.approval).toMatchObject({
			approved: true,
			decision: 'approved',
			timedOut: true,
		});
	});

	it('a GET shows a confirmation page and decides nothing; link previews get an empty answer', async () => {
		const { waiting } = await requestApproval();
		const requestId = (waiting[0].json.approval as IDataObject).requestId as string;
		const query = {
			approved: 'true',
			via: 'telegram:-100200300',
			request: requestId,
			signature: 's',
		};
		const page = await callWebhook(
			notify,
			{ method: 'GET', query },
			{ parameters: approval, waitingItems: waiting },
		);
		expect(page.status).toBe(200);
		expect(page.workflowData).toBeUndefined();
		expect(page.responseHeaders?.['content-type']).toBe('text/html; charset=utf-8');
		expect(String(page.responseBody)).toContain('<form method="post">');
		expect(String(page.responseBody)).toContain('🛑 Approval needed: rollback');

		const preview = await callWebhook(
			notify,
			{ method: 'GET', query, headers: { 'user-agent': 'TelegramBot (like TwitterBot)' } },
			{ parameters: { ...approval, options: { confirmPage: false } }, waitingItems: waiting },
		);
		expect(preview).toMatchObject({ status: 200, responseBody: '' });
		expect(preview.workflowData).toBeUndefined();
	});

	it('the confirm POST resumes with approved: true, by whom and when, keeping the item', async () => {
		const { waiting } = await requestApproval();
		const requestId = (waiting[0].json.approval as IDataObject).requestId as string;
		const result = await callWebhook(
			notify,
			{
				method: 'POST',
				query: { approved: 'true', via: 'email:alice@example.com', request: requestId },
			},
			{ parameters: approval, waitingItems: waiting },
		);
		expect(String(result.responseBody)).toContain('Request approved');
		const [item] = result.workflowData![0];
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.json.repair).toEqual(rollback.json.repair);
		const decision = item.json.approval as IDataObject;
		expect(decision).toMatchObject({
			approved: true,
			decision: 'approved',
			by: 'email:alice@example.com',
			via: 'email:alice@example.com',
			timedOut: false,
			requestId,
		});
		expect(Date.parse(decision.at as string)).toBeGreaterThanOrEqual(
			Date.parse(decision.requestedAt as string),
		);
	});

	it('reject, with the approver named by the SSO header, and directly on GET without the confirm page', async () => {
		const { waiting } = await requestApproval();
		const requestId = (waiting[0].json.approval as IDataObject).requestId as string;
		const result = await callWebhook(
			notify,
			{
				method: 'GET',
				query: { approved: 'false', via: 'telegram:-100200300', request: requestId },
				headers: { 'x-forwarded-email': 'carol@example.com' },
			},
			{
				parameters: {
					...approval,
					options: { confirmPage: false, approverHeader: 'X-Forwarded-Email' },
				},
				waitingItems: waiting,
			},
		);
		expect(result.workflowData![0][0].json.approval).toMatchObject({
			approved: false,
			decision: 'rejected',
			by: 'carol@example.com',
			via: 'telegram:-100200300',
		});
	});

	it('a link from an earlier request of the node decides nothing', async () => {
		const { waiting } = await requestApproval();
		const result = await callWebhook(
			notify,
			{
				method: 'POST',
				query: { approved: 'true', via: 'telegram:-100200300', request: 'an-older-request' },
			},
			{ parameters: approval, waitingItems: waiting },
		);
		expect(result.status).toBe(409);
		expect(result.workflowData).toBeUndefined();
	});

	it('does not wait when the request reached no channel', async () => {
		telegram.reply({
			status: 400,
			body: { ok: false, description: 'Bad Request: chat not found' },
		});
		const waits: Date[] = [];
		const key = ownIncident();
		const error = await runNode(notify, {
			parameters: { ...approval, ...key, channels: ['telegram'] },
			items: [rollback],
			credentials: credentials(),
			waits,
		}).then(
			() => undefined,
			(e: unknown) => e,
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as Error).message).toBe(
			'The approval request reached no channel: telegram (-100200300): Telegram: Bad Request: chat not found',
		);
		expect(waits).toEqual([]);
		// a request that reached nobody holds no key: the next occurrence asks again
		const retry = await requestApproval(key);
		expect(retry.waits).toHaveLength(1);
	});

	it('one pending request per incident and action: later items join it, send nothing, wait for nothing', async () => {
		const first = await requestApproval({ approvalKey: '' });
		const requestId = (first.out[0].json.approval as IDataObject).requestId;
		const sent = telegram.requests.length;
		// the same incident (inc-42) and action again, twice in one execution, plus another action
		const other = { json: { ...rollback.json, repair: { action: 'raise_memory' } } };
		const waits: Date[] = [];
		const executeData: IDataObject = {};
		const [out] = await runNode(notify, {
			parameters: { ...approval, approvalKey: '' },
			items: [rollback, rollback, other],
			credentials: credentials(),
			waits,
			executeData,
			executionId: 'exec-78',
		});
		for (const item of out.slice(0, 2)) {
			expect(item.json.approval).toMatchObject({
				decision: 'pending',
				approved: false,
				joined: true,
				requestId,
			});
		}
		// only the new action asked, in one request, and the execution waits for it
		expect(out[2].json.approval).toMatchObject({ decision: 'waiting', title: '🛑 Approval needed: raise_memory' });
		expect(telegram.requests.length).toBe(sent + 1);
		expect(waits).toHaveLength(1);
		// the answer to the new request leaves the joined items as they were
		const waiting = (executeData.data as { main: INodeExecutionData[][] }).main[0];
		expect(waiting.map((i) => (i.json.approval as IDataObject).decision)).toEqual([
			'pending',
			'pending',
			'rejected',
		]);
		// an execution where every item joins sends nothing and does not wait
		const joinedWaits: Date[] = [];
		const [alone] = await runNode(notify, {
			parameters: { ...approval, approvalKey: '' },
			items: [rollback],
			credentials: credentials(),
			waits: joinedWaits,
		});
		expect(joinedWaits).toEqual([]);
		expect(alone[0].json.approval).toMatchObject({ joined: true, joinedCount: 2 });
		expect(telegram.requests.length).toBe(sent + 1);
	});
});
