import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readDiagnosis, type DiagnosisRef } from '../../../../lib/contract';
import { DEFAULT_SATURATION_PATTERN, type DiagnosisFacts } from '../../../../lib/repair/planner';
import { runOperation, tierOf } from '../common';
import { memoryParams, memoryProperties } from './raiseMemory.operation';
import { maxReplicasProperty } from './scale.operation';

const properties: INodeProperties[] = [
	{
		displayName:
			"Follows Investigate's diagnosis when the item has a confident one (its action, or escalate; never an action it says cannot help); else chooses by the alert's auto_repair label, else by the incident's tier: 1 restart; 2 raise memory on OOMKilled, scale on saturation, else restart; 3 roll back a recent rollout, else escalate; 4 escalate. An action that rarely works for this signature (Record Anomaly's gate) is passed over for the next.",
		name: 'autoNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Tier',
		name: 'tier',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 4 },
		default: 0,
		description:
			"The incident's tier (1–4); 0: from the item (Aggregate Incident's recommended_tier), else 1",
	},
	{
		displayName: 'Saturation Pattern',
		name: 'saturationPattern',
		type: 'string',
		default: DEFAULT_SATURATION_PATTERN,
		description:
			'A regular expression (case-insensitive) on the alert name and error type that means "more replicas would help"',
	},
	{
		displayName: 'Recent Rollout (Hours)',
		name: 'recentRolloutHours',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 6,
		description: 'At tier 3, a rollout at most this old is rolled back',
	},
	{
		displayName: 'Follow Diagnosis Above Confidence (%)',
		name: 'diagnosisConfidence',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 101 },
		default: 60,
		description:
			"An item's diagnosis (from Investigate) at least this confident decides the action; 101: ignore diagnoses",
	},
	{
		displayName: 'Skip Below Success Rate (%)',
		name: 'minSuccessRate',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 100 },
		default: 20,
		description:
			"Record Anomaly's gate: an action that worked less often than this for the signature is passed over",
	},
	{
		displayName: 'Skip After Attempts',
		name: 'minAttempts',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 5,
		description: '…once it has at least this many recorded attempts',
	},
	...memoryProperties,
	maxReplicasProperty,
];

function confidentDiagnosis(d: DiagnosisRef | null, threshold: number): DiagnosisFacts | null {
	return d && d.cause !== 'unknown' && d.confidence >= threshold ? d : null;
}

export const description = updateDisplayOptions({ show: { operation: ['auto'] } }, properties);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return runOperation.call(
		this,
		'auto',
		function (i) {
			return {
				...memoryParams.call(this, i),
				maxReplicas: this.getNodeParameter('maxReplicas', i, 10) as number,
			};
		},
		function (i, json, alert) {
			const signature = alert.identity?.signature;
			return {
				autoRepairLabel: alert.labels.auto_repair ?? '',
				tier: tierOf.call(this, i, json),
				errorType: signature?.error_type ?? '',
				alertName: signature?.alert_name ?? '',
				saturationPattern: this.getNodeParameter(
					'saturationPattern',
					i,
					DEFAULT_SATURATION_PATTERN,
				) as string,
				recentRolloutMs: Math.round(
					(this.getNodeParameter('recentRolloutHours', i, 6) as number) * 3_600_000,
				),
				diagnosis: confidentDiagnosis(
					readDiagnosis(json, i),
					(this.getNodeParameter('diagnosisConfidence', i, 60) as number) / 100,
				),
				gate: {
					minSuccessRate: (this.getNodeParameter('minSuccessRate', i, 20) as number) / 100,
					minAttempts: this.getNodeParameter('minAttempts', i, 5) as number,
				},
			};
		},
	);
}
