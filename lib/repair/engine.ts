// One repair, start to end: namespace guard → lease → the workload and its policy → the action
// (given, or chosen by the Auto planner) → the change prepared (refusals: no previous revision,
// HPA, caps …) → approval → guards (breaker, backoff, cooldown, rate, 7-day raise cap) → the
// change → verification → the outcome recorded. Every check comes before any change, and
// every way out says why.
import { randomUUID } from 'node:crypto';

import { checkAction, type AnomalyStore, type RepairOutcome, type SkipGate } from '../anomaly';
import type { FieldChange, KubeClient, KubeObject } from '../kube';
import type { RemediationPolicy } from '../manifests/policy';
import { ACTION_KINDS, type RepairAction } from './actions';
import type { ActionContext, ActionParams, Prepared, PreparedChange, Refusal } from './change';
import { prepareCleanup } from './cleanup';
import { prepareDeletePod } from './deletePod';
import {
	admitRefusal,
	attemptWindows,
	leaseRefusal,
	type GuardRules,
	type GuardState,
	type GuardStore,
} from './guards';
import { checkNamespace, type NamespaceRules } from './namespaces';
import { isOomKilled, isSaturation, planRepair, type RepairPlan } from './planner';
import { checkPolicy, policyOf } from './policy';
import { prepareRaiseMemory } from './raiseMemory';
import { prepareRestart } from './restart';
import { prepareRollback } from './rollback';
import { prepareScale } from './scale';
import { describeTarget, targetKey, type RepairTarget } from './target';
import { verifyChange, type Verification, type VerifyOptions } from './verify';
import { readWorkload, recentRollout } from './workload';

export type RepairOperation = RepairAction | 'auto';

export type RepairStatus =
	| 'succeeded'
	| 'failed'
	| 'skipped'
	| 'needs_approval'
	| 'dry_run'
	| 'escalated';

export interface AutoInputs {
	/** the alert's auto_repair label ('' when none) */
	autoRepairLabel: string;
	/** the incident's recommended tier (1–4) */
	tier: number;
	errorType: string;
	alertName: string;
	saturationPattern: string;
	/** a rollout this recent counts for tier 3 */
	recentRolloutMs: number;
	gate: SkipGate;
}

export interface RepairRequest {
	operation: RepairOperation;
	target: RepairTarget;
	dryRun: boolean;
	/** a human approved this repair (the workflow's approval step ran before) */
	approved: boolean;
	who: string;
	why: string;
	anomalyKey?: string;
	incidentId?: string;
	auto?: AutoInputs;
	params: ActionParams;
	namespaces: NamespaceRules;
	rules: GuardRules;
	verify: Omit<VerifyOptions, 'httpGet'>;
}

/** What Repair Action reports for one item. */
export interface RepairResult {
	status: RepairStatus;
	operation: RepairOperation;
	action: RepairAction | null;
	target: { namespace: string; kind: string; name: string; container: string; pod: string };
	reason: string;
	/** why it was skipped (lease_held, cooldown, no_previous_revision …) */
	code: string | null;
	needs_human: boolean;
	permanent_fix: boolean;
	escalation_level: 'PERMANENT_FIX' | null;
	approval_required: boolean;
	dry_run: boolean;
	plan: { explanation: string; steps: RepairPlan['steps'] } | null;
	change: {
		description: string;
		before: Record<string, unknown>;
		after: Record<string, unknown>;
		fields: FieldChange[];
		deleted?: string[];
		details?: Record<string, unknown>;
	} | null;
	/** in a dry run: the guard that would refuse the real repair now */
	would_skip: { code: string; reason: string } | null;
	verification: Verification | null;
	guard: GuardState | null;
	attempt_id: string;
	anomaly_key: string | null;
	incident_id: string | null;
	started_at: string;
	finished_at: string;
	duration_ms: number;
}

export interface RepairDeps {
	/** null: no cluster credential — plan only, change nothing (the shipped workflows' default) */
	kube: KubeClient | null;
	guards: GuardStore;
	/** outcome history: the Auto gate reads it */
	anomaly?: AnomalyStore;
	/** the controllable clock (ms since the epoch) */
	clock?: () => number;
	httpGet?: VerifyOptions['httpGet'];
	newId?: () => string;
}

const PREPARE: Record<RepairAction, (ctx: ActionContext) => Prepared | Promise<Prepared>> = {
	restart: prepareRestart,
	rollback: prepareRollback,
	raise_memory: prepareRaiseMemory,
	scale: prepareScale,
	delete_pod: prepareDeletePod,
	cleanup: prepareCleanup,
};

