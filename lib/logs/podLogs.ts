// Kubernetes pod logs as a line source: the pods of a namespace (label selector and/or
// workload), their containers, optionally the previous (crashed) container's log, each read
// with timestamps from where the scope's last run stopped. Every line carries a cursor
// (`pod/container`, its timestamp), so a run learns only what is new and a run that loses the
// compare-and-set race does not learn a line twice.
import { workloadFromPodName } from '../alerts';
import { InvalidInputError } from '../errors';
import type { KubeClient, KubeObject } from '../kube';
import { KubeApiError, listObjects, readPodLogs } from '../kube';
import type { ItemLines } from './batch';
import { defaultScope } from './batch';
import type { LogLine } from './scope';
import type { LogStateStore } from './store';

export interface PodLogRequest {
	namespace: string;
	/** e.g. `app=checkout,tier!=canary`; empty: every pod of the namespace */
	labelSelector?: string;
	/** only pods of this workload (from their owner, else their name) */
	workload?: string;
	/** only these containers; empty: every container of each pod */
	containers?: string[];
	/** also read the log of a container's previous (terminated) instance */
	previous?: boolean;
	/** at most this many lines per container and run (the newest) */
	tailLines?: number;
}

export interface PodContainer {
	namespace: string;
	pod: string;
	workload: string;
	container: string;
	/** the container has a terminated previous instance */
	restarted: boolean;
}

interface ContainerStatus {
	name?: string;
	restartCount?: number;
	lastState?: { terminated?: unknown };
}

/**
 * The workload a pod belongs to: its controller (for a ReplicaSet, the Deployment: the
 * ReplicaSet's name without the pod-template-hash), else what its name was generated from.
 */
export function podWorkload(pod: KubeObject): string {
	const owners = pod.metadata.ownerReferences as
		| { kind?: string; name?: string; controller?: boolean }[]
		| undefined;
	const owner = owners?.find((o) => o.controller !== false && o.name);
	if (!owner?.name) return workloadFromPodName(pod.metadata.name ?? '');
	const hash = (pod.metadata.labels as Record<string, string> | undefined)?.['pod-template-hash'];
	if (owner.kind === 'ReplicaSet' && hash && owner.name.endsWith(`-${hash}`)) {
		return owner.name.slice(0, -(hash.length + 1));
	}
	return owner.name;
}

