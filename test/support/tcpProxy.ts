// A TCP proxy between a client and Redis/Postgres that a test can cut: at once, or after a
// number of bytes in either direction (mid-batch). Listens on 127.0.0.1, port 0.
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface CutPlan {
	/** Cut every connection once this many bytes went from the client to the server. */
	afterClientBytes?: number;
	/** Cut every connection once this many bytes came back from the server. */
	afterServerBytes?: number;
}

export class TcpProxy {
	readonly port: number;
	private sockets = new Set<Socket>();
	private plan: CutPlan = {};
	private toServer = 0;
	private toClient = 0;
	/** How many times the proxy cut the connections. */
	cuts = 0;

	private constructor(
		private readonly server: Server,
		port: number,
	) {
		this.port = port;
	}

	static async start(targetHost: string, targetPort: number): Promise<TcpProxy> {
		let proxy: TcpProxy | undefined;
		const server = createServer((client) => proxy!.accept(client, targetHost, targetPort));
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		proxy = new TcpProxy(server, (server.address() as { port: number }).port);
		return proxy;
	}

	/** Arms a cut; byte counts start from now. */
	cutWhen(plan: CutPlan): void {
		this.plan = plan;
		this.toServer = 0;
		this.toClient = 0;
	}

	/** Destroys every open connection now (new connections are still accepted). */
	cut(): void {
		this.cuts++;
		this.plan = {};
		for (const s of this.sockets) s.destroy();
		this.sockets.clear();
	}

	get bytes() {
		return { toServer: this.toServer, toClient: this.toClient };
	}

	private accept(client: Socket, host: string, port: number): void {
		const upstream = createConnection({ host, port });
		this.sockets.add(client);
		this.sockets.add(upstream);
		const drop = () => {
			client.destroy();
			upstream.destroy();
			this.sockets.delete(client);
			this.sockets.delete(upstream);
		};
		client.on('error', drop);
		upstream.on('error', drop);
		client.on('close', drop);
		upstream.on('close', drop);
		client.on('data', (chunk: Buffer) => {
			const limit = this.plan.afterClientBytes;
			if (limit !== undefined && this.toServer + chunk.length >= limit) {
				// forward exactly up to the limit, then cut: the server sees half a batch
				upstream.write(chunk.subarray(0, Math.max(0, limit - this.toServer)), () => this.cut());
				this.toServer = limit;
				return;
			}
			this.toServer += chunk.length;
			upstream.write(chunk);
		});
		upstream.on('data', (chunk: Buffer) => {
			const limit = this.plan.afterServerBytes;
			if (limit !== undefined && this.toClient + chunk.length >= limit) {
				client.write(chunk.subarray(0, Math.max(0, limit - this.toClient)), () => this.cut());
				this.toClient = limit;
				return;
			}
			this.toClient += chunk.length;
			client.write(chunk);
		});
	}

	async close(): Promise<void> {
		this.cut();
		await new Promise((r) => this.server.close(r));
	}
}
