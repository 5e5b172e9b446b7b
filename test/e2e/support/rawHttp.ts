// Raw HTTP for the intake's e2e tests: any method, headers and bytes as given (fetch would
// refuse or rewrite some), and a reset connection reported as such instead of thrown.
import { request } from 'node:http';

export interface RawResponse {
	status: number;
	body: string;
	json?: Record<string, unknown>;
	ms: number;
	/** set when the connection was reset or closed before a complete answer */
	error?: string;
}

export function sendRaw(
	url: string,
	options: { method?: string; headers?: Record<string, string | string[]>; body?: Buffer | string },
): Promise<RawResponse> {
	const started = performance.now();
	return new Promise((resolve) => {
		const req = request(
			url,
			{ method: options.method ?? 'POST', headers: options.headers, agent: false },
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('error', (e) =>
					resolve({ status: res.statusCode ?? 0, body: '', ms: 0, error: e.message }),
				);
				res.on('end', () => {
					const body = Buffer.concat(chunks).toString('utf8');
					let json: Record<string, unknown> | undefined;
					try {
						json = JSON.parse(body);
					} catch {
						json = undefined;
					}
					resolve({ status: res.statusCode ?? 0, body, json, ms: performance.now() - started });
				});
			},
		);
		req.on('error', (e) =>
			resolve({ status: 0, body: '', ms: performance.now() - started, error: e.message }),
		);
		if (options.body !== undefined) req.end(options.body);
		else req.end();
	});
}
