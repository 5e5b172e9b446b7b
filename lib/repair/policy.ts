// The app's own remediation policy, written by Render Manifests / Deploy App as annotations on
// the workload (n8n-nodes-aiops.dev/auto-repair, allowed-actions, max-memory, max-replicas,
// approval-required) and checked here before any change.
import type { RepairAction } from './actions';

export interface RemediationPolicy {
	/** false: no automatic repair at all */
	autoRepair: boolean;
	allowedActions: RepairAction[];
	/** memory limit ceiling for raise_memory (a Kubernetes quantity) */
	maxMemory: string;
	/** replica ceiling for scale */
	maxReplicas: number;
	/** actions that wait for a human's approval before they change anything */
	approvalRequired: RepairAction[];
}

export interface PolicyRefusal {
	code: 'policy_disabled' | 'action_not_allowed' | 'needs_approval';
	reason: string;
}

/**
 * Why the app's policy refuses `action` now, or undefined. A workload without a policy (not
 * deployed by this package) allows every action without approval; `approved` says a human has
 * approved this repair (the workflow's approval step ran before this node).
 */
export function checkPolicy(
	policy: RemediationPolicy | undefined,
	action: RepairAction,
	approved: boolean,
): PolicyRefusal | undefined {
	if (!policy) return undefined;
	if (!policy.autoRepair) {
		return {
			code: 'policy_disabled',
			reason: 'the app policy disables automatic repair (auto-repair: disabled)',
		};
	}
	if (!policy.allowedActions.includes(action)) {
		return {
			code: 'action_not_allowed',
			reason: `the app policy does not allow ${action} (allowed: ${policy.allowedActions.join(', ') || 'none'})`,
		};
	}
	if (policy.approvalRequired.includes(action) && !approved) {
		return {
			code: 'needs_approval',
			reason: `the app policy requires a human's approval for ${action}; nothing was changed`,
		};
	}
	return undefined;
}
