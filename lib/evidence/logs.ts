// The tail of the failing containers' logs: the previous instance's when the container restarted
// (the one that crashed, not the one now starting), and what the lines say (lib/evidence/logSignals).
import type { KubeClient } from '../kube';
import { KubeApiError, readPodLogs } from '../kube';
import { logSignals } from './logSignals';
import type { ContainerEvidence, LogEvidence, PodEvidence } from './types';

const TAIL_LINES = 50;
const LIMIT_BYTES = 64 * 1024;
const MAX_CONTAINERS = 2;

/** The containers worth reading: not ready, those that restarted first; the alert's own first. */
export function failingContainers(pods: PodEvidence[], container?: string): ContainerEvidence[] {
	return pods
		.flatMap((p) => p.containers)
		.filter((c) => !c.ready && (c.restartCount > 0 || c.state !== 'running'))
		.filter((c) => c.reason !== 'ImagePullBackOff' && c.reason !== 'ErrImagePull' && c.reason !== 'CreateContainerConfigError')
		.sort(
			(a, b) =>
				Number(b.name === container) - Number(a.name === container) || b.restartCount - a.restartCount,
		)
		.slice(0, MAX_CONTAINERS);
}

export async function collectLogs(
	client: KubeClient,
	namespace: string,
	containers: ContainerEvidence[],
): Promise<LogEvidence[]> {
	const read = (c: ContainerEvidence, previous: boolean) =>
		readPodLogs(
			client,
			{ namespace, pod: c.pod },
			{ container: c.name, previous, tailLines: TAIL_LINES, limitBytes: LIMIT_BYTES },
		);
	return Promise.all(
		containers.map(async (c): Promise<LogEvidence> => {
			let previous = c.restartCount > 0;
			let text: string;
			try {
				text = await read(c, previous);
			} catch (error) {
				// the kubelet keeps one previous instance's log, and not always: then the current one
				if (!previous || !(error instanceof KubeApiError) || error.code !== 400) throw error;
				previous = false;
				text = await read(c, false);
			}
			const tail = text.split('\n').filter((l) => l.trim() !== '').slice(-TAIL_LINES);
			return { pod: c.pod, container: c.name, previous, tail, signals: logSignals(tail) };
		}),
	);
}
