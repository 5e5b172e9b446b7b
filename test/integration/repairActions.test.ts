// Repair actions on the fake Kubernetes API server through the real client: the exact requests,
// the choices (revision, caps, HPA, cleanup selection), refusals, and the engine's guards.
import { RedisAnomalyStore, recordRepairOutcomes, type AnomalyStore } from '../../lib/anomaly';
import { deleteObject, rfc3339Local, type KubeObject } from '../../lib/kube';
import type { JsonObject } from '../k8s/patch';
import { runRepair, type RepairDeps } from '../../lib/repair/engine';
import { RedisGuardStore } from '../../lib/repair/redisGuardStore';
import { closeRedisClients } from '../../lib/store';
import { deletePrefix, redisConnection, testPrefix } from '../support/stores';
import { KEY, manualClock, NS, repairRequest, startCluster, type Cluster } from '../support/repair';

const MIN = 60_000;
let cluster: Cluster;
let prefix: string;
let deps: RepairDeps;
let clock: ReturnType<typeof manualClock>;
let anomaly: AnomalyStore;

async function start(opts: Parameters<typeof startCluster>[0] = {}) {
	cluster = await startCluster(opts);
	prefix = testPrefix();
	clock = manualClock(Date.UTC(2026, 2, 1, 10, 0, 0));
	anomaly = new RedisAnomalyStore(redisConnection(), { prefix });
	deps = {
		kube: cluster.client,
		guards: new RedisGuardStore(redisConnection(), { prefix }),
		anomaly,
		clock: clock.now,
	};
}

afterEach(async () => {
	await cluster?.stop();
	await deletePrefix(prefix);
});
afterAll(async () => {
	await closeRedisClients();
});

/** The changes the repair sent (not the test's own applies, not dry runs). */
const patches = () =>
	cluster.fake.requests.filter(
		(r) =>
			r.method === 'PATCH' &&
			r.query.dryRun === undefined &&
			r.contentType !== 'application/apply-patch+yaml',
	);
const template = (o: KubeObject | Record<string, unknown> | undefined) =>
	(
		o?.spec as {
			template: {
				spec: {
					containers: {
						name: string;
						image: string;
						resources?: { limits?: Record<string, string> };
					}[];
				};
			};
		}
	).template;

