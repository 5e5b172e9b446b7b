import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { callWebhook, loadNode } from '../harness/nodeHarness';

const trigger = loadNode('AlertmanagerTrigger');
const { deliveries } = JSON.parse(
	readFileSync(join(__dirname, '../fixtures/alertmanager/deliveries.json'), 'utf8'),
) as {
	deliveries: Array<{ headers: Record<string, string>; body: Record<string, unknown> }>;
};
const credentials = { alertmanagerReceiverApi: { authType: 'bearer', token: 'dev-token-123' } };

describe('Alertmanager Trigger (node)', () => {
	it('emits one item per alert of a recorded delivery', async () => {
		const result = await callWebhook(
			trigger,
			{ body: deliveries[0].body, headers: deliveries[0].headers },
			{ credentials },
		);
		expect(result.status).toBe(200);
		expect(result.responseBody).toEqual({ status: 'ok', alerts: 3 });
		const items = result.workflowData![0];
		expect(items).toHaveLength(3);
		expect(items.map((i) => i.json.fingerprint)).toEqual([
			'97a67da4a58ea011',
			'8bd6df89de8f7d4b',
			'9e3fb068af193db2',
		]);
		expect(items[0].json).toMatchObject({
			workload: 'checkout',
			receiver: 'n8n',
			status: 'firing',
		});
		expect(items[0].json.anomaly_key).toMatch(/^[0-9a-f]{16}$/);
	});

	it.each([
		['a wrong token', { authorization: 'Bearer nope' }],
		['no token', {}],
		[
			'basic instead of bearer',
			{ authorization: 'Basic ' + Buffer.from('a:b').toString('base64') },
		],
	])('answers 401 and starts nothing for %s', async (_name, headers) => {
		const result = await callWebhook(
			trigger,
			{ body: deliveries[0].body, headers },
			{ credentials },
		);
		expect(result.status).toBe(401);
		expect(result.workflowData).toBeUndefined();
	});

	it('accepts basic auth when the credential says so', async () => {
		const basic = {
			alertmanagerReceiverApi: { authType: 'basic', user: 'am', password: 's3cret' },
		};
		const headers = { authorization: 'Basic ' + Buffer.from('am:s3cret').toString('base64') };
		const result = await callWebhook(
			trigger,
			{ body: deliveries[0].body, headers },
			{ credentials: basic },
		);
		expect(result.workflowData![0]).toHaveLength(3);
	});

	it.each([
		['not JSON', '{"version": "4", alerts: ['],
		['a wrong version', JSON.stringify({ version: '3', alerts: [] })],
		['alerts not a list', JSON.stringify({ version: '4', alerts: 'x' })],
		[
			'an alert without labels',
			JSON.stringify({
				version: '4',
				alerts: [{ status: 'firing', startsAt: '2026-01-01T00:00:00Z' }],
			}),
		],
		[
			'an alert without startsAt',
			JSON.stringify({ version: '4', alerts: [{ status: 'firing', labels: { a: 'b' } }] }),
		],
	])('answers 400 naming what is wrong for %s', async (_name, rawBody) => {
		const result = await callWebhook(
			trigger,
			{ rawBody, headers: { authorization: 'Bearer dev-token-123' } },
			{ credentials },
		);
		expect(result.status).toBe(400);
		expect(result.workflowData).toBeUndefined();
		expect(JSON.stringify(result.responseBody)).toMatch(/Bad (delivery|Alertmanager payload)/);
	});

	it('refuses a body over Max Body Size with 413 naming the limit and starts nothing', async () => {
		const rawBody = 'x'.repeat(1024 * 1024 + 1);
		const result = await callWebhook(
			trigger,
			{ rawBody, headers: { authorization: 'Bearer dev-token-123' } },
			{ credentials, parameters: { alertOptions: { maxBodyKb: 1024 } } },
		);
		expect(result.status).toBe(413);
		expect(result.workflowData).toBeUndefined();
		expect(JSON.stringify(result.responseBody)).toMatch(/exceeds the limit of 1 MB/);
	});

	it('filters by status and labels, and drops extra replica labels', async () => {
		const resolved = deliveries.find((d) => d.body.status === 'resolved')!;
		const onlyFiring = await callWebhook(
			trigger,
			{ body: resolved.body, headers: resolved.headers },
			{ credentials, parameters: { emit: 'firing' } },
		);
		expect(onlyFiring.workflowData).toBeUndefined();
		expect(onlyFiring.status).toBe(200);

		const filtered = await callWebhook(
			trigger,
			{ body: deliveries[0].body, headers: deliveries[0].headers },
			{
				credentials,
				parameters: {
					alertOptions: { labelFilters: 'pod="checkout-6f7b9c-x2k4p"', replicaLabels: 'x' },
				},
			},
		);
		const items = filtered.workflowData![0];
		expect(items).toHaveLength(2);
		expect(items[0].json.occurrence_id).toBe(items[1].json.occurrence_id);
	});

	it('adds the truncation warning to every item', async () => {
		const truncated = deliveries.find((d) => (d.body.truncatedAlerts as number) > 0)!;
		const result = await callWebhook(
			trigger,
			{ body: truncated.body, headers: truncated.headers },
			{ credentials },
		);
		for (const item of result.workflowData![0])
			expect((item.json.warnings as string[])[0]).toMatch(/truncated/);
	});

	it('works without authentication when set to None', async () => {
		const result = await callWebhook(
			trigger,
			{ body: deliveries[0].body },
			{ parameters: { authentication: 'none' } },
		);
		expect(result.workflowData![0]).toHaveLength(3);
	});

	it('still reads settings a workflow saved under the former options name', async () => {
		const result = await callWebhook(
			trigger,
			{ body: deliveries[0].body, headers: deliveries[0].headers },
			{ credentials, parameters: { options: { labelFilters: 'pod="checkout-6f7b9c-x2k4p"' } } },
		);
		expect(result.workflowData![0]).toHaveLength(2);
	});

	it('declares the raw body to n8n and answers with its own JSON, not firstEntryJson', () => {
		const options = trigger.description.properties.find((p) => p.name === 'options');
		expect(options).toMatchObject({ type: 'hidden', default: { binaryData: true } });
		expect(trigger.description.version).toBe(1);
		expect(trigger.description.webhooks![0].responseData).toBe('');
	});
});
