// Real n8n: Send and Wait for Approval puts the execution into waiting; the approve link (the
// signed resume URL n8n made) resumes it with approved: true, another execution's reject link
// with approved: false, a nobody-answers run with the timeout decision; n8n itself refuses a
// tampered link. The request also goes through a stand-in Telegram Bot API, sent with n8n's own
// HTTP helper.
import { startN8n, type N8nInstance } from './support/n8n';
import { startReceiver } from './support/receiver';
import { startFakeService } from '../support/fakeChannels';
import { decodeTelegramHtml } from '../support/notifyText';

const TG_TOKEN = '7000000003:AAHe2eTokenValue0123456789abcdef';

function approvalWorkflow(receiverUrl: string) {
	return {
		id: 'notifyApproval01',
		name: 'Notify approval e2e',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: 'start-1',
				name: 'Start',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: '0b7c6a2e-3f0e-4c55-9a51-4d5b0f0e0a11',
				parameters: {
					httpMethod: 'POST',
					path: 'approval-start',
					responseMode: 'onReceived',
					options: {},
				},
			},
			{
				id: 'approve-node-1',
				name: 'Approve Rollback',
				type: 'n8n-nodes-aiops.notify',
				typeVersion: 1,
				position: [300, 0],
				webhookId: '6d0f1c57-2a77-4d0b-8f4e-2c1a9b7e5d21',
				parameters: {
					resource: 'message',
					operation: 'sendAndWait',
					channels: ['telegram', 'webhook'],
					telegramChatId: '-100777',
					webhookUrl: `${receiverUrl}/approval-request`,
					timeLimit: '={{ $json.body.minutes || 60 }}',
					timeLimitUnit: 'minutes',
					onTimeout: 'reject',
					approvalKey: '={{ $json.body.incident || "" }}',
					options: {
						template:
							'🛑 <b>Approve {{body.repair.action}}</b> of {{body.repair.target}}\n<pre>{{body.repair.diff}}</pre>',
					},
				},
				credentials: { aiopsTelegramApi: { id: 'tgE2eCred000001', name: 'Fake Telegram' } },
			},
			{
				id: 'report-1',
				name: 'Report',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [600, 0],
				parameters: {
					method: 'POST',
					url: `${receiverUrl}/decided`,
					sendBody: true,
					specifyBody: 'json',
					jsonBody: '={{ JSON.stringify($json) }}',
					options: {},
				},
			},
		],
		connections: {
			Start: { main: [[{ node: 'Approve Rollback', type: 'main', index: 0 }]] },
			'Approve Rollback': { main: [[{ node: 'Report', type: 'main', index: 0 }]] },
		},
	};
}

interface Action {
	label: string;
	url: string;
	style: string;
}

