import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as app from './actions/app/App.resource';
import { router } from './actions/router';

export class RenderManifests implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Render Manifests',
		name: 'renderManifests',
		icon: { light: 'file:../../icons/manifests.svg', dark: 'file:../../icons/manifests.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{$parameter["operation"] + ": " + ($parameter["specSource"] === "item" ? "spec from item" : $parameter["name"])}}',
		description:
			'Turns an app spec into Kubernetes objects (namespace, deployment, ingress, TLS, network policy, monitoring), a Grafana dashboard and a remediation policy',
		defaults: { name: 'Render Manifests' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'App', value: 'app' }],
				default: 'app',
			},
			...app.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
