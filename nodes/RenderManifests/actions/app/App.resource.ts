import type { INodeProperties } from 'n8n-workflow';

import * as render from './render.operation';
import * as validate from './validate.operation';

export { render, validate };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['app'] } },
		options: [
			{
				name: 'Render',
				value: 'render',
				description: "Render the app's Kubernetes objects, YAML, dashboard and policy",
				action: 'Render manifests for an app',
			},
			{
				name: 'Validate',
				value: 'validate',
				description: 'Check an app spec and complete it with its defaults',
				action: 'Validate an app spec',
			},
		],
		default: 'render',
	},
	...render.description,
	...validate.description,
];
