import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { kubernetesConnectionTest } from '../shared/kubernetes';
import * as app from './actions/app/App.resource';
import { router } from './actions/router';

export class DeployApp implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Deploy App',
		name: 'deployApp',
		icon: {
			light: 'file:../../icons/kubernetes.svg',
			dark: 'file:../../icons/kubernetes.dark.svg',
		},
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description:
			"Applies an app's Kubernetes objects with server-side apply, waits for the rollout and reports each onboarding step",
		defaults: { name: 'Deploy App' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'aiopsKubernetesApi', required: false, testedBy: 'kubernetesConnectionTest' },
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'hidden',
				noDataExpression: true,
				options: [{ name: 'App', value: 'app' }],
				default: 'app',
			},
			...app.description,
		],
	};

	methods = {
		credentialTest: { kubernetesConnectionTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return router.call(this);
	}
}
