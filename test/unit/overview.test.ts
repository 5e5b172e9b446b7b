// The overview's pure parts: text that stays text, the page and its CSP, the metrics format, the
// Grafana dashboard's metric names, and how n8n's execution records are counted.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
	checkResultsOfItem,
	htmlText,
	pageCsp,
	renderMetrics,
	renderPage,
	summarizeExecutions,
	visibleText,
	type Overview,
} from '../../lib/overview';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const iso = (minutesAgo: number) => new Date(NOW - minutesAgo * 60_000).toISOString();
const HOSTILE = '<script>alert(1)</script>"\'&\u202Eevil\u200B\u0007';

function overview(): Overview {
	const line = {
		id: '7d1c…',
		title: HOSTILE,
		status: 'open',
		severity: 'critical',
		tier: 2,
		alertName: 'PredictedBreach',
		namespace: 'ns</td>',
		workload: 'w\u2066x',
		firstAlertAt: iso(90),
		lastSeenAt: iso(1),
		occurrences: 3,
	};
	const check = (kind: 'service' | 'source' | 'channel', name: string, ok: boolean) => ({
		kind,
		name,
		ok,
		status: ok ? 'up' : 'down',
		lastCheckAt: iso(1),
		responseMs: 12,
		detail: HOSTILE,
		lastOkAt: ok ? iso(1) : null,
		availability24h: ok ? 1 : 0.5,
		availability7d: 0.99995,
		checks24h: 10,
		failures24h: ok ? 0 : 5,
		failures7d: ok ? 0 : 7,
		failuresRetained: ok ? 0 : 7,
	});
	return {
		generatedAt: new Date(NOW).toISOString(),
		store: { kind: 'postgres', address: '127.0.0.1:5432/test', schema: 'aiops' },
		incidents: {
			open: 3,
			byTier: { '1': 1, '2': 2, '3': 0, '4': 0 },
			byAge: { lt_1h: 1, '1h_24h': 2, '1d_7d': 0, gt_7d: 0 },
			byTierAndAge: {
				'1': { lt_1h: 1, '1h_24h': 0, '1d_7d': 0, gt_7d: 0 },
				'2': { lt_1h: 0, '1h_24h': 2, '1d_7d': 0, gt_7d: 0 },
			},
			oldest: [line],
			predictedBreaches: 1,
			predicted: [line],
			resolvedLast24h: 4,
		},
		occurrences: { lastHour: 5, lastDay: 9, retained: 20 },
		repairs: {
			byActionAndResult: [
				{ action: 'restart', result: 'succeeded', total: 3, lastDay: 2, lastWeek: 3 },
				{ action: 'restart"\\\n', result: 'failed', total: 1, lastDay: 1, lastWeek: 1 },
			],
			lastDay: { succeeded: 2, failed: 1, other: 0, successRate: 2 / 3 },
			lastWeek: { succeeded: 3, failed: 1, other: 0, successRate: 0.75 },
			total: { succeeded: 3, failed: 1, other: 0, successRate: 0.75 },
		},
		approvalsPending: 1,
		predictedBreaches: 1,
		newLogPatterns: { lastDay: 2, scopes: 1, lastRunMs: NOW - 60_000 },
		services: [check('service', 'payments', false)],
		sources: [check('source', 'Postgres', true)],
		channels: [check('channel', 'webhook', false)],
		executions: summarizeExecutions(
			[
				{
					id: 'wf1',
					name: 'AIOps: alert → repair',
					active: true,
					nodes: [{ type: 'n8n-nodes-aiops.recordAnomaly' }],
				},
				{
					id: '1',
					workflowId: 'wf1',
					status: 'error',
					startedAt: iso(10),
					data: { resultData: { error: { message: HOSTILE, node: { name: 'Repair' } } } },
				},
			],
			NOW,
			{ successesSaved: true },
		),
		lastInspectionAt: iso(3),
	};
}

