// A local HTTP endpoint that records what a workflow sends it (the "echo" end of e2e workflows).
import { createServer, type IncomingMessage } from 'node:http';

export interface Received {
	method: string;
	url: string;
	headers: IncomingMessage['headers'];
	body: unknown;
}

export async function startReceiver() {
	const received: Received[] = [];
	const waiters: Array<() => void> = [];
	const server = createServer((req, res) => {
		let data = '';
		req.on('data', (c) => (data += c));
		req.on('end', () => {
			let body: unknown = data;
			try {
				body = JSON.parse(data);
			} catch {
				/* keep the text */
			}
			received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
			res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
			waiters.splice(0).forEach((w) => w());
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const { port } = server.address() as { port: number };
	return {
		url: `http://127.0.0.1:${port}`,
		received,
		/** resolves once `count` requests have arrived (or rejects after timeoutMs) */
		async waitFor(count: number, timeoutMs = 60_000) {
			const deadline = Date.now() + timeoutMs;
			while (received.length < count) {
				if (Date.now() > deadline)
					throw new Error(`receiver got ${received.length} of ${count} requests`);
				await new Promise<void>((r) => {
					waiters.push(r);
					setTimeout(r, 500);
				});
			}
			return received;
		},
		close: () => new Promise<void>((r) => server.close(() => r())),
	};
}
