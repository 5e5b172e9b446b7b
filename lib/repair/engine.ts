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
import type {
	ActionContext,
	ActionParams,
	AppliedChange,
	Prepared,
	PreparedChange,
	Refusal,
} from './change';
import { prepareCleanup } from './cleanup';
import { prepareDeletePod } from './deletePod';
import {
	admitRefusal,
	attemptWindows,
	leaseRefusal,
	type AdmitRequest,
	type GuardRules,
	type GuardState,
	type GuardStore,
} from './guards';
import { checkNamespace, type NamespaceRules } from './namespaces';
import {
	isOomKilled,
	isSaturation,
	planRepair,
	type DiagnosisFacts,
	type RepairPlan,
} from './planner';
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
	/** Investigate's diagnosis on the item, when confident enough to follow */
	diagnosis?: DiagnosisFacts | null;
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
		history = h ?? [];
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
			diagnosis: auto.diagnosis,
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

/** One repair under way: its result so far, and the ways it ends. */
interface Run {
	result: RepairResult;
	/** the workload's key: the lease, cooldowns and breakers are kept under it */
	key: string;
	attemptId: string;
	startedAt: number;
	clock: () => number;
	finish(status: RepairStatus, reason: string, refusal?: Partial<Refusal>): RepairResult;
	skip(refusal: Refusal): RepairResult;
}

