import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	analyzeSmoothing,
	checkHoltWintersFactors,
	jsonNumber,
	namingItem,
} from '../../../../lib/trend';
import { mapItems } from '../../../shared/items';
import { commonOutput, noValueNote, seriesOfItem } from '../source';

export const description = updateDisplayOptions({ show: { operation: ['smoothing'] } }, [
	{
		displayName: 'Smoothing Factor',
		name: 'smoothingFactor',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 4 },
		default: 0.3,
		description:
			'Sf of holt_winters, strictly between 0 and 1: lower values give old samples more weight',
	},
	{
		displayName: 'Trend Factor',
		name: 'trendFactor',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 4 },
		default: 0.1,
		description: 'Tf of holt_winters, strictly between 0 and 1: higher values follow trends faster',
	},
]);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return mapItems.call(this, async (item, i) =>
		namingItem(i, async () => {
			const sf = this.getNodeParameter('smoothingFactor', i) as number;
			const tf = this.getNodeParameter('trendFactor', i) as number;
			// Prometheus checks the factors only where a window has samples; a node checks them always
			checkHoltWintersFactors(sf, tf);
			const inputs = await seriesOfItem.call(this, item, i);
			return inputs.map((input) => {
				const smoothing = analyzeSmoothing(input.window, sf, tf);
				return {
					...commonOutput(input, 'smoothing'),
					samples: smoothing.samples,
					current: jsonNumber(smoothing.current),
					smoothed: jsonNumber(smoothing.smoothed),
					smoothing_factor: sf,
					trend_factor: tf,
					...noValueNote(smoothing.samples, 2),
				};
			});
		}),
	);
}
