// What an action module hands the engine: either a refusal (with its reason) or a prepared
// change — the values before and after, and a function that sends exactly that change to the
// API server, for real or as a server-side dry run (dryRun=All).
import type { FieldChange, KubeClient, KubeObject } from '../kube';
import type { RemediationPolicy } from '../manifests/policy';
import type { RepairAction } from './actions';
import type { RepairTarget } from './target';

export interface Refusal {
	code: string;
	reason: string;
	/** a person should look (memory keeps running out, the breaker is open, no way to act) */
	needs_human?: boolean;
	/** a code fix is needed, not another repair */
	permanent_fix?: boolean;
	until?: string;
}

export interface AppliedChange {
	/** the fields the change sets, as the server answered (before → after) */
	fields: FieldChange[];
	/** objects a delete removed (or would remove, in a dry run) */
	deleted?: string[];
}

export interface PreparedChange {
	action: RepairAction;
	/** one sentence: what this change does */
	description: string;
	before: Record<string, unknown>;
	after: Record<string, unknown>;
	/** caps, revisions, the HPA looked for … */
	details?: Record<string, unknown>;
	/** sends the change; dryRun: the server's dry run of exactly the same request(s) */
	apply(dryRun: boolean): Promise<AppliedChange>;
	/** how the engine verifies it: the workload's rollout, or nothing to wait for */
	verify: 'rollout' | 'none';
	/** for delete_pod: the pod that must be gone before the rollout check means anything */
	awaitDeletion?: { namespace: string; name: string };
}

export type Prepared = { ok: true; change: PreparedChange } | { ok: false; refusal: Refusal };

export interface ActionParams {
	/** rollback: 0 = the previous revision */
	toRevision: number;
	/** raise_memory: multiply the limit by this */
	memoryFactor: number;
	/** raise_memory: an absolute ceiling set on the node (besides the app policy) */
	maxMemory?: string;
	/** scale: to N, or by +N */
	scaleMode: 'to' | 'by';
	replicas: number;
	/** scale: a ceiling set on the node (besides the app policy) */
	maxReplicas: number;
	/** cleanup: finished Jobs and failed pods older than this */
	cleanupOlderThanMs: number;
	cleanupPods: boolean;
	cleanupJobs: boolean;
}

export const DEFAULT_ACTION_PARAMS: ActionParams = {
	toRevision: 0,
	memoryFactor: 1.5,
	scaleMode: 'by',
	replicas: 1,
	maxReplicas: 10,
	cleanupOlderThanMs: 60 * 60_000,
	cleanupPods: true,
	cleanupJobs: true,
};

export interface ActionContext {
	client: KubeClient;
	target: RepairTarget;
	/** the live workload (undefined for a namespace-wide cleanup) */
	workload?: KubeObject;
	policy?: RemediationPolicy;
	params: ActionParams;
	/** ms since the epoch (the controllable clock) */
	now: number;
}

export const refuse = (code: string, reason: string, extra: Partial<Refusal> = {}): Prepared => ({
	ok: false,
	refusal: { code, reason, ...extra },
});