describe('restart', () => {
	it('sends the patch kubectl rollout restart sends, then verifies the rollout', async () => {
		await start();
		await cluster.deploy();
		const result = await runRepair(deps, repairRequest('restart'));
		expect(result).toMatchObject({ status: 'succeeded', action: 'restart', code: null });
		const [sent] = patches();
		expect(sent.method).toBe('PATCH');
		expect(sent.path).toBe('/apis/apps/v1/namespaces/shop/deployments/web');
		expect(sent.contentType).toBe('application/strategic-merge-patch+json');
		// kubectl's body byte for byte; kubectl names its field manager kubectl-rollout, we n8n-aiops
		expect(JSON.stringify(sent.body)).toBe(
			`{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"${rfc3339Local(new Date(clock.now()))}"}}}}}`,
		);
		expect(sent.query).toEqual({ fieldManager: 'n8n-aiops' });
		expect(result.verification).toMatchObject({
			ok: true,
			rollout: 'deployment "web" successfully rolled out',
		});
		expect(result.change?.fields.map((f) => f.path)).toEqual([
			'.spec.template.metadata.annotations',
		]);
		expect(cluster.fake.get('Deployment', NS, 'web')!.metadata).toMatchObject({
			annotations: { 'deployment.kubernetes.io/revision': '2' },
		});
	});

	it('retries a 409 conflict and succeeds', async () => {
		await start();
		await cluster.deploy();
		cluster.fake.fault({ method: 'PATCH', status: 409, times: 1 });
		const result = await runRepair(deps, repairRequest('restart'));
		expect(result.status).toBe('succeeded');
		expect(patches().map((r) => r.status)).toEqual([409, 200]);
	});

	it('records a 500 as a failed repair, with backoff', async () => {
		await start();
		await cluster.deploy();
		cluster.fake.fault({ method: 'PATCH', status: 500 });
		const result = await runRepair(deps, repairRequest('restart'));
		expect(result.status).toBe('failed');
		expect(result.reason).toMatch(
			/the change failed: Kubernetes patch deployments.apps "web" in namespace "shop" failed \(500 InternalError\)/,
		);
		expect(result.guard).toMatchObject({
			targetFailures: 1,
			actionFailures: 1,
			retryAfter: clock.now() + MIN,
		});
		expect(
			(cluster.fake.get('Deployment', NS, 'web')!.metadata as { generation: number }).generation,
		).toBe(1);
	});

	it('records a verification timeout as a failure', async () => {
		await start();
		await cluster.deploy();
		cluster.fake.failPods('nginx:1.25', 'CrashLoopBackOff');
		const result = await runRepair(deps, repairRequest('restart', { verify: { timeoutMs: 800 } }));
		expect(result.status).toBe('failed');
		expect(result.reason).toContain('verification failed: timed out waiting for the condition');
		expect(result.verification).toMatchObject({ ok: false });
		expect(result.guard?.actionFailures).toBe(1);
	});

	it('fails verification when the health URL does not answer 2xx', async () => {
		await start();
		await cluster.deploy();
		const codes = [503, 503, 200];
		const seen: string[] = [];
		deps.httpGet = async (url) => {
			seen.push(url);
			return codes.shift() ?? 200;
		};
		const ok = await runRepair(
			deps,
			repairRequest('restart', {
				verify: { timeoutMs: 3000, healthUrl: 'http://web.shop/healthz', healthIntervalMs: 10 },
			}),
		);
		expect(ok.status).toBe('succeeded');
		expect(ok.verification?.health).toEqual({
			url: 'http://web.shop/healthz',
			status: 200,
			attempts: 3,
		});
		deps.httpGet = async () => 502;
		clock.advance(10 * MIN);
		const bad = await runRepair(
			deps,
			repairRequest('restart', {
				verify: { timeoutMs: 300, healthUrl: 'http://web.shop/healthz', healthIntervalMs: 50 },
			}),
		);
		expect(bad.status).toBe('failed');
		expect(bad.reason).toMatch(
			/health URL http:\/\/web.shop\/healthz answered 502 after \d+ attempt/,
		);
	});
});

describe('rollback', () => {
	async function threeRevisions() {
		await start();
		await cluster.deploy({ image: 'nginx:1' });
		await cluster.deploy({ image: 'nginx:2' });
		await cluster.deploy({ image: 'nginx:3' });
	}

	it('picks the previous revision among several and sends kubectl undo’s JSON patch', async () => {
		await threeRevisions();
		const sets = cluster.fake.list('ReplicaSet', NS);
		expect(sets).toHaveLength(3);
		const rev2 = sets.find(
			(rs) =>
				(rs.metadata as { annotations: Record<string, string> }).annotations[
					'deployment.kubernetes.io/revision'
				] === '2',
		)!;
		const result = await runRepair(deps, repairRequest('rollback'));
		expect(result).toMatchObject({ status: 'succeeded', action: 'rollback' });
		expect(result.change?.before).toEqual({ revision: 3, images: { app: 'nginx:3' } });
		expect(result.change?.after).toEqual({ revision: 2, images: { app: 'nginx:2' } });
		const [sent] = patches();
		expect(sent.path).toBe('/apis/apps/v1/namespaces/shop/deployments/web');
		expect(sent.contentType).toBe('application/json-patch+json');
		// kubectl: the RS template without pod-template-hash, Go field order, creationTimestamp null
		const rsTemplate = JSON.parse(
			JSON.stringify((rev2.spec as { template: unknown }).template),
		) as {
			metadata: { labels: Record<string, string> };
			spec: unknown;
		};
		delete rsTemplate.metadata.labels['pod-template-hash'];
		expect(JSON.stringify(sent.body)).toBe(
			JSON.stringify([
				{
					op: 'replace',
					path: '/spec/template',
					value: {
						metadata: { creationTimestamp: null, labels: rsTemplate.metadata.labels },
						spec: rsTemplate.spec,
					},
				},
				{
					op: 'replace',
					path: '/metadata/annotations',
					value: { 'deployment.kubernetes.io/revision': '3' },
				},
			]),
		);
		expect(template(cluster.fake.get('Deployment', NS, 'web')).spec.containers[0].image).toBe(
			'nginx:2',
		);
	});

	it('goes to a given revision', async () => {
		await threeRevisions();
		const result = await runRepair(
			deps,
			repairRequest('rollback', { params: { ...repairRequest('rollback').params, toRevision: 1 } }),
		);
		expect(result.status).toBe('succeeded');
		expect(template(cluster.fake.get('Deployment', NS, 'web')).spec.containers[0].image).toBe(
			'nginx:1',
		);
		clock.advance(10 * MIN);
		const missing = await runRepair(
			deps,
			repairRequest('rollback', { params: { ...repairRequest('rollback').params, toRevision: 9 } }),
		);
		expect(missing).toMatchObject({
			status: 'skipped',
			code: 'revision_not_found',
			reason: 'unable to find specified revision 9 in history',
		});
	});

	it('refuses when there is no previous revision, changing nothing', async () => {
		await start();
		await cluster.deploy();
		const before = cluster.fake.snapshot();
		const result = await runRepair(deps, repairRequest('rollback'));
		expect(result).toMatchObject({
			status: 'skipped',
			code: 'no_previous_revision',
			needs_human: true,
		});
		expect(result.reason).toBe(
			'no rollout history found for deployment "web": there is no previous revision to roll back to',
		);
		expect(cluster.fake.snapshot()).toBe(before);
		// a refusal is not an attempt: a restart right after is not in cooldown
		expect((await runRepair(deps, repairRequest('restart'))).status).toBe('succeeded');
	});
});