describe('Send and Wait for Approval in real n8n', () => {
	let n8n: N8nInstance;
	let receiver: Awaited<ReturnType<typeof startReceiver>>;
	let telegram: Awaited<ReturnType<typeof startFakeService>>;
	let slack: Awaited<ReturnType<typeof startFakeService>>;
	let cookie: string;

	beforeAll(async () => {
		receiver = await startReceiver();
		telegram = await startFakeService({
			status: 200,
			body: { ok: true, result: { message_id: 1 } },
		});
		slack = await startFakeService({ status: 200, body: { ok: true, team: 'Ops', user: 'aiops' } });
		n8n = await startN8n({
			credentials: [
				{
					id: 'tgE2eCred000001',
					name: 'Fake Telegram',
					type: 'aiopsTelegramApi',
					data: { accessToken: TG_TOKEN, baseUrl: telegram.url },
				},
				{
					id: 'slackE2eCred0001',
					name: 'Fake Slack',
					type: 'aiopsSlackApi',
					data: {
						authType: 'botToken',
						accessToken: 'xoxb-e2e-token-0123456789',
						baseUrl: slack.url,
					},
				},
			],
			workflows: [approvalWorkflow(receiver.url)],
			webhooks: ['approval-start'],
		});
		cookie = await n8n.login();
	});

	afterAll(async () => {
		await n8n?.stop();
		await receiver?.close();
		await telegram?.close();
		await slack?.close();
	});

	it("runs the credentials' tests: Telegram's declarative getMe, Slack's through the Notify node", async () => {
		// what the editor's "Test" button sends: the credential's id, type and (unchanged) data
		const test = async (id: string, type: string, data: Record<string, unknown>) => {
			const res = await fetch(`${n8n.baseUrl}/rest/credentials/test`, {
				method: 'POST',
				headers: { cookie, 'content-type': 'application/json' },
				body: JSON.stringify({ credentials: { id, name: '', type, data } }),
			});
			return ((await res.json()) as { data: { status: string; message: string } }).data;
		};
		expect(
			await test('tgE2eCred000001', 'aiopsTelegramApi', {
				accessToken: TG_TOKEN,
				baseUrl: `${telegram.url}/`,
			}),
		).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(telegram.requests.at(-1)).toMatchObject({ method: 'GET', url: `/bot${TG_TOKEN}/getMe` });
		expect(
			await test('slackE2eCred0001', 'aiopsSlackApi', {
				authType: 'botToken',
				accessToken: 'xoxb-e2e-token-0123456789',
				baseUrl: slack.url,
			}),
		).toEqual({ status: 'OK', message: 'Connected to Ops as aiops' });
		expect(slack.requests.at(-1)?.url).toBe('/auth.test');
	});

	const received = (path: string) =>
		receiver.received.filter((r) => r.url === path).map((r) => r.body as Record<string, unknown>);

	/** Starts an execution and returns its approval request as the webhook channel got it. */
	async function requestApproval(
		repair: Record<string, unknown>,
		minutes?: number,
		incident?: string,
	) {
		const before = received('/approval-request').length;
		const res = await fetch(`${n8n.baseUrl}/webhook/approval-start`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ repair, minutes, incident }),
		});
		expect(res.status).toBe(200);
		const deadline = Date.now() + 60_000;
		while (received('/approval-request').length <= before) {
			if (Date.now() > deadline)
				throw new Error(`no approval request arrived; n8n log:\n${n8n.logs().slice(-3000)}`);
			await new Promise((r) => setTimeout(r, 200));
		}
		const request = received('/approval-request')[before];
		const actions = request.actions as Action[];
		const approve = actions.find((a) => a.style === 'primary')!.url;
		const reject = actions.find((a) => a.style === 'danger')!.url;
		const executionId = new URL(approve).pathname.split('/')[2];
		return { request, approve, reject, executionId };
	}

	async function executionStatus(id: string): Promise<string> {
		const res = await fetch(`${n8n.baseUrl}/rest/executions/${id}`, { headers: { cookie } });
		const json = (await res.json()) as { data: { status: string } };
		return json.data.status;
	}

	async function decided(count: number) {
		const deadline = Date.now() + 180_000;
		while (received('/decided').length < count) {
			if (Date.now() > deadline)
				throw new Error(
					`only ${received('/decided').length} decisions; n8n log:\n${n8n.logs().slice(-3000)}`,
				);
			await new Promise((r) => setTimeout(r, 250));
		}
		return received('/decided');
	}

	it('waits; the approve link resumes with approved: true; another execution is rejected; nobody answering times out to reject', async () => {
		// a run nobody answers, with a one-minute limit: it resumes on its own later in this test
		const silent = await requestApproval(
			{ action: 'scale', target: 'shop/api', diff: 'replicas: 2 → 4' },
			1,
		);

		const first = await requestApproval({
			action: 'rollback',
			target: 'shop/checkout',
			diff: '- image: shop:1.4.0\n+ image: shop:1.3.9',
		});
		// the signed link: <webhook base>/webhook-waiting/<execution>/<node id>?…&signature=…
		expect(new URL(first.approve).pathname).toBe(
			`/webhook-waiting/${first.executionId}/approve-node-1`,
		);
		expect(new URL(first.approve).searchParams.get('signature')).toMatch(/^[0-9a-f]{64}$/);
		expect(first.request.title).toBe('🛑 Approve rollback of shop/checkout');
		expect(await executionStatus(first.executionId)).toBe('waiting');

		// the same request went to Telegram through n8n's HTTP helper, with the links as buttons
		const tg = telegram.requests.find(
			(r) => r.url.endsWith('/sendMessage') && r.body.includes('shop/checkout'),
		)!;
		expect(tg.url).toBe(`/bot${TG_TOKEN}/sendMessage`);
		const tgBody = tg.json as {
			text: string;
			reply_markup: { inline_keyboard: Array<Array<{ url: string }>> };
		};
		expect(decodeTelegramHtml(tgBody.text)).toBe(
			'🛑 Approve rollback of shop/checkout\n- image: shop:1.4.0\n+ image: shop:1.3.9',
		);
		expect(new URL(tgBody.reply_markup.inline_keyboard[0][1].url).searchParams.get('via')).toBe(
			'telegram:-100777',
		);

		// a tampered link is refused by n8n itself
		const forged = new URL(first.approve);
		forged.searchParams.set('via', 'email:mallory@example.com');
		expect((await fetch(forged, { method: 'POST' })).status).toBe(401);

		// opening the link shows the confirmation page; nothing is decided yet
		const page = await fetch(first.approve);
		expect(page.status).toBe(200);
		expect(await page.text()).toContain('<form method="post">');
		expect(await executionStatus(first.executionId)).toBe('waiting');

		// confirming resumes the execution
		const confirm = await fetch(first.approve, { method: 'POST' });
		expect(confirm.status).toBe(200);
		expect(await confirm.text()).toContain('Request approved');
		const [approved] = await decided(1);
		expect(approved.body).toMatchObject({ repair: { action: 'rollback' } });
		expect(approved.approval).toMatchObject({
			approved: true,
			decision: 'approved',
			timedOut: false,
			by: `webhook:${receiver.url}/approval-request`,
			via: `webhook:${receiver.url}/approval-request`,
		});
		expect(await executionStatus(first.executionId)).toBe('success');

		// a second click changes nothing
		const again = await fetch(first.approve, { method: 'POST' });
		expect(again.status).toBe(200);
		expect(await again.text()).not.toContain('Request approved');

		// another execution, rejected from its own link
		const second = await requestApproval({
			action: 'raise memory',
			target: 'shop/worker',
			diff: 'memory: 512Mi → 768Mi',
		});
		expect(second.executionId).not.toBe(first.executionId);
		await fetch(second.reject, { method: 'POST' });
		// found by its action: on a loaded machine the silent run's timeout may resume first
		const actionOf = (d: Record<string, unknown>) =>
			((d.body as { repair?: { action?: string } }).repair ?? {}).action;
		const rejected = await (async () => {
			for (let n = 2; ; n++) {
				const hit = (await decided(n)).find((d) => actionOf(d) === 'raise memory');
				if (hit) return hit;
			}
		})();
		expect(rejected.approval).toMatchObject({
			approved: false,
			decision: 'rejected',
			timedOut: false,
		});

		// the silent run: n8n resumes it when the limit passes, and the timeout rejects
		expect(await executionStatus(silent.executionId)).toBe('waiting');
		const all = await decided(3);
		const timedOut = all.find((d) => actionOf(d) === 'scale')!;
		expect(timedOut.body).toMatchObject({ repair: { action: 'scale' } });
		expect(timedOut.approval).toMatchObject({
			approved: false,
			decision: 'rejected',
			by: 'timeout',
			timedOut: true,
		});
		expect(await executionStatus(silent.executionId)).toBe('success');
		expect(n8n.logs()).not.toContain(TG_TOKEN);
	});

	it('one pending request per incident: later executions join it, learn its answer, and never repair twice', async () => {
		const requestsBefore = received('/approval-request').length;
		const decidedBefore = received('/decided').length;
		const rollback = { action: 'rollback', target: 'shop/api', diff: 'image: 1.3 → 1.2' };
		const first = await requestApproval(rollback, undefined, 'incident-e2e-7');
		// the request goes out just before the execution is parked as waiting
		for (let i = 0; (await executionStatus(first.executionId)) !== 'waiting'; i++) {
			if (i > 240) throw new Error('the first execution never waited');
			await new Promise((r) => setTimeout(r, 250));
		}

		// four more occurrences of the same incident while the request waits, two at once
		const start = () =>
			fetch(`${n8n.baseUrl}/webhook/approval-start`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ repair: rollback, incident: 'incident-e2e-7' }),
			});
		await Promise.all([start(), start()]);
		await start();
		await start();
		const joined = (await decided(decidedBefore + 4)).slice(decidedBefore);
		for (const item of joined) {
			expect(item.approval).toMatchObject({
				decision: 'pending',
				approved: false,
				joined: true,
				requestId: new URL(first.approve).searchParams.get('request'),
			});
		}
		// no second request went out
		expect(received('/approval-request')).toHaveLength(requestsBefore + 1);

		await fetch(first.approve, { method: 'POST' });
		const afterAnswer = await decided(decidedBefore + 5);
		expect(afterAnswer[decidedBefore + 4].approval).toMatchObject({ approved: true, decision: 'approved' });

		// an occurrence after the answer learns it and is not approved again
		await start();
		const late = (await decided(decidedBefore + 6))[decidedBefore + 5];
		expect(late.approval).toMatchObject({ decision: 'approved', approved: false, joined: true });
		expect(received('/approval-request')).toHaveLength(requestsBefore + 1);

		// another incident is a request of its own
		await requestApproval(rollback, undefined, 'incident-e2e-8');
		expect(received('/approval-request')).toHaveLength(requestsBefore + 2);
	});

	it('serves the waiting tooltip like n8n\'s own send-and-wait nodes', async () => {
		const res = await fetch(`${n8n.baseUrl}/types/nodes.json`, { headers: { cookie } });
		const types = (await res.json()) as Array<{ name: string; waitingNodeTooltip?: string }>;
		const notify = types.find((t) => t.name === 'n8n-nodes-aiops.notify');
		expect(notify?.waitingNodeTooltip).toBe(
			'={{ $parameter["operation"] === "sendAndWait" ? "Execution will continue when someone approves or rejects the request, or when its time limit passes" : "" }}',
		);
	});
});
