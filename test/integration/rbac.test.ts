// The shipped RBAC (templates/rbac/) on the fake API server: with exactly those rules bound,
// Deploy, Dry Run, Status and Delete succeed, and so do the calls Repair Action makes; with any
// single verb on any single resource taken away, something fails with the 403 naming it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
	appStatus,
	assertDeleted,
	assertDeployed,
	assertDryRunSucceeded,
	deleteApp,
	deployApp,
	dryRunApp,
} from '../../lib/deploy';
import type { KubeObject } from '../../lib/kube';
import {
	deleteObject,
	getObject,
	KubeClient,
	listObjects,
	parseYamlObjects,
	patchObject,
	readPodLogs,
	rollbackToRevision,
	rolloutRestart,
	waitForRollout,
} from '../../lib/kube';
import type { PolicyRule, RbacTable } from '../k8s/rbac';
import { rbacTableFromYaml } from '../k8s/rbac';
import { FakeKube } from '../k8s/server';

const RBAC_DIR = join(__dirname, '../../templates/rbac');
const SA = { namespace: 'n8n', name: 'n8n' };
const deployTable = rbacTableFromYaml(readFileSync(join(RBAC_DIR, 'deploy-app.yaml'), 'utf8'), SA);
const repairTable = rbacTableFromYaml(
	readFileSync(join(RBAC_DIR, 'repair-action.yaml'), 'utf8'),
	SA,
);

const NS = 'app-event-system';
// the typical app plus a PostgreSQL addon StatefulSet, so every kind Render Manifests emits is in
const POSTGRES: KubeObject = {
	apiVersion: 'apps/v1',
	kind: 'StatefulSet',
	metadata: { name: 'event-system-postgresql', namespace: NS },
	spec: {
		replicas: 1,
		serviceName: 'event-system-postgresql',
		selector: { matchLabels: { app: 'event-system-postgresql' } },
		template: {
			metadata: { labels: { app: 'event-system-postgresql' } },
			spec: { containers: [{ name: 'postgresql', image: 'postgres:16' }] },
		},
	},
};
const APP = [
	...parseYamlObjects(readFileSync(join(__dirname, '../fixtures/k8s/app.yaml'), 'utf8')),
	POSTGRES,
];
const POLICY = { 'n8n-nodes-aiops.dev/max-replicas': '6' };
const CHANGED = APP.map((o) =>
	o.kind === 'ConfigMap' ? { ...o, data: { ...(o.data as object), GUNICORN_WORKERS: '8' } } : o,
);

// slow enough that a rollout is never finished, nor a namespace gone, when first listed: the
// watch is needed
const FAKE = { tickMs: 2, podReadyTicks: 10, terminationTicks: 10 };

async function fakeWith(
	rbac: RbacTable | undefined,
): Promise<{ fake: FakeKube; client: KubeClient }> {
	const fake = await new FakeKube(FAKE).start();
	fake.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'monitoring' } });
	fake.rbac = rbac;
	const client = KubeClient.fromCredential({ mode: 'kubeconfig', kubeconfig: fake.kubeconfig() });
	return { fake, client };
}

/** Everything Deploy App does to an app, start to end; throws with every failure message. */
async function deployAppCycle(fake: FakeKube, client: KubeClient): Promise<void> {
	assertDryRunSucceeded(await dryRunApp(client, APP, { policy: POLICY }));
	assertDeployed(await deployApp(client, APP, { rolloutTimeoutMs: 10_000, policy: POLICY }));
	await fake.quiet();
	assertDryRunSucceeded(await dryRunApp(client, CHANGED, { policy: POLICY }));
	const status = await appStatus(client, APP);
	const errors = status.objects.filter((o) => o.error).map((o) => o.error);
	if (errors.length) throw new Error(errors.join('\n'));
	if (!status.ready) throw new Error(`not ready: ${status.summary}`);
	assertDeleted(await deleteApp(client, APP, { timeoutMs: 10_000 }));
}