describe('raise memory', () => {
	const policy = {
		autoRepair: true,
		allowedActions: [
			'restart',
			'raise_memory',
			'scale',
			'rollback',
			'delete_pod',
			'cleanup',
		] as const,
		maxMemory: '700Mi',
		maxReplicas: 4,
		approvalRequired: [] as const,
	};

	it('multiplies the limit by 1.5, leaves the request, and patches only that field', async () => {
		await start();
		await cluster.deploy({ memory: { limit: '512Mi', request: '256Mi' } });
		const result = await runRepair(deps, repairRequest('raise_memory'));
		expect(result).toMatchObject({
			status: 'succeeded',
			change: {
				before: { memory_limit: '512Mi' },
				after: { memory_limit: '768Mi', memory_request: '256Mi' },
			},
		});
		const [sent] = patches();
		expect(sent.contentType).toBe('application/strategic-merge-patch+json');
		expect(sent.body).toEqual({
			spec: {
				template: {
					spec: { containers: [{ name: 'app', resources: { limits: { memory: '768Mi' } } }] },
				},
			},
		});
		const c = template(cluster.fake.get('Deployment', NS, 'web')).spec.containers[0];
		expect(c.resources).toEqual({ limits: { memory: '768Mi' }, requests: { memory: '256Mi' } });
	});

	it('is capped by the app policy', async () => {
		await start();
		await cluster.deploy({
			memory: { limit: '512Mi' },
			policy: { ...policy, allowedActions: [...policy.allowedActions], approvalRequired: [] },
		});
		const result = await runRepair(deps, repairRequest('raise_memory'));
		expect(result.change?.after).toMatchObject({ memory_limit: '700Mi' });
		expect(result.change?.details).toMatchObject({ limited_by: 'app policy max-memory' });
	});

	it('is capped by the LimitRange and by what the ResourceQuota leaves', async () => {
		await start();
		await cluster.deploy({ memory: { limit: '512Mi' } });
		cluster.fake.seed({
			apiVersion: 'v1',
			kind: 'LimitRange',
			metadata: { name: 'limits', namespace: NS },
			spec: { limits: [{ type: 'Container', max: { memory: '650Mi' } }] },
		});
		let result = await runRepair(deps, repairRequest('raise_memory'));
		expect(result.change?.after).toMatchObject({ memory_limit: '650Mi' });
		expect(result.change?.details).toMatchObject({
			limited_by: 'LimitRange limits Container max 650Mi',
		});

		await deleteObject(cluster.client, {
			apiVersion: 'v1',
			kind: 'LimitRange',
			namespace: NS,
			name: 'limits',
		});
		cluster.fake.seed({
			apiVersion: 'v1',
			kind: 'ResourceQuota',
			metadata: { name: 'team', namespace: NS },
			spec: { hard: { 'limits.memory': '2Gi' } },
		});
		cluster.fake.modify('ResourceQuota', NS, 'team', (q) => {
			q.status = { hard: { 'limits.memory': '2Gi' }, used: { 'limits.memory': '1948Mi' } };
		});
		clock.advance(DAY);
		result = await runRepair(deps, repairRequest('raise_memory'));
		// 100Mi left for 2 pods: 650Mi + 50Mi
		expect(result.change?.after).toMatchObject({ memory_limit: '700Mi' });
		expect(String((result.change?.details as { limited_by: string }).limited_by)).toContain(
			'ResourceQuota team leaves 100Mi',
		);
	});

	it('raises at most twice in 7 days, then says PERMANENT_FIX (probable memory leak)', async () => {
		await start();
		await cluster.deploy({ memory: { limit: '512Mi' } });
		expect((await runRepair(deps, repairRequest('raise_memory'))).change?.after).toMatchObject({
			memory_limit: '768Mi',
		});
		clock.advance(2 * DAY);
		expect((await runRepair(deps, repairRequest('raise_memory'))).change?.after).toMatchObject({
			memory_limit: '1152Mi',
		});
		clock.advance(2 * DAY);
		const third = await runRepair(deps, repairRequest('raise_memory'));
		expect(third).toMatchObject({
			status: 'skipped',
			code: 'raise_limit',
			permanent_fix: true,
			escalation_level: 'PERMANENT_FIX',
			needs_human: true,
		});
		expect(third.reason).toMatch(
			/^PERMANENT_FIX: probable memory leak — memory was already raised 2 time\(s\) in 7 days/,
		);
		expect(
			template(cluster.fake.get('Deployment', NS, 'web')).spec.containers[0].resources?.limits
				?.memory,
		).toBe('1152Mi');
		clock.advance(3 * DAY + MIN);
		expect((await runRepair(deps, repairRequest('raise_memory'))).status).toBe('succeeded');
	});

	it('refuses a container without a limit, or an unknown one', async () => {
		await start();
		await cluster.deploy({ containers: ['app', 'sidecar'] });
		const none = await runRepair(
			deps,
			repairRequest('raise_memory', {
				target: { namespace: NS, kind: 'Deployment', name: 'web', container: 'sidecar', pod: '' },
			}),
		);
		expect(none).toMatchObject({ status: 'skipped', code: 'no_memory_limit' });
		const which = await runRepair(deps, repairRequest('raise_memory'));
		expect(which).toMatchObject({ status: 'skipped', code: 'container_unknown' });
		expect(which.reason).toContain('has 2 containers (app, sidecar)');
	});
});

