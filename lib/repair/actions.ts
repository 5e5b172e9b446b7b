// The repairs Repair Action can make, the workload kinds each applies to, and the alert label
// (`auto_repair`) values that name them.

export const REPAIR_ACTIONS = [
	'restart',
	'rollback',
	'raise_memory',
	'scale',
	'delete_pod',
	'cleanup',
] as const;
export type RepairAction = (typeof REPAIR_ACTIONS)[number];

export function isRepairAction(value: string): value is RepairAction {
	return (REPAIR_ACTIONS as readonly string[]).includes(value);
}

/** What an action says in output and messages. */
export const ACTION_TITLES: Record<RepairAction, string> = {
	restart: 'rollout restart',
	rollback: 'rollback to the previous revision',
	raise_memory: 'raise the memory limit',
	scale: 'scale replicas',
	delete_pod: 'delete a pod',
	cleanup: 'clean up failed pods and finished jobs',
};

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** The kinds each action supports (cleanup and delete_pod work on pods of any kind). */
export const ACTION_KINDS: Record<RepairAction, readonly WorkloadKind[]> = {
	restart: WORKLOAD_KINDS,
	// `kubectl rollout undo` for Deployments: the previous ReplicaSet's template.
	rollback: ['Deployment'],
	raise_memory: WORKLOAD_KINDS,
	scale: ['Deployment', 'StatefulSet'],
	delete_pod: WORKLOAD_KINDS,
	cleanup: WORKLOAD_KINDS,
};

/**
 * `auto_repair` label values (the seed's rules use restart, scale_memory, oom_handler, rollback,
 * cleanup) and the action each means. The same vocabulary as the rendered PrometheusRule.
 */
export const AUTO_REPAIR_LABELS: Record<string, RepairAction> = {
	restart: 'restart',
	rollback: 'rollback',
	scale_memory: 'raise_memory',
	oom_handler: 'raise_memory',
	raise_memory: 'raise_memory',
	scale: 'scale',
	scale_up: 'scale',
	delete_pod: 'delete_pod',
	cleanup: 'cleanup',
};

export function actionForAutoRepairLabel(label: string): RepairAction | undefined {
	return Object.prototype.hasOwnProperty.call(AUTO_REPAIR_LABELS, label)
		? AUTO_REPAIR_LABELS[label]
		: undefined;
}
