// Fixtures for Repair Action tests: a fake cluster with a namespace and a Deployment that has
// rolled out, a controllable clock, and repair requests with the defaults the node uses.
import { applyObject, KubeClient, waitForRollout, type KubeObject } from '../../lib/kube';
import { policyAnnotations, type RemediationPolicy } from '../../lib/manifests/policy';
import { DEFAULT_ACTION_PARAMS } from '../../lib/repair/change';
import type { RepairRequest } from '../../lib/repair/engine';
import { DEFAULT_GUARD_RULES } from '../../lib/repair/guards';
import { DEFAULT_DENIED_NAMESPACES } from '../../lib/repair/namespaces';
import { FakeKube, type FakeKubeOptions } from '../k8s/server';

export const NS = 'shop';
export const KEY = '0123456789abcdef';

export interface DeploymentSpec {
	name?: string;
	image?: string;
	replicas?: number;
	memory?: { limit?: string; request?: string };
	policy?: RemediationPolicy;
	annotations?: Record<string, string>;
	containers?: string[];
}

export function deploymentObject(s: DeploymentSpec = {}): KubeObject {
	const name = s.name ?? 'web';
	const resources =
		s.memory && (s.memory.limit || s.memory.request)
			? {
					resources: {
						...(s.memory.limit ? { limits: { memory: s.memory.limit } } : {}),
						...(s.memory.request ? { requests: { memory: s.memory.request } } : {}),
					},
				}
			: {};
	const containers = (s.containers ?? ['app']).map((c, i) => ({
		name: c,
		image: s.image ?? 'nginx:1.25',
		...(i === 0 ? resources : {}),
	}));
	return {
		apiVersion: 'apps/v1',
		kind: 'Deployment',
		metadata: {
			name,
			namespace: NS,
			annotations: { ...(s.policy ? policyAnnotations(s.policy) : {}), ...(s.annotations ?? {}) },
		},
		spec: {
			replicas: s.replicas ?? 2,
			selector: { matchLabels: { app: name } },
			template: { metadata: { labels: { app: name } }, spec: { containers } },
		},
	};
}

export interface Cluster {
	fake: FakeKube;
	client: KubeClient;
	deploy(s?: DeploymentSpec): Promise<KubeObject>;
	stop(): Promise<void>;
}

export async function startCluster(opts: FakeKubeOptions = {}): Promise<Cluster> {
	const fake = await new FakeKube(opts).start();
	const client = KubeClient.fromCredential(
		{ mode: 'kubeconfig', kubeconfig: fake.kubeconfig() },
		{ timeoutMs: 3000 },
	);
	fake.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
	return {
		fake,
		client,
		async deploy(s = {}) {
			await applyObject(client, deploymentObject(s), { fieldManager: 'test-deployer' });
			if (opts.tickMs === 0) fake.settle();
			const ref = {
				apiVersion: 'apps/v1',
				kind: 'Deployment',
				namespace: NS,
				name: s.name ?? 'web',
			};
			return (await waitForRollout(client, ref, { timeoutMs: 5000 })).object;
		},
		stop: () => fake.stop(),
	};
}

/** A clock the test moves by hand. */
export function manualClock(start = Date.now()) {
	let now = start;
	return {
		now: () => now,
		advance: (ms: number) => (now += ms),
		set: (ms: number) => (now = ms),
	};
}

export function repairRequest(
	operation: RepairRequest['operation'],
	overrides: Partial<RepairRequest> = {},
): RepairRequest {
	return {
		operation,
		target: { namespace: NS, kind: 'Deployment', name: 'web', container: '', pod: '' },
		dryRun: false,
		approved: false,
		who: 'test',
		why: 'test',
		anomalyKey: KEY,
		params: { ...DEFAULT_ACTION_PARAMS },
		namespaces: { allowed: [], denied: [...DEFAULT_DENIED_NAMESPACES] },
		rules: { ...DEFAULT_GUARD_RULES },
		verify: { timeoutMs: 5000 },
		...overrides,
	};
}