const DAY = 24 * 60 * MIN;

describe('scale', () => {
	it('scales by +k capped by the policy, through the scale subresource as kubectl scale', async () => {
		await start();
		await cluster.deploy({
			policy: {
				autoRepair: true,
				allowedActions: ['scale'],
				maxMemory: '1Gi',
				maxReplicas: 3,
				approvalRequired: [],
			},
		});
		const result = await runRepair(
			deps,
			repairRequest('scale', {
				params: { ...repairRequest('scale').params, scaleMode: 'by', replicas: 5 },
			}),
		);
		expect(result).toMatchObject({
			status: 'succeeded',
			change: { before: { replicas: 2 }, after: { replicas: 3 } },
		});
		expect(result.change?.description).toContain('(capped by app policy max-replicas 3)');
		const [sent] = patches();
		expect(sent.path).toBe('/apis/apps/v1/namespaces/shop/deployments/web/scale');
		expect(sent.contentType).toBe('application/merge-patch+json');
		expect(JSON.stringify(sent.body)).toBe('{"spec":{"replicas":3}}');
		clock.advance(10 * MIN);
		const again = await runRepair(deps, repairRequest('scale'));
		expect(again).toMatchObject({
			status: 'skipped',
			code: 'at_replica_ceiling',
			needs_human: true,
		});
	});

	it('scales to N, capped by the node’s maximum', async () => {
		await start();
		await cluster.deploy();
		const result = await runRepair(
			deps,
			repairRequest('scale', {
				params: { ...repairRequest('scale').params, scaleMode: 'to', replicas: 50, maxReplicas: 6 },
			}),
		);
		expect(result.change?.after).toEqual({ replicas: 6 });
		expect((cluster.fake.get('Deployment', NS, 'web')!.spec as { replicas: number }).replicas).toBe(
			6,
		);
	});

	it('refuses when an HPA owns the replicas', async () => {
		await start();
		await cluster.deploy();
		cluster.fake.seed({
			apiVersion: 'autoscaling/v2',
			kind: 'HorizontalPodAutoscaler',
			metadata: { name: 'web-hpa', namespace: NS },
			spec: {
				scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
				minReplicas: 2,
				maxReplicas: 8,
			},
		});
		const result = await runRepair(deps, repairRequest('scale'));
		expect(result).toMatchObject({ status: 'skipped', code: 'hpa_owns_replicas' });
		expect(result.reason).toContain('HorizontalPodAutoscaler web-hpa owns the replicas');
		expect(patches()).toHaveLength(0);
	});
});

