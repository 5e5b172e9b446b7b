import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { METRICS_CONTENT_TYPE, renderMetrics } from '../../../../lib/overview';
import { aggregate, overview, overviewOptions } from '../common';

export const description: INodeProperties[] = [];

/** One item: `body` in Prometheus' text exposition format and its `contentType`. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const o = overviewOptions.call(this);
	return aggregate.call(this, async () => ({
		statusCode: 200,
		contentType: METRICS_CONTENT_TYPE,
		body: renderMetrics(await overview.call(this, o)),
	}));
}