describe('text on the page', () => {
	it('makes bidi, zero-width and control characters visible, and escapes markup', () => {
		expect(visibleText('a\u202Eb\u200Bc\u0007d\tе\n')).toBe('a⟦U+202E⟧b⟦U+200B⟧c⟦U+0007⟧d\tе\n');
		expect(visibleText('\u{E0041}')).toBe('⟦U+E0041⟧');
		expect(htmlText('<a href="x">&\'</a>')).toBe(
			'&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;',
		);
		expect(htmlText(null)).toBe('');
	});
});

describe('the status page', () => {
	const html = renderPage(overview(), { title: 'Ops <b>', refreshSeconds: 30 });

	it('holds no script, no external asset, and every hostile text escaped', () => {
		expect(html).not.toMatch(/<script/i);
		expect(html).not.toMatch(/\s(src|href)=/i);
		expect(html).not.toMatch(/[\u202E\u200B\u2066\u0007]/);
		expect(html).toContain(
			'&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;⟦U+202E⟧evil⟦U+200B⟧⟦U+0007⟧',
		);
		expect(html).toContain('ns&lt;/td&gt;/w⟦U+2066⟧x');
		expect(html).toContain('<title>Ops &lt;b&gt;</title>');
		expect(html).toContain('<meta http-equiv="refresh" content="30">');
	});

	it('comes with a CSP that allows its own style (by hash) and nothing else', () => {
		const style = html.match(/<style>([\s\S]*?)<\/style>/)![1];
		const hash = createHash('sha256').update(style).digest('base64');
		expect(pageCsp()).toContain(`style-src 'sha256-${hash}'`);
		expect(pageCsp()).toMatch(/default-src 'none'.*script-src 'none'/);
	});

	it('shows the figures with their keys', () => {
		expect(html).toContain('data-metric="incidents.byTier.2">2<');
		expect(html).toContain('data-metric="service.payments.availability7d">99.99 %<');
		expect(html).toContain('data-metric="executions.wf1.lastDay.failed">1<');
		expect(html).toContain('data-metric="repairs.lastWeek.successRate">75.00 %<');
	});
});

