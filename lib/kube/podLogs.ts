// Reading a container's log (GET pods/<name>/log), with the kubelet's options: the previous
// (crashed) container, since a time or a number of seconds, the last N lines, timestamps.
import { InvalidInputError } from '../errors';
import type { KubeClient } from './client';
import { withRetry } from './retry';

export interface PodLogOptions {
	container?: string;
	previous?: boolean;
	/** RFC 3339; only lines at or after it */
	sinceTime?: string;
	sinceSeconds?: number;
	tailLines?: number;
	timestamps?: boolean;
	limitBytes?: number;
}

export async function readPodLogs(
	client: KubeClient,
	ref: { namespace: string; pod: string },
	opts: PodLogOptions = {},
): Promise<string> {
	if (opts.sinceTime && opts.sinceSeconds) {
		throw new InvalidInputError(
			'at most one of sinceTime or sinceSeconds may be specified',
			'sinceTime',
		);
	}
	if (opts.sinceTime && Number.isNaN(Date.parse(opts.sinceTime))) {
		throw new InvalidInputError(
			`sinceTime "${opts.sinceTime}" is not an RFC 3339 time`,
			'sinceTime',
		);
	}
	return withRetry(() =>
		client.request<string>({
			method: 'GET',
			path: `/api/v1/namespaces/${encodeURIComponent(ref.namespace)}/pods/${encodeURIComponent(ref.pod)}/log`,
			query: {
				container: opts.container,
				previous: opts.previous ? 'true' : undefined,
				sinceTime: opts.sinceTime,
				sinceSeconds: opts.sinceSeconds,
				tailLines: opts.tailLines,
				timestamps: opts.timestamps ? 'true' : undefined,
				limitBytes: opts.limitBytes,
			},
			text: true,
			target: { verb: 'get', resource: 'pods/log', namespace: ref.namespace, name: ref.pod },
		}),
	);
}
