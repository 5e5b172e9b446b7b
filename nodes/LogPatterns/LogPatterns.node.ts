import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { kubernetesConnectionTest } from '../shared/kubernetes';
import { storeCredentials, storeCredentialTests, storeParameter } from '../shared/store';
import { optionsProperty } from './actions/properties';
import * as logPattern from './actions/logPattern/LogPattern.resource';
import { router } from './actions/router';

export class LogPatterns implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Log Patterns',
		name: 'logPatterns',
		icon: {
			light: 'file:../../icons/logpatterns.svg',
			dark: 'file:../../icons/logpatterns.dark.svg',
		},
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description:
			'Learns the templates of log lines online and flags new templates after a warm-up and bursts of known ones',
		defaults: { name: 'Log Patterns' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: storeCredentials([
			{
				name: 'aiopsKubernetesApi',
				required: true,
				testedBy: 'kubernetesConnectionTest',
				displayOptions: { show: { source: ['kubernetes'] } },
			},
		]),
		properties: [
			storeParameter(['embedded', 'postgres', 'redis']),
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Log Pattern', value: 'logPattern' }],
				default: 'logPattern',
			},
			...logPattern.description,
			optionsProperty,
		],
	};

	methods = { credentialTest: { ...storeCredentialTests, kubernetesConnectionTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return router.call(this);
	}
}
