import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { router } from './actions/router';
import * as series from './actions/series/Series.resource';
import { sourceProperties } from './actions/source';

export class TrendPredict implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Trend Predict',
		name: 'trendPredict',
		icon: { light: 'file:../../icons/trend.svg', dark: 'file:../../icons/trend.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["source"]}}',
		description:
			"Linear trend, Holt-Winters smoothing and baselines computed exactly as Prometheus' predict_linear, deriv, holt_winters and *_over_time",
		defaults: { name: 'Trend Predict' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'aiopsPrometheusApi',
				required: true,
				displayOptions: { show: { source: ['prometheus'] } },
			},
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'hidden',
				noDataExpression: true,
				default: 'series',
			},
			...sourceProperties,
			...series.description,
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				displayOptions: { show: { source: ['prometheus'] } },
				options: [
					{
						displayName: 'Timeout (Seconds)',
						name: 'timeout',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: 30,
						description: 'How long to wait for Prometheus to answer',
					},
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return router.call(this);
	}
}