/** What the cluster looks like when Repair Action is called: the app deployed, and more. */
async function seedForRepair(fake: FakeKube, client: KubeClient): Promise<void> {
	assertDeployed(await deployApp(client, APP, { rolloutTimeoutMs: 10_000 }));
	fake.seed({
		apiVersion: 'autoscaling/v2',
		kind: 'HorizontalPodAutoscaler',
		metadata: { name: 'worker', namespace: NS },
		spec: {
			scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'worker' },
			minReplicas: 1,
			maxReplicas: 3,
		},
	});
	fake.seed({
		apiVersion: 'v1',
		kind: 'LimitRange',
		metadata: { name: 'limits', namespace: NS },
		spec: { limits: [{ type: 'Container', max: { memory: '4Gi' } }] },
	});
	fake.seed({
		apiVersion: 'v1',
		kind: 'ResourceQuota',
		metadata: { name: 'quota', namespace: NS },
		spec: { hard: { 'limits.memory': '16Gi' } },
	});
	fake.seed({
		apiVersion: 'batch/v1',
		kind: 'Job',
		metadata: { name: 'migrate', namespace: NS },
		spec: {
			template: {
				spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'migrate:1' }] },
			},
		},
	});
	await fake.quiet();
}

/**
 * The Kubernetes calls Repair Action makes (issue 7), through lib/kube: keep this in step with
 * the node, so the role stays exactly what it needs.
 */
async function repairCalls(client: KubeClient): Promise<void> {
	const deployment = {
		apiVersion: 'apps/v1',
		kind: 'Deployment',
		namespace: NS,
		name: 'event-system',
	};
	const sts = {
		apiVersion: 'apps/v1',
		kind: 'StatefulSet',
		namespace: NS,
		name: 'event-system-postgresql',
	};
	// restart, and verify the rollout
	await rolloutRestart(client, { kind: 'Deployment', namespace: NS, name: 'event-system' });
	await waitForRollout(client, deployment, { timeoutMs: 10_000 });
	await rolloutRestart(client, { kind: 'StatefulSet', namespace: NS, name: sts.name });
	await waitForRollout(client, sts, { timeoutMs: 10_000 });
	// rollback to the previous revision, after a look at what it restores
	const revisions = await listObjects(client, 'apps/v1', 'ReplicaSet', {
		namespace: NS,
		labelSelector: 'app.kubernetes.io/name=event-system',
	});
	await getObject(client, {
		apiVersion: 'apps/v1',
		kind: 'ReplicaSet',
		namespace: NS,
		name: revisions.items[0].metadata.name,
	});
	await rollbackToRevision(client, { namespace: NS, name: 'event-system' });
	// memory raise and scale, within the HPA and the namespace's limits
	for (const kind of ['HorizontalPodAutoscaler', 'LimitRange', 'ResourceQuota']) {
		const apiVersion = kind === 'HorizontalPodAutoscaler' ? 'autoscaling/v2' : 'v1';
		const { items } = await listObjects(client, apiVersion, kind, { namespace: NS });
		await getObject(client, { apiVersion, kind, namespace: NS, name: items[0].metadata.name });
	}
	await patchObject(
		client,
		deployment,
		{
			spec: {
				template: {
					spec: { containers: [{ name: 'app', resources: { limits: { memory: '1536Mi' } } }] },
				},
			},
		},
		'application/strategic-merge-patch+json',
	);
	await patchObject(client, sts, { spec: { replicas: 1 } }, 'application/merge-patch+json');
	// a failed pod: its log, then delete it
	// (a StatefulSet pod: the Deployment's are being replaced by the memory raise just sent)
	const pods = await listObjects(client, 'v1', 'Pod', {
		namespace: NS,
		labelSelector: 'app=event-system-postgresql',
	});
	const pod = await getObject(client, {
		apiVersion: 'v1',
		kind: 'Pod',
		namespace: NS,
		name: pods.items[0].metadata.name,
	});
	await readPodLogs(
		client,
		{ namespace: NS, pod: pod!.metadata.name },
		{
			container: (pod!.spec as { containers: { name: string }[] }).containers[0].name,
			tailLines: 50,
		},
	);
	await deleteObject(client, {
		apiVersion: 'v1',
		kind: 'Pod',
		namespace: NS,
		name: pod!.metadata.name,
	});
	// clean up finished jobs
	const jobs = await listObjects(client, 'batch/v1', 'Job', { namespace: NS });
	for (const job of jobs.items)
		await deleteObject(client, {
			apiVersion: 'batch/v1',
			kind: 'Job',
			namespace: NS,
			name: job.metadata.name,
		});
}

interface Grant {
	group: string;
	resource: string;
	verb: string;
}

function grants(table: RbacTable): Grant[] {
	return table.cluster.flatMap((r) =>
		(r.apiGroups ?? []).flatMap((group) =>
			(r.resources ?? []).flatMap((resource) => r.verbs.map((verb) => ({ group, resource, verb }))),
		),
	);
}