describe('delete pod and cleanup', () => {
	it('deletes one pod of the workload and waits for its replacement', async () => {
		await start();
		await cluster.deploy();
		const pods = cluster.fake
			.list('Pod', NS)
			.map((p) => String((p.metadata as { name: string }).name));
		const result = await runRepair(
			deps,
			repairRequest('delete_pod', {
				target: { namespace: NS, kind: 'Deployment', name: 'web', container: '', pod: pods[0] },
			}),
		);
		expect(result).toMatchObject({ status: 'succeeded', change: { deleted: [`pod/${pods[0]}`] } });
		const now = cluster.fake
			.list('Pod', NS)
			.map((p) => String((p.metadata as { name: string }).name));
		expect(now).not.toContain(pods[0]);
		expect(now).toHaveLength(2);
		// a pod of another workload is never deleted
		await cluster.deploy({ name: 'other' });
		const foreign = cluster.fake
			.list('Pod', NS)
			.find((p) => (p.metadata as { name: string }).name.startsWith('other-'))!;
		clock.advance(10 * MIN);
		const refused = await runRepair(
			deps,
			repairRequest('delete_pod', {
				target: {
					namespace: NS,
					kind: 'Deployment',
					name: 'web',
					container: '',
					pod: String((foreign.metadata as { name: string }).name),
				},
			}),
		);
		expect(refused).toMatchObject({ status: 'skipped', code: 'pod_not_found' });
	});

	it('cleans up only failed pods and finished Jobs older than the age', async () => {
		await start({ tickMs: 0 });
		const real = Date.now();
		clock.set(real);
		const ago = (min: number) => new Date(real - min * MIN).toISOString().replace(/\.\d+Z$/, 'Z');
		const pod = (name: string, status: JsonObject, owner?: JsonObject) => {
			cluster.fake.seed({
				apiVersion: 'v1',
				kind: 'Pod',
				metadata: { name, namespace: NS, ...(owner ? { ownerReferences: [owner] } : {}) },
				spec: { containers: [{ name: 'c', image: 'busybox' }] },
			});
			cluster.fake.modify('Pod', NS, name, (p) => {
				(p.metadata as JsonObject).creationTimestamp = ago(300);
				p.status = status;
			});
		};
		pod('evicted-old', { phase: 'Failed', reason: 'Evicted', startTime: ago(120) });
		pod('failed-old', {
			phase: 'Failed',
			startTime: ago(200),
			containerStatuses: [{ state: { terminated: { finishedAt: ago(90) } } }],
		});
		pod('failed-recent', {
			phase: 'Failed',
			startTime: ago(200),
			containerStatuses: [{ state: { terminated: { finishedAt: ago(5) } } }],
		});
		pod('running', { phase: 'Running', startTime: ago(200) });
		pod('succeeded', { phase: 'Succeeded', startTime: ago(200) });
		pod('pending', { phase: 'Pending' });
		pod(
			'job-pod-failed',
			{ phase: 'Failed', startTime: ago(200) },
			{ apiVersion: 'batch/v1', kind: 'Job', name: 'running-job', uid: 'x', controller: true },
		);
		const job = (name: string, status: JsonObject) => {
			cluster.fake.seed({
				apiVersion: 'batch/v1',
				kind: 'Job',
				metadata: { name, namespace: NS },
				spec: {
					template: {
						spec: { containers: [{ name: 'c', image: 'busybox' }], restartPolicy: 'Never' },
					},
				},
			});
			cluster.fake.modify('Job', NS, name, (j) => {
				j.status = status;
			});
		};
		job('done-old', {
			completionTime: ago(120),
			conditions: [{ type: 'Complete', status: 'True', lastTransitionTime: ago(120) }],
		});
		job('failed-old', {
			conditions: [{ type: 'Failed', status: 'True', lastTransitionTime: ago(180) }],
		});
		job('done-recent', {
			completionTime: ago(10),
			conditions: [{ type: 'Complete', status: 'True', lastTransitionTime: ago(10) }],
		});
		job('running-job', { active: 1 });
		const result = await runRepair(deps, repairRequest('cleanup'));
		expect(result.status).toBe('succeeded');
		expect([...(result.change?.deleted ?? [])].sort()).toEqual([
			'job/done-old',
			'job/failed-old',
			'pod/evicted-old',
			'pod/failed-old',
		]);
		// deleted pods are terminating (deletionTimestamp set) until the kubelet lets them go
		const alive = (o: JsonObject) => !(o.metadata as JsonObject).deletionTimestamp;
		const left = cluster.fake
			.list('Pod', NS)
			.filter(alive)
			.map((p) => (p.metadata as { name: string }).name)
			.sort();
		expect(left).toEqual(['failed-recent', 'job-pod-failed', 'pending', 'running', 'succeeded']);
		expect(
			cluster.fake
				.list('Job', NS)
				.filter(alive)
				.map((j) => (j.metadata as { name: string }).name)
				.sort(),
		).toEqual(['done-recent', 'running-job']);
	});
});

