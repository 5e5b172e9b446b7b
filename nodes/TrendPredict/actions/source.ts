// Where the series come from: a Prometheus range query (through the Prometheus credential) or
// the items themselves. Both end as windows the lib/trend analyses take, one per series, each
// with the fields its output item starts from and the evaluation time.
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { InvalidInputError } from '../../../lib/errors';
import {
	parsePromDuration,
	parsePromTime,
	selectWindow,
	seriesFromJson,
	type PrometheusClient,
	type TimestampUnit,
	type Window,
} from '../../../lib/trend';
import { prometheusClientOf } from '../../shared/prometheus';

export const sourceProperties: INodeProperties[] = [
	{
		displayName: 'Source',
		name: 'source',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Prometheus Range Query',
				value: 'prometheus',
				description: 'Run a range query; one output item per returned series, labels kept',
			},
			{
				name: 'Series in Items',
				value: 'items',
				description: 'Each item carries one series as [timestamp, value] pairs or {t, v} objects',
			},
		],
		default: 'prometheus',
	},
	{
		displayName: 'Query',
		name: 'query',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		required: true,
		placeholder:
			'sum(rate(http_requests_total{status=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))',
		description: 'PromQL expression evaluated over the range',
		displayOptions: { show: { source: ['prometheus'] } },
	},
	{
		displayName: 'Range',
		name: 'range',
		type: 'string',
		default: '1h',
		required: true,
		placeholder: '1h',
		description:
			'How far back from the evaluation time, as in x[1h]: a Prometheus duration (30m, 6h, 7d) or seconds',
		displayOptions: { show: { source: ['prometheus'] } },
	},
	{
		displayName: 'Step',
		name: 'step',
		type: 'string',
		default: '1m',
		required: true,
		placeholder: '1m',
		description: 'Resolution of the range query: a Prometheus duration or seconds',
		displayOptions: { show: { source: ['prometheus'] } },
	},
	{
		displayName: 'Series Field',
		name: 'seriesField',
		type: 'string',
		default: 'values',
		required: true,
		description:
			'Item field holding the samples: [[timestamp, value], …] (the shape of a Prometheus API matrix) or [{t, v}, …]',
		displayOptions: { show: { source: ['items'] } },
	},
	{
		displayName: 'Labels Field',
		name: 'labelsField',
		type: 'string',
		default: 'metric',
		description: 'Item field holding the series labels, copied to the output as metric',
		displayOptions: { show: { source: ['items'] } },
	},
	{
		displayName: 'Timestamp Unit',
		name: 'timestampUnit',
		type: 'options',
		options: [
			{ name: 'Seconds (Prometheus API)', value: 'seconds' },
			{ name: 'Milliseconds', value: 'milliseconds' },
		],
		default: 'seconds',
		description: 'Unit of numeric timestamps; RFC 3339 strings are read as they are',
		displayOptions: { show: { source: ['items'] } },
	},
	{
		displayName: 'Window',
		name: 'window',
		type: 'string',
		default: '',
		placeholder: '1h',
		description:
			'Only samples this far back from the evaluation time, as in x[1h]; empty means every sample up to the evaluation time',
		displayOptions: { show: { source: ['items'] } },
	},
	{
		displayName: 'Evaluation Time',
		name: 'evaluationTime',
		type: 'string',
		default: '',
		placeholder: '2026-04-15T08:00:00Z or 1776240000',
		description:
			'The time the analysis is evaluated at, as a Prometheus query time: RFC 3339 or Unix seconds. Empty means now for a Prometheus query and the last sample for series in items.',
	},
];

/** One series to analyse: the fields its output item starts from and its window. */
export interface SeriesInput {
	base: IDataObject;
	/** undefined when a series from items has no sample to default to */
	evalMs: number | undefined;
	window: Window;
}

const EMPTY_WINDOW: Window = { t: new Float64Array(0), v: new Float64Array(0), lo: 0, hi: 0 };

function evaluationTime(this: IExecuteFunctions, itemIndex: number): number | undefined {
	const raw = this.getNodeParameter('evaluationTime', itemIndex, '') as string | number;
	if (raw === '' || raw === null || raw === undefined) return undefined;
	return parsePromTime(raw, 'evaluationTime');
}

function prometheus(this: IExecuteFunctions): Promise<PrometheusClient> {
	const timeoutSeconds = this.getNodeParameter('options.timeout', 0, 30) as number;
	return prometheusClientOf.call(this, timeoutSeconds * 1000);
}

async function fromPrometheus(this: IExecuteFunctions, itemIndex: number): Promise<SeriesInput[]> {
	const query = String(this.getNodeParameter('query', itemIndex, '')).trim();
	if (query === '') throw new InvalidInputError('Query is empty', 'query');
	const rangeMs = parsePromDuration(this.getNodeParameter('range', itemIndex) as string, 'range');
	const stepMs = parsePromDuration(this.getNodeParameter('step', itemIndex) as string, 'step');
	const evalMs = evaluationTime.call(this, itemIndex) ?? Date.now();
	const client = await prometheus.call(this);
	const { series, warnings } = await client.queryRange(query, evalMs - rangeMs, evalMs, stepMs);
	return series.map(({ metric, series: s }) => {
		const base: IDataObject = { metric };
		if (warnings.length) base.warnings = warnings;
		return { base, evalMs, window: selectWindow(s, evalMs, rangeMs) };
	});
}

function fromItem(
	this: IExecuteFunctions,
	item: INodeExecutionData,
	itemIndex: number,
): SeriesInput[] {
	const seriesField = this.getNodeParameter('seriesField', itemIndex) as string;
	const labelsField = this.getNodeParameter('labelsField', itemIndex, '') as string;
	const unit = this.getNodeParameter('timestampUnit', itemIndex) as TimestampUnit;
	const windowText = String(this.getNodeParameter('window', itemIndex, '')).trim();
	const rangeMs = windowText === '' ? undefined : parsePromDuration(windowText, 'window');
	const series = seriesFromJson(item.json[seriesField], seriesField, unit);
	const labels = labelsField ? item.json[labelsField] : undefined;
	const base: IDataObject = {
		...item.json,
		metric: labels && typeof labels === 'object' ? labels : {},
	};
	delete base[seriesField]; // the samples themselves stay behind: they can be large
	const n = series.t.length;
	const evalMs = evaluationTime.call(this, itemIndex) ?? (n > 0 ? series.t[n - 1] : undefined);
	const window = evalMs === undefined ? EMPTY_WINDOW : selectWindow(series, evalMs, rangeMs);
	return [{ base, evalMs, window }];
}

/** The series of one input item, whichever the source. */
export async function seriesOfItem(
	this: IExecuteFunctions,
	item: INodeExecutionData,
	itemIndex: number,
): Promise<SeriesInput[]> {
	const source = this.getNodeParameter('source', 0) as string;
	return source === 'prometheus'
		? fromPrometheus.call(this, itemIndex)
		: fromItem.call(this, item, itemIndex);
}

/** Fields every output item has, whatever the operation. */
export function commonOutput(input: SeriesInput, operation: string): IDataObject {
	return {
		...input.base,
		operation,
		evaluation_time: input.evalMs === undefined ? null : new Date(input.evalMs).toISOString(),
	};
}

/** Where Prometheus would output nothing, say why instead of leaving bare nulls. */
export function noValueNote(samples: number, needed: number): IDataObject {
	if (samples >= needed) return {};
	return {
		note:
			samples === 0
				? 'No samples in the window: Prometheus returns no value here'
				: `${samples} sample in the window, ${needed} needed: Prometheus returns no value here`,
	};
}
