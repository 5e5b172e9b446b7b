import { diagnose } from '../../lib/diagnosis';
import type { ContainerEvidence, EvidenceSnapshot, PodEvidence } from '../../lib/evidence';
import { evidenceSummary, logSignals } from '../../lib/evidence';
import { hostsInEnv, serviceOfHost } from '../../lib/evidence/dependencies';

const ok = { status: 'ok' as const, durationMs: 1 };

function container(over: Partial<ContainerEvidence> = {}): ContainerEvidence {
	return { pod: 'web-5d9c7-abcde', name: 'web', image: 'registry.test/web:2', ready: false, restartCount: 0, state: 'waiting', ...over };
}

function pod(containers: ContainerEvidence[], over: Partial<PodEvidence> = {}): PodEvidence {
	return { name: containers[0]?.pod ?? 'web-5d9c7-abcde', phase: 'Running', node: 'node-1', problems: [], containers, ...over };
}

function snapshot(over: Partial<EvidenceSnapshot> = {}): EvidenceSnapshot {
	return {
		collectedAt: '2030-01-01T00:00:00.000Z',
		target: { namespace: 'shop', kind: 'Deployment', name: 'web' },
		sources: { history: ok, cluster: ok, logs: ok, prometheus: ok },
		workload: {
			kind: 'Deployment', name: 'web', namespace: 'shop', replicas: 2, readyReplicas: 0, updatedReplicas: 2,
			containers: [{ name: 'web', image: 'registry.test/web:2', requests: {}, limits: { memory: '256Mi' } }],
			revisions: [{ revision: 2, images: ['registry.test/web:2'] }, { revision: 1, images: ['registry.test/web:1'] }],
			rolledOutSecondsAgo: 24 * 3600,
		},
		pods: [], events: [], nodes: [], dependencies: [], logs: [], metrics: [],
		...over,
	};
}

const crashLoop = (over: Partial<ContainerEvidence> = {}) =>
	container({ reason: 'CrashLoopBackOff', restartCount: 4, lastTermination: { reason: 'Error', exitCode: 1 }, ...over });

describe('diagnose', () => {
	it('no rule matching leaves the decision to the tier ladder', () => {
		const d = diagnose(snapshot({ pods: [pod([container({ ready: true, state: 'running' })])] }));
		expect(d.cause).toBe('unknown');
		expect(d.recommended).toBeNull();
	});

	it('a crash loop that began with a recent rollout recommends the rollback', () => {
		const s = snapshot({ pods: [pod([crashLoop()])] });
		s.workload!.rolledOutSecondsAgo = 300;
		const d = diagnose(s);
		expect(d.cause).toBe('crash_after_rollout');
		expect(d.recommended).toBe('rollback');
		expect(d.cannotHelp).toContain('restart');
		expect(d.summary).toContain('revision 1');
	});

	it('the same crash loop long after the rollout is not blamed on it', () => {
		expect(diagnose(snapshot({ pods: [pod([crashLoop()])] })).cause).toBe('unknown');
	});

	it('OOMKilled recommends raising memory, even right after a rollout', () => {
		const s = snapshot({ pods: [pod([crashLoop({ lastTermination: { reason: 'OOMKilled', exitCode: 137 } })])] });
		s.workload!.rolledOutSecondsAgo = 60;
		const d = diagnose(s);
		expect(d.cause).toBe('out_of_memory');
		expect(d.recommended).toBe('raise_memory');
		expect(d.alternatives.map((a) => a.cause)).toContain('crash_after_rollout');
	});

	it('a database Service without ready endpoints and refused connections: escalate, never restart', () => {
		const d = diagnose(
			snapshot({
				pods: [pod([crashLoop()])],
				dependencies: [{ service: 'db', namespace: 'shop', exists: true, readyEndpoints: 0, notReadyEndpoints: 1, namedIn: ['env DATABASE_URL', 'log'] }],
				logs: [{ pod: 'web-5d9c7-abcde', container: 'web', previous: true, tail: [], signals: logSignals(['dial tcp 10.96.0.12:5432: connect: connection refused', 'psql: could not connect to server at "db:5432"']) }],
			}),
		);
		expect(d.cause).toBe('dependency_unreachable');
		expect(d.recommended).toBe('escalate');
		expect(d.cannotHelp).toEqual(expect.arrayContaining(['restart', 'rollback']));
		expect(d.subject).toMatchObject({ kind: 'service', name: 'db' });
		expect(d.confidence).toBeGreaterThanOrEqual(0.9);
	});

	it('a missing Secret key names the Secret and the key', () => {
		const d = diagnose(
			snapshot({
				pods: [pod([container({ reason: 'CreateContainerConfigError', message: "couldn't find key password in Secret shop/db-credentials" })], { phase: 'Pending' })],
			}),
		);
		expect(d.cause).toBe('configuration_error');
		expect(d.subject).toEqual({ kind: 'secret', name: 'db-credentials', key: 'password', namespace: 'shop' });
		expect(d.summary).toContain('Secret shop/db-credentials key password');
		expect(d.recommended).toBe('escalate');
		expect(d.cannotHelp).toContain('restart');
	});

	it('a missing Secret (not a key) is named too', () => {
		const d = diagnose(snapshot({ pods: [pod([container({ reason: 'CreateContainerConfigError', message: 'secret "api-token" not found' })])] }));
		expect(d.subject).toMatchObject({ kind: 'secret', name: 'api-token' });
	});

	it('an unpullable image names the image; rollback only when the previous revision had another image', () => {
		const stuck = container({ reason: 'ImagePullBackOff', message: 'Back-off pulling image "registry.test/web:2"' });
		const d = diagnose(snapshot({ pods: [pod([stuck], { phase: 'Pending' })] }));
		expect(d.cause).toBe('image_pull_failure');
		expect(d.subject).toEqual({ kind: 'image', name: 'registry.test/web:2' });
		expect(d.recommended).toBe('rollback');
		const same = snapshot({ pods: [pod([stuck])] });
		same.workload!.revisions = [{ revision: 1, images: ['registry.test/web:2'] }];
		expect(diagnose(same).recommended).toBe('escalate');
	});

	it('pods on a node with MemoryPressure: move them off it', () => {
		const d = diagnose(snapshot({ pods: [pod([crashLoop()])], nodes: [{ name: 'node-1', problems: ['MemoryPressure=True'] }] }));
		expect(d.cause).toBe('node_problem');
		expect(d.recommended).toBe('delete_pod');
	});

	it('a sick node that runs none of the pods says nothing', () => {
		expect(diagnose(snapshot({ pods: [pod([crashLoop()])], nodes: [{ name: 'node-9', problems: ['Ready=False'] }] })).cause).toBe('unknown');
	});

	it('CPU throttling recommends scaling; unschedulable pods escalate', () => {
		expect(diagnose(snapshot({ metrics: [{ container: 'web', cpuCores: 0.5, cpuLimitCores: 0.5, cpuThrottled: 0.4 }] })).recommended).toBe('scale');
		const d = diagnose(snapshot({ pods: [pod([], { name: 'web-x', phase: 'Pending', problems: ['PodScheduled: Unschedulable — 0/3 nodes are available: 3 Insufficient memory.'] })] }));
		expect(d.cause).toBe('resource_saturation');
		expect(d.recommended).toBe('escalate');
	});

	it('failing probes alone: no restart', () => {
		const d = diagnose(snapshot({ events: [{ type: 'Warning', reason: 'Unhealthy', message: 'Liveness probe failed: HTTP probe failed with statuscode: 500', object: 'Pod web-1', count: 9 }] }));
		expect(d.cause).toBe('failing_probes');
		expect(d.cannotHelp).toContain('restart');
	});

	it('names the sources that were missing', () => {
		const s = snapshot({ sources: { history: ok, cluster: { status: 'timeout', durationMs: 5000, detail: 'no answer within 5000 ms' }, logs: { status: 'skipped', durationMs: 0 }, prometheus: ok } });
		expect(diagnose(s).missing).toEqual(['cluster (timeout: no answer within 5000 ms)']);
	});
});

