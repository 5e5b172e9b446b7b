import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { NodeConnectionTypes } from 'n8n-workflow';

import { kubernetesConnectionTest } from '../shared/kubernetes';
import { storeCredentialTests, storeParameter } from '../shared/store';
import * as overview from './actions/overview/Overview.resource';
import { optionsProperty } from './actions/properties';
import { router } from './actions/router';

export class AiopsOverview implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'AIOps Overview',
		name: 'aiopsOverview',
		icon: {
			light: 'file:../../icons/overview.svg',
			dark: 'file:../../icons/overview.dark.svg',
		},
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description:
			'A status page and Prometheus metrics of the AIOps loop: incidents, occurrences, repairs, approvals, predictions, log patterns, service health, executions and data sources',
		defaults: { name: 'AIOps Overview' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'aiopsPostgresApi',
				required: true,
				testedBy: 'aiopsPostgresConnectionTest',
				displayOptions: { show: { store: ['postgres'] } },
			},
			{
				name: 'aiopsPrometheusApi',
				required: false,
				displayOptions: { show: { operation: ['statusPage'] } },
			},
			{
				name: 'aiopsKubernetesApi',
				required: false,
				testedBy: 'kubernetesConnectionTest',
				displayOptions: { show: { operation: ['statusPage'] } },
			},
			{
				name: 'aiopsRedisApi',
				required: false,
				testedBy: 'aiopsRedisConnectionTest',
				displayOptions: { show: { operation: ['statusPage'] } },
			},
		],
		properties: [
			storeParameter(['embedded', 'postgres']),
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Overview', value: 'overview' }],
				default: 'overview',
			},
			...overview.description,
			optionsProperty,
		],
	};

	methods = { credentialTest: { ...storeCredentialTests, kubernetesConnectionTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return router.call(this);
	}
}