function startRun(deps: RepairDeps, req: RepairRequest): Run {
	const clock = deps.clock ?? Date.now;
	const startedAt = clock();
	const t0 = Date.now();
	const attemptId = (deps.newId ?? randomUUID)();
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
	const finish = (status: RepairStatus, reason: string, refusal?: Partial<Refusal>) => {
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
	return {
		result,
		key: targetKey(req.target),
		attemptId,
		startedAt,
		clock,
		finish,
		skip: (r) => finish('skipped', r.reason, r),
	};
}

/** The action to take: the operation's, or the Auto planner's choice (null: escalate). */
async function chooseAction(
	deps: RepairDeps,
	req: RepairRequest,
	run: Run,
	workload: KubeObject | null,
	policy: RemediationPolicy | undefined,
): Promise<RepairAction | null> {
	if (req.operation !== 'auto') return req.operation;
	const p = await plan(deps, req, workload, policy, run.startedAt);
	run.result.plan = { explanation: p.explanation, steps: p.steps };
	if (!p.action) {
		run.result.needs_human = true;
		run.finish('escalated', p.explanation, { code: 'escalate', needs_human: true });
		return null;
	}
	run.result.action = p.action;
	return p.action;
}

/**
 * Without a cluster credential nothing can be read or changed: the choice is made from the
 * alert and the incident alone (no policy, no rollout history) and returned as a dry run.
 */
async function planWithoutCluster(
	deps: RepairDeps,
	req: RepairRequest,
	run: Run,
): Promise<RepairResult> {
	const action = await chooseAction(deps, req, run, null, undefined);
	if (!action) return run.result;
	run.result.dry_run = true;
	return run.finish(
		'dry_run',
		`no Kubernetes credential: planned ${action} of ${describeTarget(req.target)}; nothing was changed (choose a Kubernetes API credential to repair)`,
		{ code: 'no_cluster' },
	);
}

/** Runs one repair request to its end. Throws only when the cluster or a store cannot be read. */
export async function runRepair(deps: RepairDeps, req: RepairRequest): Promise<RepairResult> {
	const run = startRun(deps, req);
	const ns = checkNamespace(req.target.namespace, req.namespaces);
	if (ns) return run.skip(ns);
	if (!deps.kube) return planWithoutCluster(deps, req, run);
	if (req.dryRun) return repairWorkload(deps, deps.kube, req, run);
	const lease = await deps.guards.acquireLease(
		run.key,
		run.attemptId,
		run.startedAt,
		leaseTtl(req),
	);
	if (!lease.acquired) return run.skip(leaseRefusal(lease, describeTarget(req.target)));
	try {
		return await repairWorkload(deps, deps.kube, req, run);
	} finally {
		await deps.guards.releaseLease(run.key, run.attemptId).catch(() => undefined);
	}
}

/** The live workload and its app policy, or why the repair stops there. */
async function readTarget(
	kube: KubeClient,
	req: RepairRequest,
): Promise<
	{ workload: KubeObject | null; policy: RemediationPolicy | undefined } | { refusal: Refusal }
> {
	const workload = (await readWorkload(kube, req.target)) ?? null;
	if (!workload && req.operation !== 'cleanup') {
		return { refusal: { code: 'not_found', reason: `${describeTarget(req.target)} not found` } };
	}
	const read = policyOf(workload?.metadata.annotations);
	if ('invalid' in read) {
		return {
			refusal: {
				code: 'policy_invalid',
				reason: `the app policy annotations are malformed: ${read.invalid}`,
				needs_human: true,
			},
		};
	}
	if (read.policy && !read.policy.autoRepair) {
		return {
			refusal: {
				code: 'policy_disabled',
				reason: 'the app policy disables automatic repair (auto-repair: disabled)',
			},
		};
	}
	return { workload, policy: read.policy };
}

/** Every check, then the change and its verification (under the lease, when not a dry run). */
async function repairWorkload(
	deps: RepairDeps,
	kube: KubeClient,
	req: RepairRequest,
	run: Run,
): Promise<RepairResult> {
	const target = await readTarget(kube, req);
	if ('refusal' in target) return run.skip(target.refusal);
	const { workload, policy } = target;
	const action = await chooseAction(deps, req, run, workload, policy);
	if (!action) return run.result;
	if (!ACTION_KINDS[action].includes(req.target.kind)) {
		return run.skip({
			code: 'unsupported',
			reason: `${action} does not apply to a ${req.target.kind}`,
		});
	}
	const policyRefusal = checkPolicy(policy, action, true);
	if (policyRefusal) return run.skip(policyRefusal);
	run.result.approval_required = !!checkPolicy(policy, action, req.approved);

	const admission = {
		target: run.key,
		action,
		now: run.startedAt,
		cooldownMs: req.rules.cooldownMs,
		windows: attemptWindows(action, req.rules),
		attemptId: run.attemptId,
	};
	const peek = await peekGuards(deps, req, run, admission);
	if (peek && !req.dryRun) return run.skip(peek);

	const prepared = await PREPARE[action]({
		client: kube,
		target: req.target,
		workload: workload ?? undefined,
		policy,
		params: req.params,
		now: run.startedAt,
	});
	if (!prepared.ok) return run.skip(prepared.refusal);
	const change = prepared.change;

	if (req.dryRun) {
		run.result.change = describeChange(change, await change.apply(true));
		return run.finish(
			'dry_run',
			`dry run: ${change.description}; nothing was changed${peek ? ` (a real repair now would be refused: ${peek.reason})` : ''}`,
		);
	}
	if (run.result.approval_required) {
		run.result.change = describeChange(change, await change.apply(true));
		return run.finish(
			'needs_approval',
			`the app policy requires a human's approval for ${action}; nothing was changed (the diff is what it would do)`,
			{ code: 'needs_approval' },
		);
	}

	const refusal = admitRefusal(
		await deps.guards.admit({ ...admission, record: true }),
		admission,
		req.rules,
	);
	if (refusal) return run.skip(refusal);
	return applyAndVerify(deps, kube, req, run, action, change);
}

/**
 * The guards first (breaker, backoff, cooldown, rate, raise cap), only looking: nothing is read
 * from or sent to the cluster for a repair they refuse. In a dry run they only say what a real
 * repair would meet (would_skip).
 */
async function peekGuards(
	deps: RepairDeps,
	req: RepairRequest,
	run: Run,
	admission: Omit<AdmitRequest, 'record'>,
): Promise<Refusal | undefined> {
	const peek = admitRefusal(
		await deps.guards.admit({ ...admission, record: false }),
		admission,
		req.rules,
	);
	if (peek && req.dryRun) run.result.would_skip = { code: peek.code, reason: peek.reason };
	return peek;
}

/** Makes the change, waits for it to take, and records the result with the guards. */
async function applyAndVerify(
	deps: RepairDeps,
	kube: KubeClient,
	req: RepairRequest,
	run: Run,
	action: RepairAction,
	change: PreparedChange,
): Promise<RepairResult> {
	const result = run.result;
	let ok = true;
	let reason = '';
	try {
		result.change = describeChange(change, await change.apply(false));
	} catch (error) {
		result.change = describeChange(change, null);
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
	result.guard = await deps.guards.recordResult(run.key, action, ok, run.clock(), req.rules);
	if (!ok && result.guard.breakerUntil > run.clock()) {
		result.needs_human = true;
		reason += `; breaker open until ${new Date(result.guard.breakerUntil).toISOString()} after ${result.guard.targetFailures} consecutive failed repairs — a person should look`;
	}
	return run.finish(ok ? 'succeeded' : 'failed', reason);
}

/** The change as the output shows it; `applied` is what the server answered (null: it failed). */
function describeChange(
	change: PreparedChange,
	applied: AppliedChange | null,
): NonNullable<RepairResult['change']> {
	return {
		description: change.description,
		before: change.before,
		after: change.after,
		fields: applied?.fields ?? [],
		details: change.details,
		...(applied?.deleted ? { deleted: applied.deleted } : {}),
	};
}
