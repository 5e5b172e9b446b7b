// The one door to the API server: raw JSON requests through client-node's own request
// machinery (KubeConfig authentication and TLS agent, its fetch library), a timeout per
// request, and errors that name what was asked. Raw JSON rather than client-node's typed
// models on purpose: the typed serializer drops fields it does not know and turns
// timestamps into Dates, so applied objects, diffs and outputs would not be what the server
// holds.
import type { KubeConfig } from '@kubernetes/client-node';
import {
	HttpMethod,
	IsomorphicFetchHttpLibrary,
	RequestContext,
	Watch,
} from '@kubernetes/client-node';

import type { KubeConfigOptions, KubeCredential } from './config';
import { kubeConfigFrom } from './config';
import type { KubeStatus, RequestTarget } from './errors';
import { describeTarget, KubeApiError, KubeUnreachableError } from './errors';

export interface KubeRequest {
	method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
	path: string;
	query?: Record<string, string | number | boolean | undefined>;
	/** serialised as JSON unless already a string */
	body?: unknown;
	contentType?: string;
	/** answer as text (pod logs) instead of JSON */
	text?: boolean;
	target: RequestTarget;
	timeoutMs?: number;
}

export interface KubeClientOptions extends KubeConfigOptions {
	/** per-request timeout (default 30 s) */
	timeoutMs?: number;
}

export const USER_AGENT = 'n8n-nodes-aiops';

export class KubeClient {
	readonly server: string;
	private http = new IsomorphicFetchHttpLibrary();
	/** discovery answers per apiVersion, for kinds outside the built-in table */
	readonly discovery = new Map<string, Promise<unknown>>();

	constructor(
		readonly config: KubeConfig,
		private opts: KubeClientOptions = {},
	) {
		const cluster = config.getCurrentCluster();
		if (!cluster)
			throw new KubeUnreachableError('The Kubernetes configuration has no current cluster');
		this.server = cluster.server.replace(/\/+$/, '');
	}

	static fromCredential(cred: KubeCredential, opts: KubeClientOptions = {}): KubeClient {
		return new KubeClient(kubeConfigFrom(cred, opts), opts);
	}

	/** Sends a request; resolves with the parsed JSON (or text), rejects with a KubeApiError. */
	async request<T = unknown>(req: KubeRequest): Promise<T> {
		return (await this.requestWithStatus<T>(req)).body;
	}

	/** As request(), with the HTTP status (an apply answers 201 when it created the object). */
	async requestWithStatus<T = unknown>(req: KubeRequest): Promise<{ status: number; body: T }> {
		const ctx = new RequestContext(`${this.server}${req.path}`, req.method as HttpMethod);
		for (const [k, v] of Object.entries(req.query ?? {})) {
			if (v !== undefined) ctx.setQueryParam(k, String(v));
		}
		ctx.setHeaderParam('Accept', req.text ? 'text/plain, */*' : 'application/json, */*');
		ctx.setHeaderParam('User-Agent', USER_AGENT);
		if (req.body !== undefined) {
			ctx.setHeaderParam('Content-Type', req.contentType ?? 'application/json');
			ctx.setBody(typeof req.body === 'string' ? req.body : JSON.stringify(req.body));
		}
		await this.config.applySecurityAuthentication(ctx);
		const timeoutMs = req.timeoutMs ?? this.opts.timeoutMs ?? 30_000;
		let timer: NodeJS.Timeout | undefined;
		const timeout = new Promise<never>((_, reject) => {
			timer = setTimeout(() => {
				// the agent belongs to this request alone: destroying it aborts the socket
				ctx.getAgent()?.destroy();
				reject(
					new KubeUnreachableError(
						`No answer from the Kubernetes API at ${this.server} within ${timeoutMs} ms (${describeTarget(req.target)})`,
					),
				);
			}, timeoutMs);
		});
		let status: number;
		let text: string;
		try {
			const response = await Promise.race([this.http.send(ctx).toPromise(), timeout]);
			status = response.httpStatusCode;
			text = await Promise.race([response.body.text(), timeout]);
		} catch (error) {
			if (error instanceof KubeUnreachableError) throw error;
			throw new KubeUnreachableError(
				`Kubernetes API at ${this.server} unreachable (${describeTarget(req.target)}): ${(error as Error).message}`,
				error,
			);
		} finally {
			clearTimeout(timer);
			ctx.getAgent()?.destroy();
		}
		if (status >= 400) throw new KubeApiError(req.target, status, parseStatus(text), text);
		if (req.text) return { status, body: text as T };
		try {
			return { status, body: (text ? JSON.parse(text) : undefined) as T };
		} catch {
			throw new KubeUnreachableError(
				`Kubernetes API at ${this.server} answered ${describeTarget(req.target)} with non-JSON text`,
			);
		}
	}

	/**
	 * Watches a collection (client-node's Watch): calls onEvent for each event until the
	 * returned stop() is called, the server ends the watch (onEnd(undefined)) or it fails.
	 */
	async watch(
		path: string,
		query: Record<string, string | number | undefined>,
		target: RequestTarget,
		onEvent: (type: string, object: Record<string, unknown>) => void,
		onEnd: (error?: Error) => void,
	): Promise<() => void> {
		const watch = new Watch(this.config);
		const controller = await watch.watch(path, query, onEvent, (err: unknown) => {
			if (!err || (err as Error).name === 'AbortError') return onEnd();
			const code = (err as { statusCode?: number }).statusCode;
			onEnd(
				code
					? new KubeApiError(target, code, undefined, (err as Error).message)
					: new KubeUnreachableError(
							`Watch of ${describeTarget(target)} failed: ${(err as Error).message}`,
							err,
						),
			);
		});
		return () => controller.abort();
	}
}

function parseStatus(text: string): KubeStatus | undefined {
	try {
		const body = JSON.parse(text);
		return body && typeof body === 'object' && body.kind === 'Status'
			? (body as KubeStatus)
			: undefined;
	} catch {
		return undefined;
	}
}