describe('guards through the engine', () => {
	it('performs exactly one of 10 simultaneous restarts; nine are skipped "lease held"', async () => {
		await start();
		await cluster.deploy();
		const results = await Promise.all(
			Array.from({ length: 10 }, () => runRepair(deps, repairRequest('restart'))),
		);
		expect(results.filter((r) => r.status === 'succeeded')).toHaveLength(1);
		const skipped = results.filter((r) => r.status === 'skipped');
		expect(skipped).toHaveLength(9);
		for (const s of skipped) {
			expect(s.code).toBe('lease_held');
			expect(s.reason).toMatch(
				/^lease held: another execution \([0-9a-f-]{36}\) is repairing deployment\/web in namespace shop$/,
			);
		}
		expect(patches()).toHaveLength(1);
	});

	it('cooldown, rate limit, backoff and breaker over the controllable clock', async () => {
		await start();
		await cluster.deploy();
		expect((await runRepair(deps, repairRequest('restart'))).status).toBe('succeeded');
		clock.advance(MIN);
		const cooling = await runRepair(deps, repairRequest('restart'));
		expect(cooling).toMatchObject({ status: 'skipped', code: 'cooldown' });
		expect(cooling.reason).toContain(
			`next attempt allowed at ${new Date(clock.now() + 4 * MIN).toISOString()}`,
		);
		clock.advance(5 * MIN);
		expect((await runRepair(deps, repairRequest('restart'))).status).toBe('succeeded');
		clock.advance(6 * MIN);
		expect((await runRepair(deps, repairRequest('restart'))).status).toBe('succeeded');
		clock.advance(6 * MIN);
		expect(await runRepair(deps, repairRequest('restart'))).toMatchObject({
			status: 'skipped',
			code: 'rate_limit',
		});

		// failures: backoff, then the breaker after three in a row
		cluster.fake.fault({ method: 'PATCH', status: 403 });
		clock.advance(HOUR);
		const f1 = await runRepair(deps, repairRequest('restart'));
		expect(f1).toMatchObject({ status: 'failed', guard: { targetFailures: 1 } });
		expect(f1.reason).toContain('the credential lacks "patch" on "deployments.apps"');
		clock.advance(30_000);
		expect(await runRepair(deps, repairRequest('restart'))).toMatchObject({
			status: 'skipped',
			code: 'backoff',
		});
		clock.advance(6 * MIN);
		expect(await runRepair(deps, repairRequest('restart'))).toMatchObject({
			status: 'failed',
			guard: { targetFailures: 2, retryAfter: clock.now() + 2 * MIN },
		});
		clock.advance(6 * MIN);
		const f3 = await runRepair(deps, repairRequest('scale'));
		expect(f3).toMatchObject({
			status: 'failed',
			needs_human: true,
			guard: { targetFailures: 3, breakerUntil: clock.now() + HOUR },
		});
		expect(f3.reason).toContain('breaker open until');
		clock.advance(30 * MIN);
		const open = await runRepair(deps, repairRequest('rollback'));
		expect(open).toMatchObject({ status: 'skipped', code: 'breaker_open', needs_human: true });
		// an hour later the breaker lets one attempt through; it works and closes the breaker
		cluster.fake.clearFaults();
		clock.advance(31 * MIN);
		expect(await runRepair(deps, repairRequest('restart'))).toMatchObject({
			status: 'succeeded',
			guard: { targetFailures: 0, breakerUntil: 0 },
		});
	});

	it('never touches a denied namespace, nor anything in it', async () => {
		await start();
		const before = cluster.fake.requests.length;
		const result = await runRepair(
			deps,
			repairRequest('restart', {
				target: {
					namespace: 'kube-system',
					kind: 'Deployment',
					name: 'coredns',
					container: '',
					pod: '',
				},
			}),
		);
		expect(result).toMatchObject({ status: 'skipped', code: 'namespace_denied' });
		expect(result.reason).toBe(
			'namespace kube-system is denied (on the deny list): repairs never touch it',
		);
		expect(cluster.fake.requests.length).toBe(before);
		const notAllowed = await runRepair(
			deps,
			repairRequest('restart', { namespaces: { allowed: ['team-*'], denied: [] } }),
		);
		expect(notAllowed).toMatchObject({ status: 'skipped', code: 'namespace_not_allowed' });
	});

	it('asks for approval when the policy says so, with the diff, changing nothing', async () => {
		await start();
		await cluster.deploy({
			policy: {
				autoRepair: true,
				allowedActions: ['restart'],
				maxMemory: '1Gi',
				maxReplicas: 4,
				approvalRequired: ['restart'],
			},
		});
		const before = cluster.fake.snapshot();
		const result = await runRepair(deps, repairRequest('restart'));
		expect(result).toMatchObject({
			status: 'needs_approval',
			code: 'needs_approval',
			approval_required: true,
		});
		expect(result.change?.fields.map((f) => f.path)).toEqual([
			'.spec.template.metadata.annotations',
		]);
		expect(cluster.fake.snapshot()).toBe(before);
		const approved = await runRepair(deps, repairRequest('restart', { approved: true }));
		expect(approved.status).toBe('succeeded');
		clock.advance(10 * MIN);
		expect(await runRepair(deps, repairRequest('scale', { approved: true }))).toMatchObject({
			status: 'skipped',
			code: 'action_not_allowed',
		});
	});
});

