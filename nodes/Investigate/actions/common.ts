// What Investigate's operations share: the target (from the alert item unless given), the
// per-source timeouts, and the item loop. Alerts of one workload in one batch share one
// snapshot: a storm of 50 alerts of one Deployment reads the cluster once.
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import {
	readAlertContext,
	readFrequency,
	readIncident,
	writeDiagnosis,
	writeEvidence,
} from '../../../lib/contract';
import { diagnose } from '../../../lib/diagnosis';
import {
	collectEvidence,
	evidenceSummary,
	SUMMARY_LIMIT,
	type EvidenceSnapshot,
	type HistoryEvidence,
} from '../../../lib/evidence';
import { targetFromAlert, targetKey } from '../../../lib/repair/target';
import { emitItems, type ItemOutcome } from '../../shared/items';
import { optionalKubeClient } from '../../shared/kubernetes';
import { optionalPrometheusClient } from '../../shared/prometheus';

export const targetDescription: INodeProperties[] = [
	{
		displayName:
			'Namespace, workload and container come from the alert item (its labels, as the Alertmanager Trigger derives them) unless given here',
		name: 'targetNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { operation: ['investigate', 'collectEvidence'] } },
	},
	{
		displayName: 'Namespace',
		name: 'namespace',
		type: 'string',
		default: '',
		placeholder: 'from the item',
		description: "The workload's namespace; empty: the item's namespace label",
		displayOptions: { show: { operation: ['investigate', 'collectEvidence'] } },
	},
	{
		displayName: 'Workload Kind',
		name: 'kind',
		type: 'options',
		options: [
			{ name: 'From the Item', value: 'fromItem', description: 'The label or pod name says it; Deployment when nothing does' },
			{ name: 'Deployment', value: 'Deployment' },
			{ name: 'StatefulSet', value: 'StatefulSet' },
			{ name: 'DaemonSet', value: 'DaemonSet' },
		],
		default: 'fromItem',
		displayOptions: { show: { operation: ['investigate', 'collectEvidence'] } },
	},
	{
		displayName: 'Workload Name',
		name: 'workloadName',
		type: 'string',
		default: '',
		placeholder: 'from the item',
		description: 'Empty: the item’s deployment, statefulset or daemonset label, else its pod’s controller',
		displayOptions: { show: { operation: ['investigate', 'collectEvidence'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { operation: ['investigate', 'collectEvidence'] } },
		options: [
			{
				displayName: 'Cluster Timeout (Seconds)',
				name: 'clusterTimeout',
				type: 'number',
				typeOptions: { minValue: 0.1 },
				default: 5,
				description: 'How long the workload, pods, events and nodes may take; past it the snapshot says the cluster source timed out',
			},
			{
				displayName: 'Logs Timeout (Seconds)',
				name: 'logsTimeout',
				type: 'number',
				typeOptions: { minValue: 0.1 },
				default: 5,
				description: "How long reading the failing containers' logs and checking their dependencies may take",
			},
			{
				displayName: 'Prometheus Timeout (Seconds)',
				name: 'prometheusTimeout',
				type: 'number',
				typeOptions: { minValue: 0.1 },
				default: 5,
				description: 'How long the memory and CPU queries may take (only with a Prometheus credential)',
			},
			{
				displayName: 'Summary Limit (Characters)',
				name: 'summaryLimit',
				type: 'number',
				typeOptions: { minValue: 200 },
				default: SUMMARY_LIMIT,
				description: 'The plain-text summary (for messages and prompts) is cut at this length',
			},
		],
	},
];

interface CollectOptions {
	clusterTimeout?: number;
	logsTimeout?: number;
	prometheusTimeout?: number;
	summaryLimit?: number;
}

/** What the package already knows, from the sections Record Anomaly and Aggregate Incident wrote. */
function historyOf(json: IDataObject, itemIndex: number): HistoryEvidence | undefined {
	const frequency = readFrequency(json, itemIndex);
	const incident = readIncident(json, itemIndex);
	if (!frequency && !incident) return undefined;
	return {
		count1h: frequency?.count_1h,
		count24h: frequency?.count_24h,
		escalation: frequency?.escalation_level ?? undefined,
		incidentId: incident?.id,
		tier: incident?.recommended_tier,
		repairs: [],
	};
}

/** Collect Evidence (and, with `andDiagnose`, Diagnose) for every item. */
export async function investigateItems(
	this: IExecuteFunctions,
	andDiagnose: boolean,
): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const options = this.getNodeParameter('options', 0, {}) as CollectOptions;
	const timeouts = {
		clusterMs: (options.clusterTimeout ?? 5) * 1000,
		logsMs: (options.logsTimeout ?? 5) * 1000,
		prometheusMs: (options.prometheusTimeout ?? 5) * 1000,
	};
	const kube = (await optionalKubeClient.call(this, { timeoutMs: Math.max(timeouts.clusterMs, timeouts.logsMs) })) ?? undefined;
	const prometheus = await optionalPrometheusClient.call(this, timeouts.prometheusMs);
	const snapshots = new Map<string, Promise<EvidenceSnapshot>>();
	const outcomes: ItemOutcome[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const json = items[i].json;
			const kind = this.getNodeParameter('kind', i, 'fromItem') as string;
			const target = targetFromAlert(readAlertContext(json, i), {
				namespace: this.getNodeParameter('namespace', i, '') as string,
				kind: kind === 'fromItem' ? '' : kind,
				name: this.getNodeParameter('workloadName', i, '') as string,
			});
			const key = targetKey(target);
			let shared = snapshots.get(key);
			if (!shared) {
				shared = collectEvidence(
					{ namespace: target.namespace, kind: target.kind, name: target.name, container: target.container || undefined },
					{ kube, prometheus },
					timeouts,
				);
				snapshots.set(key, shared);
			}
			const history = historyOf(json, i);
			const snapshot: EvidenceSnapshot = {
				...(await shared),
				history,
				sources: { ...(await shared).sources, history: history ? { status: 'ok', durationMs: 0 } : { status: 'skipped', durationMs: 0, detail: 'the item carries no frequency or incident' } },
			};
			const withEvidence = writeEvidence(json, snapshot, evidenceSummary(snapshot, options.summaryLimit ?? SUMMARY_LIMIT));
			outcomes.push({ json: andDiagnose ? writeDiagnosis(withEvidence, diagnose(snapshot)) : withEvidence });
		} catch (error) {
			outcomes.push({ error: error as Error });
		}
	}
	return emitItems.call(this, outcomes);
}
