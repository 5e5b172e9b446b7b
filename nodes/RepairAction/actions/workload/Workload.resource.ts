import type { INodeProperties } from 'n8n-workflow';

import {
	guardrailsDescription,
	optionsDescription,
	runDescription,
	targetDescription,
} from '../common';
import * as auto from './auto.operation';
import * as cleanup from './cleanup.operation';
import * as deletePod from './deletePod.operation';
import * as raiseMemory from './raiseMemory.operation';
import * as restart from './restart.operation';
import * as rollback from './rollback.operation';
import * as scale from './scale.operation';

export { auto, cleanup, deletePod, raiseMemory, restart, rollback, scale };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['workload'] } },
		options: [
			{
				name: 'Auto',
				value: 'auto',
				description:
					"Choose the repair by the alert's auto_repair label or the incident's tier, and make it",
				action: 'Repair a workload automatically',
			},
			{
				name: 'Clean Up',
				value: 'cleanup',
				description: 'Delete failed and evicted pods and finished Jobs older than an age',
				action: 'Clean up failed pods and finished jobs',
			},
			{
				name: 'Delete Pod',
				value: 'deletePod',
				description: 'Delete one pod of the workload; its controller replaces it',
				action: 'Delete a pod of a workload',
			},
			{
				name: 'Raise Memory',
				value: 'raiseMemory',
				description: "Multiply a container's memory limit, within the policy, LimitRange and quota",
				action: 'Raise the memory limit of a workload',
			},
			{
				name: 'Restart',
				value: 'restart',
				description: 'Rollout restart, as kubectl rollout restart',
				action: 'Restart a workload',
			},
			{
				name: 'Rollback',
				value: 'rollback',
				description: 'Back to the previous revision (or a given one), as kubectl rollout undo',
				action: 'Roll back a deployment',
			},
			{
				name: 'Scale',
				value: 'scale',
				description: 'To N replicas or by +k, within the policy; not when an HPA owns the replicas',
				action: 'Scale a workload',
			},
		],
		default: 'auto',
	},
	...targetDescription,
	...auto.description,
	...rollback.description,
	...raiseMemory.description,
	...scale.description,
	...cleanup.description,
	...runDescription,
	guardrailsDescription,
	optionsDescription,
];