describe('dry run', () => {
	it('leaves every object byte for byte unchanged, for every action', async () => {
		await start({ tickMs: 0 });
		await cluster.deploy({ image: 'nginx:1', memory: { limit: '512Mi' } });
		await cluster.deploy({ image: 'nginx:2', memory: { limit: '512Mi' } });
		const pod = String((cluster.fake.list('Pod', NS)[0].metadata as { name: string }).name);
		cluster.fake.seed({
			apiVersion: 'v1',
			kind: 'Pod',
			metadata: { name: 'evicted', namespace: NS },
			spec: { containers: [{ name: 'c', image: 'busybox' }] },
		});
		// after the controllers settle: the kubelet stand-in would make it run again
		cluster.fake.settle();
		cluster.fake.modify('Pod', NS, 'evicted', (p) => {
			(p.metadata as JsonObject).creationTimestamp = '2020-01-01T00:00:00Z';
			p.status = { phase: 'Failed', reason: 'Evicted', startTime: '2020-01-01T00:00:00Z' };
		});
		clock.set(Date.now());
		const before = cluster.fake.snapshot();
		const mark = cluster.fake.requests.length;
		const target = { namespace: NS, kind: 'Deployment' as const, name: 'web', container: '', pod };
		for (const op of [
			'restart',
			'rollback',
			'raise_memory',
			'scale',
			'delete_pod',
			'cleanup',
		] as const) {
			const r = await runRepair(deps, repairRequest(op, { dryRun: true, target }));
			expect(r.status, `${op}: ${r.reason}`).toBe('dry_run');
			expect(r.change?.fields.length, op).toBeGreaterThan(0);
		}
		expect(cluster.fake.snapshot()).toBe(before);
		const dry = cluster.fake.requests
			.slice(mark)
			.filter((r) => r.method === 'PATCH' || r.method === 'DELETE');
		expect(dry.every((r) => r.query.dryRun === 'All')).toBe(true);
		expect(dry.map((r) => `${r.method} ${r.path.replace(/.*\/namespaces\/shop\//, '')}`)).toEqual([
			'PATCH deployments/web',
			'PATCH deployments/web',
			'PATCH deployments/web',
			'PATCH deployments/web/scale',
			`DELETE pods/${pod}`,
			'DELETE pods/evicted',
		]);
	});

	it('shows the memory diff and what a guard would say', async () => {
		await start();
		await cluster.deploy({ memory: { limit: '1Gi' } });
		expect((await runRepair(deps, repairRequest('raise_memory'))).status).toBe('succeeded');
		const r = await runRepair(deps, repairRequest('raise_memory', { dryRun: true }));
		expect(r.status).toBe('dry_run');
		expect(r.change?.fields).toEqual([
			{
				path: '.spec.template.spec.containers[name="app"].resources.limits.memory',
				op: 'replace',
				before: '1536Mi',
				after: '2304Mi',
			},
		]);
		expect(r.would_skip).toMatchObject({ code: 'cooldown' });
	});
});

