// The overview in Prometheus' text exposition format (version 0.0.4), so the team's Prometheus
// can scrape and alert on the AIOps loop itself. Label values are escaped as the format requires
// (backslash, double quote, line feed); every family has HELP and TYPE.
import type { Overview } from './snapshot';

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

type Labels = Record<string, string>;
interface Family {
	name: string;
	type: 'gauge' | 'counter';
	help: string;
	samples: { labels: Labels; value: number }[];
}

const labelValue = (v: string) =>
	v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const helpText = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

function value(v: number): string {
	if (Number.isNaN(v)) return 'NaN';
	if (v === Infinity) return '+Inf';
	if (v === -Infinity) return '-Inf';
	return String(v);
}

export function exposition(families: Family[]): string {
	const out: string[] = [];
	for (const f of families) {
		if (f.samples.length === 0) continue;
		out.push(`# HELP ${f.name} ${helpText(f.help)}`, `# TYPE ${f.name} ${f.type}`);
		for (const s of f.samples) {
			const labels = Object.entries(s.labels)
				.map(([k, v]) => `${k}="${labelValue(v)}"`)
				.join(',');
			out.push(`${f.name}${labels ? `{${labels}}` : ''} ${value(s.value)}`);
		}
	}
	return out.join('\n') + '\n';
}

const seconds = (iso: string) => Date.parse(iso) / 1000;

export function renderMetrics(o: Overview): string {
	const g = (name: string, help: string, samples: Family['samples']): Family => ({
		name,
		type: 'gauge',
		help,
		samples,
	});
	const windows = (day: number | null, week: number | null) => {
		const out: { labels: Labels; value: number }[] = [];
		if (day !== null) out.push({ labels: { window: '24h' }, value: day });
		if (week !== null) out.push({ labels: { window: '7d' }, value: week });
		return out;
	};
	return exposition([
		g(
			'aiops_incidents_open',
			'Open (or acknowledged) incidents by recommended tier.',
			['1', '2', '3', '4'].map((tier) => ({
				labels: { tier },
				value: o.incidents.byTier[tier] ?? 0,
			})),
		),
		g(
			'aiops_incidents_open_by_age',
			'Open incidents by age of their first alert (lt_1h, 1h_24h, 1d_7d, gt_7d).',
			Object.entries(o.incidents.byAge).map(([age, value]) => ({ labels: { age }, value })),
		),
		g('aiops_occurrences', 'Alert occurrences recorded, by the window their start falls in.', [
			{ labels: { window: '1h' }, value: o.occurrences.lastHour },
			{ labels: { window: '24h' }, value: o.occurrences.lastDay },
		]),
		{
			name: 'aiops_repairs_total',
			type: 'counter',
			help: 'Repairs decided (dry runs excluded), by action and result, from the repair audit.',
			samples: o.repairs.byActionAndResult.map((r) => ({
				labels: { action: r.action, result: r.result },
				value: r.total,
			})),
		},
		g(
			'aiops_approvals_pending',
			'Executions waiting for a repair approval (send-and-wait).',
			o.approvalsPending === null ? [] : [{ labels: {}, value: o.approvalsPending }],
		),
		g('aiops_predicted_breaches_open', 'Open incidents opened by a predicted breach.', [
			{ labels: {}, value: o.predictedBreaches },
		]),
		g(
			'aiops_new_log_patterns',
			'Log templates first seen in the last 24 hours after their warm-up.',
			[{ labels: { window: '24h' }, value: o.newLogPatterns.lastDay }],
		),
		g(
			'aiops_notification_failures',
			'Failed deliveries by channel, by window.',
			o.channels.flatMap((c) =>
				windows(c.failures24h, c.failures7d).map((s) => ({
					labels: { channel: c.name, ...s.labels },
					value: s.value,
				})),
			),
		),
		g(
			'aiops_last_successful_inspection_timestamp_seconds',
			'When an inspection (log patterns, proactive inspection) last succeeded.',
			o.lastInspectionAt ? [{ labels: {}, value: seconds(o.lastInspectionAt) }] : [],
		),
		g(
			'aiops_service_up',
			'Whether the last health check of the service passed.',
			o.services.map((c) => ({ labels: { service: c.name }, value: c.ok ? 1 : 0 })),
		),
		g(
			'aiops_service_response_seconds',
			'Response time of the last health check.',
			o.services
				.filter((c) => c.responseMs !== null)
				.map((c) => ({ labels: { service: c.name }, value: c.responseMs! / 1000 })),
		),
		g(
			'aiops_service_availability_ratio',
			'Share of passed health checks, by window.',
			o.services.flatMap((c) =>
				windows(c.availability24h, c.availability7d).map((s) => ({
					labels: { service: c.name, ...s.labels },
					value: s.value,
				})),
			),
		),
		g(
			'aiops_data_source_up',
			'Whether the last check of the data source passed.',
			o.sources.map((c) => ({ labels: { source: c.name }, value: c.ok ? 1 : 0 })),
		),
		g(
			'aiops_data_source_last_check_timestamp_seconds',
			'When the data source was last checked.',
			o.sources.map((c) => ({ labels: { source: c.name }, value: seconds(c.lastCheckAt) })),
		),
		g(
			'aiops_workflow_executions',
			'Executions n8n saved per AIOps workflow, by status and window (succeeded is absent when successful executions are not saved).',
			o.executions.workflows.flatMap((w) =>
				(
					[
						['1h', w.lastHour],
						['24h', w.lastDay],
						['7d', w.lastWeek],
					] as const
				).flatMap(([window, c]) => [
					...(c.succeeded === null
						? []
						: [{ labels: { workflow: w.name, status: 'succeeded', window }, value: c.succeeded }]),
					{ labels: { workflow: w.name, status: 'failed', window }, value: c.failed },
				]),
			),
		),
		g('aiops_overview_generated_timestamp_seconds', 'When these figures were read.', [
			{ labels: {}, value: seconds(o.generatedAt) },
		]),
	]);
}