/** The lease outlives the longest repair: the verification plus a margin. */
function leaseTtl(req: RepairRequest): number {
	return Math.max(req.rules.leaseTtlMs, req.verify.timeoutMs + 60_000);
}

async function plan(
	deps: RepairDeps,
	req: RepairRequest,
	workload: KubeObject | null,
	policy: RemediationPolicy | undefined,
	now: number,
): Promise<RepairPlan> {
	const auto = req.auto!;
	let history: RepairOutcome[] = [];
	if (deps.anomaly && req.anomalyKey) {
		const h = (await deps.anomaly.outcomeHistory([req.anomalyKey])).get(req.anomalyKey);
		if (h instanceof Error) throw h;
		history = h?.outcomes ?? [];
	}
	const rollout =
		req.target.kind === 'Deployment' && deps.kube && workload
			? await recentRollout(deps.kube, workload, now, auto.recentRolloutMs)
			: null;
	return planRepair(
		{
			autoRepairLabel: auto.autoRepairLabel,
			tier: auto.tier,
			kind: req.target.kind,
			oomKilled: isOomKilled(auto.errorType, auto.alertName),
			saturation: isSaturation(auto.errorType, auto.alertName, auto.saturationPattern),
			recentRollout: rollout,
		},
		(action) => {
			if (policy && !policy.allowedActions.includes(action)) {
				return { skip: true, reason: `the app policy does not allow ${action}` };
			}
			if (!req.anomalyKey) return { skip: false, reason: '' };
			const c = checkAction(req.anomalyKey, action, history, auto.gate);
			return { skip: c.skip, reason: c.reason };
		},
	);
}

/**
 * Without a cluster credential nothing can be read or changed: the choice is made from the
 * alert and the incident alone (no policy, no rollout history) and returned as a dry run.
 */
async function planWithoutCluster(
	deps: RepairDeps,
	req: RepairRequest,
	result: RepairResult,
	finish: (status: RepairStatus, reason: string, refusal?: Partial<Refusal>) => RepairResult,
	now: number,
): Promise<RepairResult> {
	let action: RepairAction | null = req.operation === 'auto' ? null : req.operation;
	if (req.operation === 'auto') {
		const p = await plan(deps, req, null, undefined, now);
		result.plan = { explanation: p.explanation, steps: p.steps };
		if (!p.action) {
			result.needs_human = true;
			return finish('escalated', p.explanation, { code: 'escalate', needs_human: true });
		}
		action = p.action;
		result.action = action;
	}
	result.dry_run = true;
	return finish(
		'dry_run',
		`no Kubernetes credential: planned ${action} of ${describeTarget(req.target)}; nothing was changed (choose a Kubernetes API credential to repair)`,
		{ code: 'no_cluster' },
	);
}

