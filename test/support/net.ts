import { createServer } from 'node:net';

/** A local port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const port = (server.address() as { port: number }).port;
	await new Promise((r) => server.close(r));
	return port;
}

/** A free local port for a server the test starts (bound, released, then handed over). */
export const freePort = closedPort;