/** The table with one verb on one resource taken away. */
function without(table: RbacTable, g: Grant): RbacTable {
	const cluster = table.cluster.flatMap((rule): PolicyRule[] => {
		if (
			!rule.apiGroups?.includes(g.group) ||
			!rule.resources?.includes(g.resource) ||
			!rule.verbs.includes(g.verb)
		)
			return [rule];
		const rest = rule.resources.filter((r) => r !== g.resource);
		const reduced = {
			...rule,
			resources: [g.resource],
			verbs: rule.verbs.filter((v) => v !== g.verb),
		};
		return [
			...(rest.length ? [{ ...rule, resources: rest }] : []),
			...(reduced.verbs.length ? [reduced] : []),
		];
	});
	return { cluster, namespaced: table.namespaced };
}

/** Runs `check` for every grant, four at a time; returns the grants it found unneeded. */
async function unneededGrants(
	table: RbacTable,
	check: (g: Grant) => Promise<string | undefined>,
): Promise<string[]> {
	const queue = grants(table);
	const found: string[] = [];
	const worker = async () => {
		for (let g = queue.shift(); g; g = queue.shift()) {
			const problem = await check(g);
			if (problem) found.push(problem);
		}
	};
	await Promise.all([worker(), worker(), worker(), worker()]);
	return found.sort();
}

/**
 * The 403 for a grant: the authorizer's `cannot patch resource "deployments" in API group
 * "apps"`, or, for a watch (client-node's Watch drops the answer's body), ours.
 */
function denied(message: string | undefined, g: Grant): boolean {
	const qualified = g.group ? `${g.resource}.${g.group}` : g.resource;
	return (
		!!message &&
		(message.includes(`cannot ${g.verb} resource "${g.resource}" in API group "${g.group}"`) ||
			message.includes(`the credential lacks "${g.verb}" on "${qualified}"`))
	);
}

describe('templates/rbac/deploy-app.yaml', () => {
	it('is enough for Deploy, Dry Run, Status and Delete', async () => {
		const { fake, client } = await fakeWith(deployTable);
		try {
			await deployAppCycle(fake, client);
			expect(fake.requests.filter((r) => r.status === 403)).toEqual([]);
			// it never reads a Secret
			expect(fake.requests.filter((r) => r.resource === 'secrets').map((r) => r.verb)).toEqual([
				'create',
				'create',
				'create',
				'delete',
			]);
		} finally {
			await fake.stop();
		}
	});

	it('grants nothing the cycle does not use: without any one verb, it fails with that 403', async () => {
		const unneeded = await unneededGrants(deployTable, async (g) => {
			const { fake, client } = await fakeWith(without(deployTable, g));
			try {
				const error = await deployAppCycle(fake, client).then(
					() => undefined,
					(e: Error) => e,
				);
				return denied(error?.message, g)
					? undefined
					: `${g.verb} ${g.resource}: ${error?.message ?? 'succeeded'}`;
			} finally {
				await fake.stop();
			}
		});
		expect(unneeded).toEqual([]);
	}, 120_000);
});

describe('templates/rbac/repair-action.yaml', () => {
	it('is enough for the calls Repair Action makes', async () => {
		const { fake, client } = await fakeWith(undefined);
		try {
			await seedForRepair(fake, client);
			fake.rbac = repairTable;
			const n = fake.requests.length;
			await repairCalls(client);
			expect(fake.requests.slice(n).filter((r) => r.status === 403)).toEqual([]);
		} finally {
			await fake.stop();
		}
	});

	it('grants nothing those calls do not use: without any one verb, they fail with that 403', async () => {
		const unneeded = await unneededGrants(repairTable, async (g) => {
			const { fake, client } = await fakeWith(undefined);
			try {
				await seedForRepair(fake, client);
				fake.rbac = without(repairTable, g);
				const error = await repairCalls(client).then(
					() => undefined,
					(e: Error) => e,
				);
				return denied(error?.message, g)
					? undefined
					: `${g.verb} ${g.resource}: ${error?.message ?? 'succeeded'}`;
			} finally {
				await fake.stop();
			}
		});
		expect(unneeded).toEqual([]);
	}, 120_000);

	it('does not let Deploy App act: the two roles are separate', async () => {
		const { fake, client } = await fakeWith(repairTable);
		try {
			const report = await deployApp(client, APP, { rolloutTimeoutMs: 1000 });
			expect(report.status).toBe('failed');
			expect(report.errorCode).toBe(403);
		} finally {
			await fake.stop();
		}
	});
});
