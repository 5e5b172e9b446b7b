// One evaluation of a workload's rollout, with the rules and messages of `kubectl rollout
// status` (kubectl v0.30 polymorphichelpers/rollout_status.go): Deployment in the exact rule
// order of DeploymentStatusViewer, StatefulSet and DaemonSet as their viewers. `error` set
// means kubectl stops with that error; `done` means it prints the message and exits 0.

export interface RolloutStatus {
	done: boolean;
	/** kubectl's line, without its trailing newline */
	message: string;
	error?: string;
}

interface Workload {
	kind?: string;
	metadata?: { name?: string; generation?: number; annotations?: Record<string, string> };
	spec?: {
		replicas?: number | null;
		updateStrategy?: { type?: string; rollingUpdate?: { partition?: number | null } | null };
	};
	status?: {
		observedGeneration?: number;
		replicas?: number;
		updatedReplicas?: number;
		readyReplicas?: number;
		availableReplicas?: number;
		currentReplicas?: number;
		currentRevision?: string;
		updateRevision?: string;
		desiredNumberScheduled?: number;
		updatedNumberScheduled?: number;
		numberAvailable?: number;
		conditions?: { type?: string; reason?: string }[];
	};
}
const REVISION = 'deployment.kubernetes.io/revision';

export function deploymentRolloutStatus(d: Workload, revision = 0): RolloutStatus {
	const name = JSON.stringify(d.metadata?.name ?? '');
	const status = d.status ?? {};
	if (revision > 0) {
		const running = d.metadata?.annotations?.[REVISION];
		if (String(revision) !== running) {
			const error = `desired revision (${revision}) is different from the running revision (${running ?? ''})`;
			return { done: false, message: error, error };
		}
	}
	if ((d.metadata?.generation ?? 0) <= (status.observedGeneration ?? 0)) {
		const progressing = (status.conditions ?? []).find((c) => c.type === 'Progressing');
		if (progressing?.reason === 'ProgressDeadlineExceeded') {
			const error = `deployment ${name} exceeded its progress deadline`;
			return { done: false, message: error, error };
		}
		const updated = status.updatedReplicas ?? 0;
		const replicas = status.replicas ?? 0;
		const available = status.availableReplicas ?? 0;
		if (d.spec?.replicas != null && updated < d.spec.replicas) {
			return {
				done: false,
				message: `Waiting for deployment ${name} rollout to finish: ${updated} out of ${d.spec.replicas} new replicas have been updated...`,
			};
		}
		if (replicas > updated) {
			return {
				done: false,
				message: `Waiting for deployment ${name} rollout to finish: ${replicas - updated} old replicas are pending termination...`,
			};
		}
		if (available < updated) {
			return {
				done: false,
				message: `Waiting for deployment ${name} rollout to finish: ${available} of ${updated} updated replicas are available...`,
			};
		}
		return { done: true, message: `deployment ${name} successfully rolled out` };
	}
	return { done: false, message: 'Waiting for deployment spec update to be observed...' };
}

export function statefulSetRolloutStatus(s: Workload): RolloutStatus {
	const status = s.status ?? {};
	const strategy = s.spec?.updateStrategy ?? {};
	if (strategy.type !== undefined && strategy.type !== 'RollingUpdate') {
		const error = 'rollout status is only available for RollingUpdate strategy type';
		return { done: true, message: error, error };
	}
	if (!status.observedGeneration || (s.metadata?.generation ?? 0) > status.observedGeneration) {
		return { done: false, message: 'Waiting for statefulset spec update to be observed...' };
	}
	const replicas = s.spec?.replicas;
	if (replicas != null && (status.readyReplicas ?? 0) < replicas) {
		return {
			done: false,
			message: `Waiting for ${replicas - (status.readyReplicas ?? 0)} pods to be ready...`,
		};
	}
	if (strategy.type === 'RollingUpdate' && strategy.rollingUpdate) {
		const partition = strategy.rollingUpdate.partition;
		if (
			replicas != null &&
			partition != null &&
			(status.updatedReplicas ?? 0) < replicas - partition
		) {
			return {
				done: false,
				message: `Waiting for partitioned roll out to finish: ${status.updatedReplicas ?? 0} out of ${replicas - partition} new pods have been updated...`,
			};
		}
		return {
			done: true,
			message: `partitioned roll out complete: ${status.updatedReplicas ?? 0} new pods have been updated...`,
		};
	}
	if (status.updateRevision !== status.currentRevision) {
		return {
			done: false,
			message: `waiting for statefulset rolling update to complete ${status.updatedReplicas ?? 0} pods at revision ${status.updateRevision}...`,
		};
	}
	return {
		done: true,
		message: `statefulset rolling update complete ${status.currentReplicas ?? 0} pods at revision ${status.currentRevision}...`,
	};
}

export function daemonSetRolloutStatus(ds: Workload): RolloutStatus {
	const name = JSON.stringify(ds.metadata?.name ?? '');
	const status = ds.status ?? {};
	const type = ds.spec?.updateStrategy?.type;
	if (type !== undefined && type !== 'RollingUpdate') {
		const error = 'rollout status is only available for RollingUpdate strategy type';
		return { done: true, message: error, error };
	}
	if ((ds.metadata?.generation ?? 0) <= (status.observedGeneration ?? 0)) {
		const desired = status.desiredNumberScheduled ?? 0;
		if ((status.updatedNumberScheduled ?? 0) < desired) {
			return {
				done: false,
				message: `Waiting for daemon set ${name} rollout to finish: ${status.updatedNumberScheduled ?? 0} out of ${desired} new pods have been updated...`,
			};
		}
		if ((status.numberAvailable ?? 0) < desired) {
			return {
				done: false,
				message: `Waiting for daemon set ${name} rollout to finish: ${status.numberAvailable ?? 0} of ${desired} updated pods are available...`,
			};
		}
		return { done: true, message: `daemon set ${name} successfully rolled out` };
	}
	return { done: false, message: 'Waiting for daemon set spec update to be observed...' };
}

export function rolloutStatus(o: Workload, revision = 0): RolloutStatus {
	switch (o.kind) {
		case 'Deployment':
			return deploymentRolloutStatus(o, revision);
		case 'StatefulSet':
			return statefulSetRolloutStatus(o);
		case 'DaemonSet':
			return daemonSetRolloutStatus(o);
		default:
			throw new Error(`no rollout status for ${String(o.kind)}`);
	}
}
