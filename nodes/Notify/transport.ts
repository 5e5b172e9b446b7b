// lib/notify talks HTTP through a function it is given. Here that function is n8n's own request
// helper, so the instance's proxy and SSRF settings apply to notifications as to any node.
// Every status comes back as a response (lib decides what a 429 or a 500 means).
import type { IExecuteFunctions, IHttpRequestMethods } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { channelContext, type ChannelContext, type HttpTransport } from '../../lib/notify';

interface FullResponse {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: unknown;
}

export function n8nTransport(this: IExecuteFunctions): HttpTransport {
	return async (request) => {
		const response = (await this.helpers.httpRequest({
			method: request.method as IHttpRequestMethods,
			url: request.url,
			headers: request.headers,
			body: request.body,
			timeout: request.timeoutMs,
			json: false,
			encoding: 'text',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		})) as FullResponse;
		const headers: Record<string, string> = {};
		for (const [name, value] of Object.entries(response.headers ?? {})) {
			if (value !== undefined)
				headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
		}
		const body = response.body;
		return {
			status: response.statusCode,
			headers,
			body: typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body),
		};
	};
}

export interface DeliveryOptions {
	maxAttempts?: number;
	maxRetryWaitSeconds?: number;
	requestTimeoutSeconds?: number;
}

/** The sender context for this execution: n8n's HTTP, n8n's sleep, the node's retry options. */
export function notifyContext(this: IExecuteFunctions, options: DeliveryOptions): ChannelContext {
	const base = channelContext();
	return channelContext({
		http: n8nTransport.call(this),
		sleep: (ms) => sleep(ms),
		timeoutMs: (options.requestTimeoutSeconds ?? 15) * 1000,
		retry: {
			...base.retry,
			maxAttempts: Math.max(1, options.maxAttempts ?? base.retry.maxAttempts),
			maxRetryAfterMs: (options.maxRetryWaitSeconds ?? 60) * 1000,
		},
	});
}
