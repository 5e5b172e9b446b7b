import type { INodeProperties } from 'n8n-workflow';

import * as baseline from './baseline.operation';
import * as linearTrend from './linearTrend.operation';
import * as smoothing from './smoothing.operation';

export { baseline, linearTrend, smoothing };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['series'] } },
		options: [
			{
				name: 'Baseline',
				value: 'baseline',
				description:
					'Mean, standard deviation and quantiles of the window (avg/stddev/quantile_over_time), the current value in sigma, anomaly above k sigma',
				action: 'Compare a series with its baseline',
			},
			{
				name: 'Linear Trend',
				value: 'linearTrend',
				description:
					'Least squares as deriv and predict_linear: slope, value at a horizon, R², hours until a threshold',
				action: 'Predict a series linearly',
			},
			{
				name: 'Smoothing',
				value: 'smoothing',
				description: 'Double exponential smoothing as holt_winters',
				action: 'Smooth a series with holt winters',
			},
		],
		default: 'linearTrend',
	},
	...linearTrend.description,
	...smoothing.description,
	...baseline.description,
];