describe('Auto', () => {
	const auto = (
		tier: number,
		extra: Partial<NonNullable<ReturnType<typeof repairRequest>['auto']>> = {},
	) => ({
		autoRepairLabel: '',
		tier,
		errorType: '',
		alertName: 'KubePodCrashLooping',
		saturationPattern: 'saturat',
		recentRolloutMs: 6 * HOUR,
		gate: { minSuccessRate: 0.2, minAttempts: 5 },
		...extra,
	});

	it('restarts at tier 1 and explains why', async () => {
		await start();
		await cluster.deploy();
		const r = await runRepair(deps, repairRequest('auto', { auto: auto(1) }));
		expect(r).toMatchObject({
			status: 'succeeded',
			action: 'restart',
			plan: { explanation: 'restart chosen: tier 1: restart' },
		});
	});

	it('takes the next action once the gate skips restart for this signature', async () => {
		await start();
		await cluster.deploy({ memory: { limit: '512Mi' } });
		await recordRepairOutcomes(
			anomaly,
			[0, 1, 2, 3, 4].map((i) => ({
				anomaly_key: KEY,
				action: 'restart',
				success: false,
				outcome_id: `old-${i}`,
				at: clock.now() - (i + 1) * HOUR,
			})),
		);
		const r = await runRepair(
			deps,
			repairRequest('auto', { auto: auto(1, { errorType: 'OOMKilled' }) }),
		);
		expect(r).toMatchObject({ status: 'succeeded', action: 'raise_memory' });
		expect(r.plan?.explanation).toBe(
			'restart skipped: restart succeeded 0 of 5 times (0%) for this signature, below 20%; raise_memory chosen: tier 2 mitigation: the container was OOMKilled',
		);
	});

	it('rolls back at tier 3 after a recent rollout, escalates without one', async () => {
		await start();
		await cluster.deploy({ image: 'nginx:1' });
		clock.set(Date.now());
		const none = await runRepair(deps, repairRequest('auto', { auto: auto(3) }));
		expect(none).toMatchObject({
			status: 'escalated',
			action: null,
			needs_human: true,
			code: 'escalate',
		});
		await cluster.deploy({ image: 'nginx:2' });
		clock.set(Date.now());
		const r = await runRepair(deps, repairRequest('auto', { auto: auto(3) }));
		expect(r).toMatchObject({ status: 'succeeded', action: 'rollback' });
		expect(r.plan?.explanation).toMatch(
			/^rollback chosen: tier 3: revision 2 was rolled out recently/,
		);
		expect(template(cluster.fake.get('Deployment', NS, 'web')).spec.containers[0].image).toBe(
			'nginx:1',
		);
		const four = await runRepair(
			deps,
			repairRequest('auto', { auto: auto(4, { autoRepairLabel: 'restart' }) }),
		);
		expect(four).toMatchObject({ status: 'escalated', action: null });
	});
});

const HOUR = 60 * MIN;