describe('the metrics', () => {
	const text = renderMetrics(overview());

	it('has HELP and TYPE for every family and escapes label values', () => {
		const families = [...text.matchAll(/^# TYPE (\S+) (gauge|counter)$/gm)].map((m) => m[1]);
		for (const f of families) expect(text).toContain(`# HELP ${f} `);
		expect(families).toEqual(
			expect.arrayContaining([
				'aiops_incidents_open',
				'aiops_repairs_total',
				'aiops_approvals_pending',
				'aiops_notification_failures',
				'aiops_last_successful_inspection_timestamp_seconds',
			]),
		);
		expect(text).toContain('aiops_repairs_total{action="restart\\"\\\\\\n",result="failed"} 1');
		expect(text).toContain('aiops_incidents_open{tier="2"} 2');
		expect(text).toContain('aiops_notification_failures{channel="webhook",window="7d"} 7');
		for (const line of text
			.trim()
			.split('\n')
			.filter((l) => !l.startsWith('#')))
			expect(line).toMatch(/^[a-z_]+(\{[^\n]*\})? -?[0-9.e+-]+$/);
	});

	it('leaves out what is unknown instead of reporting 0', () => {
		const o = overview();
		o.approvalsPending = null;
		o.lastInspectionAt = null;
		const t = renderMetrics(o);
		expect(t).not.toContain('aiops_approvals_pending');
		expect(t).not.toContain('aiops_last_successful_inspection');
	});

	it('are the ones the shipped Grafana dashboard queries', () => {
		const dashboard = JSON.parse(
			readFileSync(
				join(__dirname, '../../templates/grafana/aiops-overview.dashboard.json'),
				'utf8',
			),
		);
		const exprs: string[] = dashboard.panels.flatMap((p: { targets: { expr: string }[] }) =>
			p.targets.map((t) => t.expr),
		);
		const used = new Set(
			exprs.flatMap((e) => [...e.matchAll(/\b(aiops_[a-z_]+)/g)].map((m) => m[1])),
		);
		const emitted = new Set([...text.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]));
		expect([...used].filter((m) => !emitted.has(m))).toEqual([]);
		expect(used.size).toBeGreaterThanOrEqual(12);
	});
});

describe("n8n's execution records", () => {
	const workflows = [
		{
			id: 'a',
			name: 'AIOps: health checks',
			active: true,
			nodes: [{ type: 'n8n-nodes-base.code' }],
		},
		{ id: 'b', name: 'Billing sync', active: true, nodes: [{ type: 'n8n-nodes-aiops.notify' }] },
		{ id: 'c', name: 'Unrelated', active: true, nodes: [{ type: 'n8n-nodes-base.noOp' }] },
	];
	const exec = (
		id: string,
		workflowId: string,
		status: string,
		minutesAgo: number,
		extra = {},
	) => ({
		id,
		workflowId,
		status,
		startedAt: iso(minutesAgo),
		...extra,
	});
	const records = [
		...workflows,
		exec('1', 'a', 'success', 10),
		exec('2', 'a', 'error', 30, { retrySuccessId: '5' }),
		exec('3', 'a', 'crashed', 60 * 5),
		exec('4', 'a', 'error', 60 * 24 * 3),
		exec('5', 'a', 'success', 20, { retryOf: '2' }),
		exec('6', 'b', 'waiting', 2),
		exec('7', 'c', 'error', 2),
		exec('8', 'a', 'error', 60 * 24 * 9),
		// the same failure again, with its data (from the "last failures" query)
		exec('2', 'a', 'error', 30, {
			retrySuccessId: '5',
			data: { resultData: { error: { message: 'boom', node: { name: 'Check Health' } } } },
		}),
		{ error: 'not an execution' },
	];

	it('counts per hour, day and week, keeps the message, and says which failures were retried', () => {
		const s = summarizeExecutions(records, NOW, { successesSaved: true });
		expect(s.workflows.map((w) => w.id)).toEqual(['a', 'b']); // AIOps by name or by node
		const a = s.workflows[0];
		expect(a.lastHour).toEqual({ succeeded: 2, failed: 1 });
		expect(a.lastDay).toEqual({ succeeded: 2, failed: 2 });
		expect(a.lastWeek).toEqual({ succeeded: 2, failed: 3 });
		expect(a.lastFailure).toEqual({
			id: '2',
			at: iso(30),
			message: 'boom',
			node: 'Check Health',
			retryOf: null,
			retries: [{ id: '5', status: 'success' }],
			retriedSuccessfully: true,
		});
		expect(a.failures.map((f) => [f.id, f.retriedSuccessfully])).toEqual([
			['2', true],
			['3', false],
			['4', false],
		]);
		expect(s.waiting).toBe(1);
	});

	it('does not count successes n8n does not save (EXECUTIONS_DATA_SAVE_ON_SUCCESS=none)', () => {
		const s = summarizeExecutions(records, NOW, { successesSaved: false });
		expect(s.workflows[0].lastDay).toEqual({ succeeded: null, failed: 2 });
		expect(s.successesSaved).toBe(false);
	});
});

describe('check results from items', () => {
	it('reads health checks and Notify deliveries, and names the field of a bad item', () => {
		expect(
			checkResultsOfItem(
				{
					service: 'api',
					healthy: false,
					problem: 'slow',
					response_time_ms: 2500,
					checked_at: iso(0),
				},
				NOW,
			),
		).toEqual([
			{
				kind: 'service',
				name: 'api',
				atMs: NOW,
				ok: false,
				status: 'slow',
				responseMs: 2500,
				detail: null,
			},
		]);
		expect(
			checkResultsOfItem(
				{
					notification: {
						channels: [
							{ channel: 'slack', delivered: false, error: 'HTTP 500' },
							{ channel: 'email', delivered: true },
							{ channel: 'line', delivered: false, suppressed: true },
						],
					},
				},
				NOW,
			).map((c) => [c.name, c.status, c.detail]),
		).toEqual([
			['slack', 'failed', 'HTTP 500'],
			['email', 'delivered', null],
		]);
		expect(() => checkResultsOfItem({ service: 'api', healthy: 'yes' }, NOW, 'item 3')).toThrow(
			/healthy must be true or false/,
		);
		let error: unknown;
		try {
			checkResultsOfItem({ foo: 1 }, NOW, 'item 4');
		} catch (e) {
			error = e;
		}
		expect(error).toMatchObject({ field: 'item 4.service' });
	});
});
