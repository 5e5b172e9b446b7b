// AIOps Overview as a node: Record Check Results keeps what the items carry (a bad item is an
// error of its own, continueOnFail honoured, the others recorded), Status Page renders one item
// for all input items from the embedded store and n8n's execution records.
import type { INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { closeEmbeddedStores } from '../../lib/store';
import { loadNode, runNode } from '../harness/nodeHarness';
import { tmpFolder } from '../support/stores';

const node = loadNode('AiopsOverview');
const folder = tmpFolder('overview-node');
const options = { embeddedFolder: folder.path, schema: 'ov_node' };

afterAll(async () => {
	await closeEmbeddedStores();
	folder.remove();
});

const now = new Date().toISOString();
const health = {
	service: 'api',
	healthy: false,
	problem: 'bad_status',
	response_time_ms: 42,
	checked_at: now,
	detail: 'HTTP 503',
};
const delivery = {
	notification: { channels: [{ channel: 'slack', delivered: false, error: 'HTTP 500 <b>' }] },
};

async function page(items: INodeExecutionData[] = [{ json: {} }]) {
	const [out] = await runNode(node, {
		parameters: {
			store: 'embedded',
			resource: 'overview',
			operation: 'statusPage',
			format: 'json',
			options,
		},
		items,
	});
	expect(out).toHaveLength(1);
	expect(out[0].pairedItem).toEqual(items.map((_, item) => ({ item })));
	return JSON.parse(out[0].json.body as string);
}

describe('AIOps Overview node', () => {
	it('records health checks and deliveries, passes the items on, and a bad item fails alone', async () => {
		const params = { store: 'embedded', resource: 'overview', operation: 'recordChecks', options };
		const [out] = await runNode(node, {
			parameters: params,
			items: [{ json: health }, { json: { service: 'web' } }, { json: delivery }],
			continueOnFail: true,
		});
		expect(out.map((o) => o.json)).toEqual([
			health,
			{ error: 'healthy must be true or false, got undefined', field: 'item 1.healthy' },
			delivery,
		]);
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		const error = await runNode(node, {
			parameters: params,
			items: [{ json: health }, { json: { nothing: 1 } }],
		}).catch((e) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.context.itemIndex).toBe(1);
		const figures = await page();
		// the good item of the failed run was recorded too: two checks of api
		expect(figures.services).toEqual([
			expect.objectContaining({
				name: 'api',
				ok: false,
				status: 'bad_status',
				responseMs: 42,
				checks24h: 2,
				availability24h: 0,
			}),
		]);
		expect(figures.channels).toEqual([
			expect.objectContaining({
				name: 'slack',
				status: 'failed',
				detail: 'HTTP 500 <b>',
				failures7d: 1,
			}),
		]);
		expect(figures.sources).toEqual([
			expect.objectContaining({ name: 'Embedded store', ok: true }),
		]);
	}, 180_000); // the first use creates the embedded database and its tables

	it("counts n8n's execution records and shows the n8n API down when its node failed", async () => {
		const figures = await page([
			{
				json: {
					id: 'wf',
					name: 'AIOps: alert → repair',
					active: true,
					nodes: [{ type: 'n8n-nodes-aiops.recordAnomaly' }],
				},
			},
			{ json: { id: '9', workflowId: 'wf', status: 'error', startedAt: now } },
			{ json: { id: '10', workflowId: 'wf', status: 'waiting', startedAt: now } },
			{ json: { error: { message: 'Authorization failed - please check your credentials' } } },
		]);
		expect(figures.executions.workflows[0]).toMatchObject({
			id: 'wf',
			lastHour: { succeeded: 0, failed: 1 },
			waiting: 1,
		});
		expect(figures.approvalsPending).toBe(1);
		expect(figures.sources.find((s: { name: string }) => s.name === 'n8n API')).toMatchObject({
			ok: false,
			detail: 'Authorization failed - please check your credentials',
		});
	});

	it('renders the page and the metrics, and refuses an unknown format naming the field', async () => {
		const run = (format: string) =>
			runNode(node, {
				parameters: {
					store: 'embedded',
					resource: 'overview',
					operation: 'statusPage',
					format,
					options,
				},
			});
		const [[html]] = await run('html');
		expect(html.json.contentType).toBe('text/html; charset=utf-8');
		expect(html.json.body).toMatch(/^<!doctype html>/);
		expect(html.json.csp).toMatch(/script-src 'none'/);
		const [[metrics]] = await run('metrics');
		expect(metrics.json.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
		expect(metrics.json.body).toContain('aiops_service_up{service="api"} 0');
		const error = await run('xml').catch((e) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.description).toBe('Field: format');
	});
});
