import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { METRICS_CONTENT_TYPE, pageCsp, renderMetrics, renderPage } from '../../../../lib/overview';
import { InvalidInputError } from '../../../../lib/errors';
import { aggregate, overview, overviewOptions } from '../common';

export const description: INodeProperties[] = [
	{
		displayName: 'Format',
		name: 'format',
		type: 'options',
		options: [
			{ name: 'HTML Page', value: 'html', description: 'The status page' },
			{ name: 'JSON', value: 'json', description: 'The same figures as JSON, for other tools' },
			{
				name: 'Prometheus Metrics',
				value: 'metrics',
				description: 'The figures in Prometheus text exposition format, for a scrape',
			},
		],
		default: 'html',
		description:
			'What the body holds; in the shipped workflow an expression picks it from the request (?format=JSON, the metrics path)',
		displayOptions: { show: { resource: ['overview'], operation: ['statusPage'] } },
	},
];

/**
 * One item: `body` (the page, its JSON or the metrics), with `statusCode`, `contentType` and
 * `csp` for Respond to Webhook's headers.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const format = String(this.getNodeParameter('format', 0, 'html')).toLowerCase();
	const o = overviewOptions.call(this);
	return aggregate.call(this, async () => {
		const figures = await overview.call(this, o);
		if (format === 'metrics')
			return {
				statusCode: 200,
				contentType: METRICS_CONTENT_TYPE,
				csp: pageCsp(),
				body: renderMetrics(figures),
			};
		if (format === 'json')
			return {
				statusCode: 200,
				contentType: 'application/json; charset=utf-8',
				csp: pageCsp(),
				body: JSON.stringify(figures),
			};
		if (format !== 'html')
			throw new InvalidInputError(
				`Format must be html, json or metrics, got ${JSON.stringify(format)}`,
				'format',
			);
		return {
			statusCode: 200,
			contentType: 'text/html; charset=utf-8',
			csp: pageCsp(),
			body: renderPage(figures, { title: o.title, refreshSeconds: o.refreshSeconds }),
		};
	});
}
