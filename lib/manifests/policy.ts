// The per-app remediation policy: which repairs may touch the app, how far they may go, and which
// need a human's approval. Render Manifests writes it as annotations on every workload it renders;
// Repair Action reads them back with readPolicyAnnotations. One codec, used by both sides.
import { InvalidInputError } from '../errors';
import { memoryQuantity } from './rules';

/** The annotation prefix of this package (labels and annotations it owns). */
export const ANNOTATION_PREFIX = 'n8n-nodes-aiops.dev';

/** Repair Action's operations, in the vocabulary the policy uses. */
export const REPAIR_ACTIONS = [
	'restart',
	'rollback',
	'raise_memory',
	'scale',
	'delete_pod',
	'cleanup',
] as const;
export type RepairAction = (typeof REPAIR_ACTIONS)[number];

/**
 * The `auto_repair` label values the rendered PrometheusRule carries (the seed's: restart,
 * scale_memory, oom_handler, rollback) and the action each one means.
 */
export const AUTO_REPAIR_LABELS: Record<string, RepairAction> = {
	restart: 'restart',
	rollback: 'rollback',
	scale_memory: 'raise_memory',
	oom_handler: 'raise_memory',
	raise_memory: 'raise_memory',
	scale: 'scale',
	delete_pod: 'delete_pod',
	cleanup: 'cleanup',
};

export function actionForAutoRepairLabel(label: string): RepairAction | undefined {
	return Object.prototype.hasOwnProperty.call(AUTO_REPAIR_LABELS, label)
		? AUTO_REPAIR_LABELS[label]
		: undefined;
}

export interface RemediationPolicy {
	/** false: no automatic repair at all (alerts still fire and notify) */
	autoRepair: boolean;
	allowedActions: RepairAction[];
	/** memory limit ceiling for raise_memory (a Kubernetes quantity) */
	maxMemory: string;
	/** replica ceiling for scale */
	maxReplicas: number;
	/** actions that wait for a human's approval before they change anything */
	approvalRequired: RepairAction[];
}

export const POLICY_ANNOTATIONS = {
	autoRepair: `${ANNOTATION_PREFIX}/auto-repair`,
	allowedActions: `${ANNOTATION_PREFIX}/allowed-actions`,
	maxMemory: `${ANNOTATION_PREFIX}/max-memory`,
	maxReplicas: `${ANNOTATION_PREFIX}/max-replicas`,
	approvalRequired: `${ANNOTATION_PREFIX}/approval-required`,
} as const;

/** The policy as workload annotations (all values strings, lists comma-separated). */
export function policyAnnotations(policy: RemediationPolicy): Record<string, string> {
	return {
		[POLICY_ANNOTATIONS.autoRepair]: policy.autoRepair ? 'enabled' : 'disabled',
		[POLICY_ANNOTATIONS.allowedActions]: policy.allowedActions.join(','),
		[POLICY_ANNOTATIONS.maxMemory]: policy.maxMemory,
		[POLICY_ANNOTATIONS.maxReplicas]: String(policy.maxReplicas),
		[POLICY_ANNOTATIONS.approvalRequired]: policy.approvalRequired.join(','),
	};
}

function actionList(value: string, field: string): RepairAction[] {
	const actions = value
		.split(',')
		.map((part) => part.trim())
		.filter((part) => part !== '');
	for (const action of actions) {
		if (!(REPAIR_ACTIONS as readonly string[]).includes(action)) {
			throw new InvalidInputError(
				`${field}: unknown repair action "${action}"; known: ${REPAIR_ACTIONS.join(', ')}`,
				field,
			);
		}
	}
	return actions as RepairAction[];
}

/**
 * Reads the policy back from a workload's annotations. Returns undefined when the workload
 * carries none (it was not deployed by this package: Repair Action applies its own defaults).
 * A malformed annotation is an error naming it, never a silent default.
 */
export function readPolicyAnnotations(
	annotations: Record<string, string> | undefined,
): RemediationPolicy | undefined {
	if (!annotations || annotations[POLICY_ANNOTATIONS.autoRepair] === undefined) return undefined;
	const get = (key: string) => annotations[key] ?? '';
	const autoRepair = get(POLICY_ANNOTATIONS.autoRepair);
	if (autoRepair !== 'enabled' && autoRepair !== 'disabled') {
		throw new InvalidInputError(
			`${POLICY_ANNOTATIONS.autoRepair}: must be "enabled" or "disabled"`,
			POLICY_ANNOTATIONS.autoRepair,
		);
	}
	const maxReplicas = Number(get(POLICY_ANNOTATIONS.maxReplicas));
	if (!Number.isInteger(maxReplicas) || maxReplicas < 1) {
		throw new InvalidInputError(
			`${POLICY_ANNOTATIONS.maxReplicas}: must be a whole number of at least 1`,
			POLICY_ANNOTATIONS.maxReplicas,
		);
	}
	return {
		autoRepair: autoRepair === 'enabled',
		allowedActions: actionList(
			get(POLICY_ANNOTATIONS.allowedActions),
			POLICY_ANNOTATIONS.allowedActions,
		),
		maxMemory: memoryQuantity(get(POLICY_ANNOTATIONS.maxMemory), POLICY_ANNOTATIONS.maxMemory),
		maxReplicas,
		approvalRequired: actionList(
			get(POLICY_ANNOTATIONS.approvalRequired),
			POLICY_ANNOTATIONS.approvalRequired,
		),
	};
}
