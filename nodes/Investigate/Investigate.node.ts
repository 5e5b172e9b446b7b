import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { kubernetesConnectionTest } from '../shared/kubernetes';
import { router } from './actions/router';
import * as workload from './actions/workload/Workload.resource';

export class Investigate implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Investigate',
		name: 'investigate',
		icon: { light: 'file:../../icons/investigate.svg', dark: 'file:../../icons/investigate.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description:
			'Gathers evidence about a failing workload (pods, events, revisions, nodes, logs, dependencies, Prometheus) within bounded time and diagnoses the cause before any repair',
		defaults: { name: 'Investigate' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'aiopsKubernetesApi', required: false, testedBy: 'kubernetesConnectionTest' },
			{ name: 'aiopsPrometheusApi', required: false },
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'hidden',
				noDataExpression: true,
				default: 'workload',
			},
			...workload.description,
		],
	};

	methods = {
		credentialTest: { kubernetesConnectionTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return router.call(this);
	}
}
