// The app's own remediation policy, written by Render Manifests / Deploy App as annotations on
// the workload (n8n-nodes-aiops.dev/auto-repair, allowed-actions, max-memory, max-replicas,
// approval-required) and checked here before any change.
import { readPolicyAnnotations, type RemediationPolicy } from '../manifests/policy';
import type { RepairAction } from './actions';

export { POLICY_ANNOTATIONS, type RemediationPolicy } from '../manifests/policy';

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

export type PolicyRead = { policy: RemediationPolicy | undefined } | { invalid: string };

/** The policy on a workload's annotations; a malformed annotation is reported, never defaulted. */
export function policyOf(annotations: Record<string, string> | undefined): PolicyRead {
	try {
		return { policy: readPolicyAnnotations(annotations) };
	} catch (error) {
		return { invalid: (error as Error).message };
	}
}
