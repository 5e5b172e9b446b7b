// GET /version: what the credential test and Status report about the cluster.
import type { KubeClient } from './client';

export interface ServerVersion {
	major: string;
	minor: string;
	gitVersion: string;
	platform?: string;
}

export async function serverVersion(
	client: KubeClient,
	timeoutMs = 10_000,
): Promise<ServerVersion> {
	return client.request<ServerVersion>({
		method: 'GET',
		path: '/version',
		timeoutMs,
		target: { verb: 'get', resource: 'version' },
	});
}
