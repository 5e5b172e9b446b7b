import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { pageCsp, renderPage } from '../../../../lib/overview';
import { aggregate, overview, overviewOptions } from '../common';

export const description: INodeProperties[] = [
	{
		displayName: 'Format',
		name: 'format',
		type: 'options',
		options: [
			{ name: 'HTML Page', value: 'html', description: 'The status page' },
			{ name: 'JSON', value: 'json', description: 'The same figures as JSON, for other tools' },
		],
		default: 'html',
		description:
			'What the body holds; in the shipped workflow an expression picks JSON for ?format=JSON',
		displayOptions: { show: { resource: ['overview'], operation: ['statusPage'] } },
	},
];

/**
 * One item: `body` (the page or its JSON), `contentType` and `csp` for Respond to Webhook's
 * headers, and `overview` (the figures) for further nodes.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const format = String(this.getNodeParameter('format', 0, 'html')).toLowerCase();
	const o = overviewOptions.call(this);
	return aggregate.call(this, async () => {
		const figures = await overview.call(this, o);
		const json = format === 'json';
		return {
			statusCode: 200,
			contentType: json ? 'application/json; charset=utf-8' : 'text/html; charset=utf-8',
			csp: pageCsp(),
			body: json
				? JSON.stringify(figures)
				: renderPage(figures, { title: o.title, refreshSeconds: o.refreshSeconds }),
			overview: figures as unknown as Record<string, never>,
		};
	});
}
