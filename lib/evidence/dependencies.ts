// The Services a workload depends on, found where it names them (its env values and the
// endpoints its logs fail to reach), and whether each has ready endpoints: "the database is
// down" is a Service with none.
import type { KubeClient } from '../kube';
import { getObject, listObjects } from '../kube';
import { hostOf } from './logSignals';
import type { DependencyEvidence, LogSignal } from './types';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v !== null && typeof v === 'object' ? (v as Json) : {});
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.map(obj) : []);

const MAX_DEPENDENCIES = 10;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

export interface NamedHost {
	host: string;
	namedIn: string;
}

/** Hosts in env values: URLs (`postgres://u:p@db:5432/x`), `host:port`, and *_HOST/*_ADDR values. */
export function hostsInEnv(env: { name: string; value: string }[]): NamedHost[] {
	const out: NamedHost[] = [];
	for (const { name, value } of env) {
		const namedIn = `env ${name}`;
		for (const m of value.matchAll(/[a-z][a-z0-9+.-]*:\/\/(?:[^@/\s]*@)?(\[[^\]]+\]|[^:/?#\s,]+)/gi)) {
			out.push({ host: m[1].replace(/^\[|\]$/g, ''), namedIn });
		}
		if (!value.includes('://')) {
			for (const m of value.matchAll(/(?:^|[\s,])([a-z0-9](?:[a-z0-9.-]*[a-z0-9])?):\d{1,5}(?=$|[\s,/])/gi)) {
				out.push({ host: m[1], namedIn });
			}
			if (/(?:HOST|ADDR|ADDRESS|SERVER)$/i.test(name) && /^[a-z0-9.-]+$/i.test(value)) out.push({ host: value, namedIn });
		}
	}
	return out;
}

export function hostsInLogs(signals: LogSignal[]): NamedHost[] {
	return signals
		.filter((s) => s.endpoint)
		.map((s) => ({ host: hostOf(s.endpoint as string), namedIn: 'log' }));
}

/**
 * The in-cluster Service a host names, as cluster DNS resolves it from the workload's namespace:
 * `db`, `db.data`, `db.data.svc`, `db.data.svc.cluster.local`; undefined for external names.
 */
export function serviceOfHost(host: string, namespace: string): { name: string; namespace: string } | undefined {
	const h = host.toLowerCase().replace(/\.$/, '');
	if (IPV4.test(h) || h.includes(':') || h === 'localhost') return undefined;
	const parts = h.split('.');
	if (parts.length === 1) return { name: parts[0], namespace };
	if (parts.length === 2) return { name: parts[0], namespace: parts[1] };
	if (parts[2] === 'svc') return { name: parts[0], namespace: parts[1] };
	return undefined;
}

export async function checkDependencies(
	client: KubeClient,
	namespace: string,
	named: NamedHost[],
): Promise<DependencyEvidence[]> {
	const byService = new Map<string, DependencyEvidence>();
	let servicesByIp: Map<string, string> | undefined;
	for (const { host, namedIn } of named) {
		let ref = serviceOfHost(host, namespace);
		if (!ref && IPV4.test(host)) {
			servicesByIp ??= await clusterIps(client, namespace);
			const name = servicesByIp.get(host);
			if (name) ref = { name, namespace };
		}
		if (!ref) continue;
		const key = `${ref.namespace}/${ref.name}`;
		const known = byService.get(key);
		if (known) {
			if (!known.namedIn.includes(namedIn)) known.namedIn.push(namedIn);
			continue;
		}
		if (byService.size >= MAX_DEPENDENCIES) continue;
		byService.set(key, {
			service: ref.name,
			namespace: ref.namespace,
			exists: false,
			readyEndpoints: 0,
			notReadyEndpoints: 0,
			namedIn: [namedIn],
		});
	}
	await Promise.all(
		[...byService.values()].map(async (dep) => {
			const svc = await getObject(client, { apiVersion: 'v1', kind: 'Service', namespace: dep.namespace, name: dep.service });
			if (!svc) return;
			dep.exists = true;
			const ep = await getObject(client, { apiVersion: 'v1', kind: 'Endpoints', namespace: dep.namespace, name: dep.service });
			for (const subset of list(ep?.subsets)) {
				dep.readyEndpoints += list(subset.addresses).length;
				dep.notReadyEndpoints += list(subset.notReadyAddresses).length;
			}
		}),
	);
	// a dependency that does not live in the cluster under that name says nothing: keep only Services
	return [...byService.values()].filter((d) => d.exists || d.namedIn.includes('log'));
}

async function clusterIps(client: KubeClient, namespace: string): Promise<Map<string, string>> {
	const { items } = await listObjects(client, 'v1', 'Service', { namespace });
	return new Map(items.map((s) => [String(obj(s.spec).clusterIP ?? ''), s.metadata.name]));
}
