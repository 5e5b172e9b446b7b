import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { analyzeBaseline, jsonNumber, parseQuantiles, namingItem } from '../../../../lib/trend';
import { mapItems } from '../../../shared/items';
import { commonOutput, noValueNote, seriesOfItem } from '../source';

export const description = updateDisplayOptions({ show: { operation: ['baseline'] } }, [
	{
		displayName: 'Sigma (K)',
		name: 'k',
		type: 'number',
		typeOptions: { minValue: 0, numberPrecision: 2 },
		default: 3,
		description:
			'The current value is an anomaly when it lies more than k standard deviations from the mean',
	},
	{
		displayName: 'Quantiles',
		name: 'quantiles',
		type: 'string',
		default: '0.5, 0.9, 0.99',
		description: 'Comma-separated q values for quantile_over_time; empty for none',
	},
	{
		displayName: 'By Hour of Day',
		name: 'byHourOfDay',
		type: 'boolean',
		default: false,
		description:
			'Whether to compare the current value only with samples from the same hour of day (use a range of several days, e.g. 7d)',
	},
	{
		displayName: 'Time Zone',
		name: 'timeZone',
		type: 'string',
		default: 'UTC',
		placeholder: 'Asia/Taipei',
		description: 'IANA time zone whose hours of day the buckets follow',
		displayOptions: { show: { byHourOfDay: [true] } },
	},
]);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return mapItems.call(this, async (item, i) =>
		namingItem(i, async () => {
			const k = this.getNodeParameter('k', i) as number;
			const quantiles = parseQuantiles(this.getNodeParameter('quantiles', i, '') as string);
			const byHour = this.getNodeParameter('byHourOfDay', i, false) as boolean;
			const timeZone = byHour ? (this.getNodeParameter('timeZone', i, 'UTC') as string) : undefined;
			const inputs = await seriesOfItem.call(this, item, i);
			return inputs.map((input) => {
				const baseline = analyzeBaseline(input.window, {
					k,
					quantiles,
					hourOfDay: timeZone === undefined ? undefined : { timeZone },
				});
				const out: IDataObject = {
					...commonOutput(input, 'baseline'),
					samples: baseline.samples,
					current: jsonNumber(baseline.current),
					mean: jsonNumber(baseline.mean),
					stddev: jsonNumber(baseline.stddev),
					quantiles: Object.fromEntries(
						baseline.quantiles.map(({ q, value }) => [String(q), jsonNumber(value)]),
					),
					deviation_sigma: jsonNumber(baseline.deviationSigma),
					anomaly: baseline.anomaly,
					k,
				};
				if (timeZone !== undefined) {
					out.hour = baseline.hour ?? null;
					out.time_zone = timeZone;
				}
				return { ...out, ...noValueNote(baseline.samples, 1) };
			});
		}),
	);
}
