// kubectl rollout status, rule by rule (exactness.md 4.3), and its StatefulSet/DaemonSet viewers.
import fc from 'fast-check';

import {
	daemonSetRolloutStatus,
	deploymentRolloutStatus,
	statefulSetRolloutStatus,
} from '../../lib/kube/rolloutStatus';

const dep = (
	generation: number,
	spec: number | undefined,
	status: Record<string, unknown>,
	annotations = {},
) => ({
	kind: 'Deployment',
	metadata: { name: 'web', generation, annotations },
	spec: spec === undefined ? {} : { replicas: spec },
	status,
});

describe('deploymentRolloutStatus', () => {
	it.each([
		[
			dep(2, 3, { observedGeneration: 1 }),
			false,
			'Waiting for deployment spec update to be observed...',
		],
		[
			dep(1, 3, { observedGeneration: 1, updatedReplicas: 1, replicas: 3 }),
			false,
			'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...',
		],
		[
			dep(1, 3, { observedGeneration: 1, updatedReplicas: 3, replicas: 4 }),
			false,
			'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...',
		],
		[
			dep(1, 3, { observedGeneration: 1, updatedReplicas: 3, replicas: 3, availableReplicas: 2 }),
			false,
			'Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are available...',
		],
		[
			dep(1, 3, { observedGeneration: 1, updatedReplicas: 3, replicas: 3, availableReplicas: 3 }),
			true,
			'deployment "web" successfully rolled out',
		],
		// spec.replicas nil skips rule 2
		[
			dep(1, undefined, {
				observedGeneration: 1,
				updatedReplicas: 0,
				replicas: 0,
				availableReplicas: 0,
			}),
			true,
			'deployment "web" successfully rolled out',
		],
	])('%#: %s', (d, done, message) => {
		expect(deploymentRolloutStatus(d)).toEqual({ done, message });
	});

	it('reports an exceeded progress deadline as an error before anything else', () => {
		const d = dep(1, 3, {
			observedGeneration: 1,
			updatedReplicas: 1,
			conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
		});
		expect(deploymentRolloutStatus(d).error).toBe(
			'deployment "web" exceeded its progress deadline',
		);
	});

	it('checks --revision first', () => {
		const d = dep(
			1,
			1,
			{ observedGeneration: 1, updatedReplicas: 1, replicas: 1, availableReplicas: 1 },
			{ 'deployment.kubernetes.io/revision': '3' },
		);
		expect(deploymentRolloutStatus(d, 2).error).toBe(
			'desired revision (2) is different from the running revision (3)',
		);
		expect(deploymentRolloutStatus(d, 3).done).toBe(true);
	});

	it('quotes the name as Go %q does', () => {
		expect(
			deploymentRolloutStatus({
				metadata: { name: 'a"b', generation: 1 },
				spec: { replicas: 1 },
				status: { observedGeneration: 1 },
			}).message,
		).toContain('"a\\"b"');
	});

	it('is done exactly when no waiting rule applies (property)', () => {
		const n = fc.integer({ min: 0, max: 5 });
		fc.assert(
			fc.property(n, n, n, n, n, n, (gen, obs, spec, updated, replicas, available) => {
				const s = deploymentRolloutStatus(
					dep(gen, spec, {
						observedGeneration: obs,
						updatedReplicas: updated,
						replicas,
						availableReplicas: available,
					}),
				);
				const done = gen <= obs && updated >= spec && replicas <= updated && available >= updated;
				return s.done === done && !s.error;
			}),
		);
	});
});

describe('statefulSetRolloutStatus / daemonSetRolloutStatus', () => {
	const sts = (status: Record<string, unknown>, partition?: number) => ({
		metadata: { name: 'db', generation: 1 },
		spec: {
			replicas: 3,
			updateStrategy: {
				type: 'RollingUpdate',
				...(partition === undefined ? {} : { rollingUpdate: { partition } }),
			},
		},
		status,
	});
	it('follows kubectl for StatefulSets', () => {
		expect(statefulSetRolloutStatus(sts({})).message).toBe(
			'Waiting for statefulset spec update to be observed...',
		);
		expect(statefulSetRolloutStatus(sts({ observedGeneration: 1, readyReplicas: 1 })).message).toBe(
			'Waiting for 2 pods to be ready...',
		);
		expect(
			statefulSetRolloutStatus(
				sts({ observedGeneration: 1, readyReplicas: 3, updatedReplicas: 1 }, 0),
			).message,
		).toBe('Waiting for partitioned roll out to finish: 1 out of 3 new pods have been updated...');
		expect(
			statefulSetRolloutStatus(
				sts({ observedGeneration: 1, readyReplicas: 3, updatedReplicas: 3 }, 0),
			),
		).toEqual({
			done: true,
			message: 'partitioned roll out complete: 3 new pods have been updated...',
		});
		expect(
			statefulSetRolloutStatus(
				sts({
					observedGeneration: 1,
					readyReplicas: 3,
					currentReplicas: 3,
					currentRevision: 'db-1',
					updateRevision: 'db-1',
				}),
			),
		).toEqual({
			done: true,
			message: 'statefulset rolling update complete 3 pods at revision db-1...',
		});
	});
	it('follows kubectl for DaemonSets', () => {
		const ds = (status: Record<string, unknown>) => ({
			metadata: { name: 'agent', generation: 1 },
			spec: { updateStrategy: { type: 'RollingUpdate' } },
			status,
		});
		expect(
			daemonSetRolloutStatus(
				ds({ observedGeneration: 1, desiredNumberScheduled: 2, updatedNumberScheduled: 1 }),
			).message,
		).toBe(
			'Waiting for daemon set "agent" rollout to finish: 1 out of 2 new pods have been updated...',
		);
		expect(
			daemonSetRolloutStatus(
				ds({
					observedGeneration: 1,
					desiredNumberScheduled: 2,
					updatedNumberScheduled: 2,
					numberAvailable: 2,
				}),
			).done,
		).toBe(true);
		expect(
			daemonSetRolloutStatus({ ...ds({}), spec: { updateStrategy: { type: 'OnDelete' } } }).error,
		).toBe('rollout status is only available for RollingUpdate strategy type');
	});
});