describe('log signals', () => {
	it('reads the wording of common runtimes and drivers, with the endpoint', () => {
		const signals = logSignals([
			'Error: connect ECONNREFUSED 10.96.4.2:6379',
			'dial tcp: lookup payments.billing.svc.cluster.local on 10.96.0.10:53: no such host',
			'java.net.SocketTimeoutException: connect timed out',
			'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
		]);
		expect(signals.map((s) => s.kind)).toEqual(['connection_refused', 'unknown_host', 'timeout', 'out_of_memory']);
		expect(signals[0].endpoint).toBe('10.96.4.2:6379');
	});

	it('one signal per kind and endpoint, the newest line kept', () => {
		const s = logSignals(['connection refused db:5432 (1)', 'connection refused db:5432 (2)']);
		expect(s).toHaveLength(1);
		expect(s[0].line).toContain('(2)');
	});
});

describe('dependencies named in env', () => {
	it('finds hosts in URLs, host:port values and *_HOST variables', () => {
		const hosts = hostsInEnv([
			{ name: 'DATABASE_URL', value: 'postgres://app:s3cret@db.shop:5432/app' },
			{ name: 'CACHE', value: 'redis:6379' },
			{ name: 'SMTP_HOST', value: 'mail' },
			{ name: 'GREETING', value: 'hello: world' },
		]);
		expect(hosts.map((h) => h.host)).toEqual(['db.shop', 'redis', 'mail']);
	});

	it('maps a host to the Service cluster DNS would resolve', () => {
		expect(serviceOfHost('db', 'shop')).toEqual({ name: 'db', namespace: 'shop' });
		expect(serviceOfHost('db.data.svc.cluster.local', 'shop')).toEqual({ name: 'db', namespace: 'data' });
		expect(serviceOfHost('api.example.com', 'shop')).toBeUndefined();
		expect(serviceOfHost('10.0.0.1', 'shop')).toBeUndefined();
	});
});

describe('evidence summary', () => {
	it('is bounded and says which sources are missing', () => {
		const long = 'x'.repeat(10_000);
		const s = snapshot({
			sources: { history: ok, cluster: ok, logs: { status: 'error', durationMs: 3, detail: 'forbidden' }, prometheus: ok },
			events: Array.from({ length: 50 }, (_, i) => ({ type: 'Warning', reason: 'BackOff', message: `${i} ${long}`, object: 'Pod p', count: 1 })),
		});
		const text = evidenceSummary(s, 2000);
		expect(text.length).toBeLessThanOrEqual(2000);
		expect(text).toContain('logs error (forbidden)');
	});
});
