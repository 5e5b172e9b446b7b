// The repairs Repair Action can make, the workload kinds each applies to, and the alert label
// (`auto_repair`) values that name them.
import type { RepairAction } from '../manifests/policy';

// One vocabulary with the policy Render Manifests writes (lib/manifests/policy.ts).
export {
	actionForAutoRepairLabel,
	AUTO_REPAIR_LABELS,
	REPAIR_ACTIONS,
	type RepairAction,
} from '../manifests/policy';

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
