// The HTTP the channel senders need, behind a function type: the node passes n8n's own request
// helper (proxy settings, SSRF rules of the instance), tests and credential checks use fetch.

export interface HttpRequest {
	method: 'GET' | 'POST';
	url: string;
	headers: Record<string, string>;
	/** sent exactly as given (the webhook signature covers these bytes) */
	body?: string;
	timeoutMs: number;
}

export interface HttpResponse {
	status: number;
	/** lower-case names */
	headers: Record<string, string>;
	body: string;
}

export type HttpTransport = (request: HttpRequest) => Promise<HttpResponse>;

/** A transport on the platform's fetch. */
export const fetchTransport: HttpTransport = async (request) => {
	const response = await fetch(request.url, {
		method: request.method,
		headers: request.headers,
		body: request.body,
		signal: AbortSignal.timeout(request.timeoutMs),
		redirect: 'manual',
	});
	const headers: Record<string, string> = {};
	response.headers.forEach((value, name) => (headers[name.toLowerCase()] = value));
	return { status: response.status, headers, body: await response.text() };
};

/** The body as JSON, or undefined when it is not JSON. */
export function jsonBody(response: HttpResponse): Record<string, unknown> | undefined {
	try {
		const value = JSON.parse(response.body) as unknown;
		return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
	} catch {
		return undefined;
	}
}

/** Retry-After in milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(response: HttpResponse, now = Date.now()): number | undefined {
	const value = response.headers['retry-after']?.trim();
	if (!value) return undefined;
	if (/^\d+$/.test(value)) return Number(value) * 1000;
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** A short excerpt of a response body for error messages. */
export function bodyExcerpt(body: string, max = 300): string {
	const flat = body.replace(/\s+/g, ' ').trim();
	return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
