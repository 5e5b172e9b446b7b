import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { kubernetesConnectionTest } from '../shared/kubernetes';
import { storeCredentials, storeCredentialTests, storeParameter } from '../shared/store';
import { router } from './actions/router';
import * as workload from './actions/workload/Workload.resource';

export class RepairAction implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Repair Action',
		name: 'repairAction',
		icon: { light: 'file:../../icons/repair.svg', dark: 'file:../../icons/repair.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ($parameter["dryRun"] ? " (dry run)" : "")}}',
		description:
			'Repairs a Kubernetes workload (restart, rollback, raise memory, scale, delete pod, clean up, or Auto) under guardrails, verifies it and records the outcome',
		defaults: { name: 'Repair Action' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: storeCredentials(
			[{ name: 'aiopsKubernetesApi', required: false, testedBy: 'kubernetesConnectionTest' }],
			{ postgresWithRedis: true },
		),
		properties: [
			{
				...storeParameter(['embedded', 'postgres', 'redis']),
				description:
					'Where guard state (leases, cooldowns, breakers) and the outcome history live — the same store as Record Anomaly. With Redis, the audit table is in Postgres.',
			},
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'hidden',
				noDataExpression: true,
				options: [{ name: 'Workload', value: 'workload' }],
				default: 'workload',
			},
			...workload.description,
		],
	};

	methods = {
		credentialTest: { ...storeCredentialTests, kubernetesConnectionTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return router.call(this);
	}
}
