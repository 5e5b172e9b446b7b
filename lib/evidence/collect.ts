// Collects an evidence snapshot for one workload within a bounded time: every source runs under
// its own timeout and fails alone (lib/evidence/source.ts); the snapshot always comes out and
// says which source is missing.
import type { KubeClient } from '../kube';
import type { PrometheusClient } from '../trend/prometheusClient';
import type { ClusterEvidence } from './cluster';
import { collectCluster } from './cluster';
import { checkDependencies, hostsInEnv, hostsInLogs } from './dependencies';
import { collectLogs, failingContainers } from './logs';
import { collectMetrics } from './metrics';
import { runSource, skipped } from './source';
import type { EvidenceSnapshot, EvidenceTarget, HistoryEvidence, LogEvidence, SourceReport } from './types';

export interface EvidenceTimeouts {
	clusterMs: number;
	logsMs: number;
	prometheusMs: number;
}

export const DEFAULT_TIMEOUTS: EvidenceTimeouts = { clusterMs: 5_000, logsMs: 5_000, prometheusMs: 5_000 };

export interface EvidenceSources {
	/** no client: the cluster and logs sources are skipped */
	kube?: KubeClient;
	prometheus?: PrometheusClient;
	/** what the package already knows of the signature (from the item or the stores) */
	history?: () => Promise<HistoryEvidence | undefined>;
}

export async function collectEvidence(
	target: EvidenceTarget,
	sources: EvidenceSources,
	timeouts: EvidenceTimeouts = DEFAULT_TIMEOUTS,
	now: () => number = Date.now,
): Promise<EvidenceSnapshot> {
	const at = now();
	const noCluster = skipped('no Kubernetes credential');
	// the cluster, Prometheus and the package's history are independent; logs need the pods
	const [cluster, metrics, history] = await Promise.all([
		sources.kube ? runSource(timeouts.clusterMs, () => collectCluster(sources.kube as KubeClient, target, at)) : undefined,
		sources.prometheus
			? runSource(timeouts.prometheusMs, () => collectMetrics(sources.prometheus as PrometheusClient, target, at))
			: undefined,
		sources.history ? runSource(timeouts.clusterMs, sources.history) : undefined,
	]);
	const found: ClusterEvidence = cluster?.value ?? { env: [], pods: [], events: [], nodes: [] };

	let logs: LogEvidence[] = [];
	let logsReport: SourceReport = noCluster;
	let dependencies: EvidenceSnapshot['dependencies'] = [];
	if (sources.kube && cluster?.report.status === 'ok') {
		const kube = sources.kube;
		const read = await runSource(timeouts.logsMs, async () => {
			const tails = await collectLogs(kube, target.namespace, failingContainers(found.pods, target.container));
			const named = [...hostsInEnv(found.env), ...hostsInLogs(tails.flatMap((l) => l.signals))];
			return { tails, deps: await checkDependencies(kube, target.namespace, named) };
		});
		logs = read.value?.tails ?? [];
		dependencies = read.value?.deps ?? [];
		logsReport = read.report;
	} else if (sources.kube) {
		logsReport = skipped('the cluster source did not answer, so the failing pods are unknown');
	}

	return {
		collectedAt: new Date(at).toISOString(),
		target,
		sources: {
			history: history?.report ?? skipped('no history given'),
			cluster: cluster?.report ?? noCluster,
			logs: logsReport,
			prometheus: metrics?.report ?? skipped('no Prometheus credential'),
		},
		workload: found.workload,
		pods: found.pods,
		events: found.events,
		nodes: found.nodes,
		dependencies,
		logs,
		metrics: metrics?.value ?? [],
		history: history?.value,
	};
}