/** Runs one repair request to its end. Throws only when the cluster or a store cannot be read. */
export async function runRepair(deps: RepairDeps, req: RepairRequest): Promise<RepairResult> {
	const clock = deps.clock ?? Date.now;
	const startedAt = clock();
	const t0 = Date.now();
	const attemptId = (deps.newId ?? randomUUID)();
	const key = targetKey(req.target);
	const result: RepairResult = {
		status: 'skipped',
		operation: req.operation,
		action: req.operation === 'auto' ? null : req.operation,
		target: { ...req.target },
		reason: '',
		code: null,
		needs_human: false,
		permanent_fix: false,
		escalation_level: null,
		approval_required: false,
		dry_run: req.dryRun,
		plan: null,
		change: null,
		would_skip: null,
		verification: null,
		guard: null,
		attempt_id: attemptId,
		anomaly_key: req.anomalyKey ?? null,
		incident_id: req.incidentId ?? null,
		started_at: new Date(startedAt).toISOString(),
		finished_at: '',
		duration_ms: 0,
	};
	const finish = (
		status: RepairStatus,
		reason: string,
		refusal?: Partial<Refusal>,
	): RepairResult => {
		result.status = status;
		result.reason = reason;
		if (refusal?.code) result.code = refusal.code;
		if (refusal?.needs_human) result.needs_human = true;
		if (refusal?.permanent_fix) {
			result.permanent_fix = true;
			result.escalation_level = 'PERMANENT_FIX';
		}
		result.finished_at = new Date(clock()).toISOString();
		result.duration_ms = Date.now() - t0;
		return result;
	};
	const skip = (r: Refusal) => finish('skipped', r.reason, r);

	const ns = checkNamespace(req.target.namespace, req.namespaces);
	if (ns) return skip(ns);
	if (!deps.kube) return planWithoutCluster(deps, req, result, finish, startedAt);
	const kube = deps.kube;

	let leased = false;
	if (!req.dryRun) {
		const lease = await deps.guards.acquireLease(key, attemptId, startedAt, leaseTtl(req));
		if (!lease.acquired) return skip(leaseRefusal(lease, describeTarget(req.target)));
		leased = true;
	}
	try {
		const workload = await readWorkload(kube, req.target);
		if (!workload && req.operation !== 'cleanup') {
			return skip({ code: 'not_found', reason: `${describeTarget(req.target)} not found` });
		}
		const read = policyOf(workload?.metadata.annotations);
		if ('invalid' in read) {
			return skip({
				code: 'policy_invalid',
				reason: `the app policy annotations are malformed: ${read.invalid}`,
				needs_human: true,
			});
		}
		const policy = read.policy;
		if (policy && !policy.autoRepair) {
			return skip({
				code: 'policy_disabled',
				reason: 'the app policy disables automatic repair (auto-repair: disabled)',
			});
		}

		let action: RepairAction;
		if (req.operation === 'auto') {
			const p = await plan(deps, req, workload!, policy, startedAt);
			result.plan = { explanation: p.explanation, steps: p.steps };
			if (!p.action) {
				result.needs_human = true;
				return finish('escalated', p.explanation, { code: 'escalate', needs_human: true });
			}
			action = p.action;
			result.action = action;
		} else action = req.operation;

		if (!ACTION_KINDS[action].includes(req.target.kind)) {
			return skip({
				code: 'unsupported',
				reason: `${action} does not apply to a ${req.target.kind}`,
			});
		}
		const policyRefusal = checkPolicy(policy, action, true);
		if (policyRefusal) return skip(policyRefusal);
		result.approval_required = !!checkPolicy(policy, action, req.approved);

		const admission = {
			target: key,
			action,
			now: startedAt,
			cooldownMs: req.rules.cooldownMs,
			windows: attemptWindows(action, req.rules),
			attemptId,
		};
		// The guards first (breaker, backoff, cooldown, rate, raise cap), only looking: nothing
		// is read from or sent to the cluster for a repair they refuse. In a dry run they only
		// say what a real repair would meet.
		const peek = admitRefusal(
			await deps.guards.admit({ ...admission, record: false }),
			admission,
			req.rules,
		);
		if (peek && !req.dryRun) return skip(peek);
		if (peek) result.would_skip = { code: peek.code, reason: peek.reason };

		const prepared = await PREPARE[action]({
			client: kube,
			target: req.target,
			workload,
			policy,
			params: req.params,
			now: startedAt,
		});
		if (!prepared.ok) return skip(prepared.refusal);
		const change = prepared.change;

		if (req.dryRun) {
			await describeChange(result, change, true);
			return finish(
				'dry_run',
				`dry run: ${change.description}; nothing was changed${peek ? ` (a real repair now would be refused: ${peek.reason})` : ''}`,
			);
		}
		if (result.approval_required) {
			await describeChange(result, change, true);
			return finish(
				'needs_approval',
				`the app policy requires a human's approval for ${action}; nothing was changed (the diff is what it would do)`,
				{
					code: 'needs_approval',
				},
			);
		}

		const admitted = await deps.guards.admit({ ...admission, record: true });
		const refusal = admitRefusal(admitted, admission, req.rules);
		if (refusal) return skip(refusal);

		let ok = true;
		let reason = '';
		try {
			await describeChange(result, change, false);
		} catch (error) {
			ok = false;
			reason = `the change failed: ${(error as Error).message}`;
		}
		if (ok) {
			result.verification = await verifyChange(kube, req.target, change, {
				...req.verify,
				httpGet: deps.httpGet,
			});
			ok = result.verification.ok;
			reason = ok
				? `${change.description}: done and verified${result.verification.rollout ? ` (${result.verification.rollout})` : ''}`
				: `${change.description}: ${result.verification.reason}`;
		}
		result.guard = await deps.guards.recordResult(key, action, ok, clock(), req.rules);
		if (!ok && result.guard.breakerUntil > clock()) {
			result.needs_human = true;
			reason += `; breaker open until ${new Date(result.guard.breakerUntil).toISOString()} after ${result.guard.targetFailures} consecutive failed repairs — a person should look`;
		}
		return finish(ok ? 'succeeded' : 'failed', reason);
	} finally {
		if (leased) await deps.guards.releaseLease(key, attemptId).catch(() => undefined);
	}
}

async function describeChange(
	result: RepairResult,
	change: PreparedChange,
	dryRun: boolean,
): Promise<void> {
	result.change = {
		description: change.description,
		before: change.before,
		after: change.after,
		fields: [],
		details: change.details,
	};
	const applied = await change.apply(dryRun);
	result.change.after = change.after;
	result.change.fields = applied.fields;
	if (applied.deleted) result.change.deleted = applied.deleted;
}
