import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	analyzeLinearTrend,
	jsonNumber,
	type BreachDirection,
	namingItem,
} from '../../../../lib/trend';
import { mapItems } from '../../../shared/items';
import { commonOutput, noValueNote, seriesOfItem } from '../source';

export const description = updateDisplayOptions({ show: { operation: ['linearTrend'] } }, [
	{
		displayName: 'Horizon (Hours)',
		name: 'horizonHours',
		type: 'number',
		typeOptions: { minValue: 0, numberPrecision: 2 },
		default: 4,
		description:
			'How far ahead to predict: predicted is predict_linear(x[range], horizon × 3600), and will_breach looks this far',
	},
	{
		displayName: 'Threshold Direction',
		name: 'direction',
		type: 'options',
		options: [
			{ name: 'Rises to the Threshold', value: 'above' },
			{ name: 'Falls to the Threshold', value: 'below' },
			{ name: 'No Threshold', value: 'none' },
		],
		default: 'above',
		description: 'Which crossing counts as a breach',
	},
	{
		displayName: 'Threshold',
		name: 'threshold',
		type: 'number',
		typeOptions: { numberPrecision: 6 },
		default: 0,
		required: true,
		description: 'The level the metric must not reach, e.g. 0.85 for 85% CPU',
		displayOptions: { hide: { direction: ['none'] } },
	},
]);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return mapItems.call(this, async (item, i) =>
		namingItem(i, async () => {
			const horizonHours = this.getNodeParameter('horizonHours', i) as number;
			const direction = this.getNodeParameter('direction', i) as BreachDirection | 'none';
			const threshold =
				direction === 'none' ? undefined : (this.getNodeParameter('threshold', i) as number);
			const inputs = await seriesOfItem.call(this, item, i);
			return inputs.map((input) => {
				const trend = analyzeLinearTrend(input.window, {
					evalMs: input.evalMs ?? 0,
					horizonSec: horizonHours * 3600,
					threshold:
						threshold === undefined
							? undefined
							: { value: threshold, direction: direction as BreachDirection },
				});
				return {
					...commonOutput(input, 'linearTrend'),
					samples: trend.samples,
					current: jsonNumber(trend.current),
					slope_per_second: jsonNumber(trend.slopePerSecond),
					slope_per_hour: jsonNumber(trend.slopePerHour),
					value_now: jsonNumber(trend.fittedNow),
					predicted: jsonNumber(trend.predicted),
					horizon_hours: horizonHours,
					r_squared: jsonNumber(trend.rSquared),
					confidence: trend.confidence,
					threshold: threshold ?? null,
					direction: direction === 'none' ? null : direction,
					hours_to_threshold: trend.hoursToThreshold,
					breached_now: trend.breachedNow,
					will_breach: trend.willBreach,
					...noValueNote(trend.samples, 2),
				};
			});
		}),
	);
}