/** The containers to read, pod by pod, in name order. */
export async function podContainers(
	client: KubeClient,
	req: PodLogRequest,
): Promise<PodContainer[]> {
	if (!req.namespace)
		throw new InvalidInputError('A namespace is required for pod logs', 'namespace');
	const { items } = await listObjects(client, 'v1', 'Pod', {
		namespace: req.namespace,
		labelSelector: req.labelSelector || undefined,
	});
	const wanted = new Set((req.containers ?? []).filter(Boolean));
	const out: PodContainer[] = [];
	for (const pod of [...items].sort((a, b) =>
		(a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''),
	)) {
		const workload = podWorkload(pod);
		if (req.workload && workload !== req.workload) continue;
		const spec = (pod as { spec?: { containers?: { name: string }[] } }).spec;
		const statuses = ((pod as { status?: { containerStatuses?: ContainerStatus[] } }).status
			?.containerStatuses ?? []) as ContainerStatus[];
		for (const c of spec?.containers ?? []) {
			if (wanted.size && !wanted.has(c.name)) continue;
			const status = statuses.find((s) => s.name === c.name);
			out.push({
				namespace: req.namespace,
				pod: pod.metadata.name ?? '',
				workload,
				container: c.name,
				restarted: (status?.restartCount ?? 0) > 0 || !!status?.lastState?.terminated,
			});
		}
	}
	return out;
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/**
 * A timestamp as a position that sorts as text: UTC, nine fraction digits
 * (`2026-01-15T10:23:45.120000000Z`); undefined if it is not RFC 3339.
 */
export function logPosition(timestamp: string): string | undefined {
	const m = RFC3339.exec(timestamp);
	if (!m) return undefined;
	const fraction = (m[2] ?? '').padEnd(9, '0');
	if (m[3] === 'Z') return `${m[1]}.${fraction}Z`;
	const ms = Date.parse(`${m[1]}${m[3]}`);
	if (Number.isNaN(ms)) return undefined;
	return `${new Date(ms).toISOString().slice(0, 19)}.${fraction}Z`;
}

/** A `timestamps=true` log line: its position, time (ms) and text. */
export function parseTimestamped(
	raw: string,
): { position: string; at: number; text: string } | undefined {
	const space = raw.indexOf(' ');
	const position = logPosition(space < 0 ? raw : raw.slice(0, space));
	if (!position) return undefined;
	return { position, at: Date.parse(position), text: space < 0 ? '' : raw.slice(space + 1) };
}

/** The cursor key of a container's log (the previous instance's log is its own). */
export function cursorKey(c: PodContainer, previous = false): string {
	return `${c.pod}/${c.container}${previous ? '#previous' : ''}`;
}

/**
 * A container's new lines: its log since the cursor (whole seconds; the cursor drops the
 * lines of that second already read), at most tailLines.
 */
export async function readContainerLines(
	client: KubeClient,
	c: PodContainer,
	cursors: Record<string, string>,
	req: PodLogRequest,
	previous = false,
): Promise<LogLine[]> {
	const key = cursorKey(c, previous);
	const cursor = cursors[key];
	let text: string;
	try {
		text = await readPodLogs(
			client,
			{ namespace: c.namespace, pod: c.pod },
			{
				container: c.container,
				previous,
				timestamps: true,
				tailLines: req.tailLines,
				sinceTime: cursor ? `${cursor.slice(0, 19)}Z` : undefined,
			},
		);
	} catch (error) {
		// a previous instance that is gone (or never was) has no log: nothing to read
		if (previous && error instanceof KubeApiError && error.code === 400) return [];
		throw error;
	}
	const lines: LogLine[] = [];
	for (const raw of text.split('\n')) {
		if (raw === '') continue;
		const parsed = parseTimestamped(raw);
		if (!parsed || parsed.text.trim() === '') continue;
		if (cursor && parsed.position <= cursor) continue;
		lines.push({
			text: parsed.text,
			at: parsed.at,
			namespace: c.namespace,
			workload: c.workload,
			pod: c.pod,
			container: c.container,
			cursor: { key, position: parsed.position },
		});
	}
	return lines;
}

/**
 * The new lines of every selected container, oldest first per container (a previous
 * instance's log before the current one's). `cursorsOf` gives the read positions of the scope
 * a container's lines go to.
 */
export async function readNewPodLines(
	client: KubeClient,
	req: PodLogRequest,
	scopeOf: (c: PodContainer) => string,
	cursorsOf: (scope: string) => Promise<Record<string, string>>,
): Promise<{ scope: string; lines: LogLine[] }[]> {
	const byScope = new Map<string, LogLine[]>();
	for (const c of await podContainers(client, req)) {
		const scope = scopeOf(c);
		const cursors = await cursorsOf(scope);
		const lines = byScope.get(scope) ?? [];
		if (req.previous && c.restarted)
			lines.push(...(await readContainerLines(client, c, cursors, req, true)));
		lines.push(...(await readContainerLines(client, c, cursors, req)));
		byScope.set(scope, lines);
	}
	return [...byScope].map(([scope, lines]) => ({ scope, lines }));
}

/** A pod log request of one input item; `scope` set: every line goes there. */
export interface PodLogItem extends PodLogRequest {
	scope?: string;
}

/**
 * The lines of each item's pods, by scope (namespace/workload unless the item names a
 * scope). With `fromCursors` each container is read from where its scope's last learning run
 * stopped; without, its tail is read (Match Only).
 */
export async function podLogItems(
	client: KubeClient,
	store: LogStateStore,
	items: (PodLogItem | Error)[],
	fromCursors: boolean,
): Promise<(ItemLines | Error)[]> {
	const cursors = new Map<string, Promise<Record<string, string>>>();
	const cursorsOf = (scope: string) => {
		if (!fromCursors) return Promise.resolve({});
		let c = cursors.get(scope);
		if (!c) cursors.set(scope, (c = store.load(scope).then((s) => s.state.cursors)));
		return c;
	};
	const out: (ItemLines | Error)[] = [];
	for (const item of items) {
		if (item instanceof Error) {
			out.push(item);
			continue;
		}
		try {
			out.push(
				await readNewPodLines(
					client,
					item,
					(c) => item.scope || defaultScope(c.namespace, c.workload),
					cursorsOf,
				),
			);
		} catch (error) {
			out.push(error as Error);
		}
	}
	return out;
}
