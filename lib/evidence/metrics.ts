// The workload's memory and CPU against its limits, from the cAdvisor and kube-state-metrics
// series most clusters scrape. A series that is not there leaves its field out.
import type { PrometheusClient } from '../trend/prometheusClient';
import type { EvidenceTarget, MetricEvidence } from './types';

type Vector = { metric?: Record<string, string>; value?: [number, string] }[];

function quote(v: string): string {
	return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export async function collectMetrics(
	prometheus: PrometheusClient,
	target: EvidenceTarget,
	now: number,
): Promise<MetricEvidence[]> {
	// pods of the workload by name prefix: Deployment pods are <name>-<hash>-<id>, others <name>-<id>
	const sel = `namespace=${quote(target.namespace)},pod=~${quote(`${target.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-.*`)},container!="",container!="POD"`;
	const queries: [keyof MetricEvidence, string][] = [
		['memoryBytes', `max by (container) (container_memory_working_set_bytes{${sel}})`],
		['memoryLimitBytes', `max by (container) (kube_pod_container_resource_limits{${sel},resource="memory"})`],
		['cpuCores', `max by (container) (rate(container_cpu_usage_seconds_total{${sel}}[5m]))`],
		['cpuLimitCores', `max by (container) (kube_pod_container_resource_limits{${sel},resource="cpu"})`],
		[
			'cpuThrottled',
			`max by (container) (rate(container_cpu_cfs_throttled_periods_total{${sel}}[5m]) / rate(container_cpu_cfs_periods_total{${sel}}[5m]))`,
		],
	];
	const byContainer = new Map<string, MetricEvidence>();
	const answers = await Promise.all(queries.map(([, q]) => prometheus.query(q, now)));
	answers.forEach((answer, i) => {
		if (answer.resultType !== 'vector') return;
		for (const sample of answer.result as Vector) {
			const container = sample.metric?.container ?? '';
			const value = Number(sample.value?.[1]);
			if (!Number.isFinite(value)) continue;
			const entry = byContainer.get(container) ?? { container: container || undefined };
			(entry as Record<string, unknown>)[queries[i][0]] = value;
			byContainer.set(container, entry);
		}
	});
	return [...byContainer.values()];
}
