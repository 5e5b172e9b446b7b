// The Auto operation's choice: a confident diagnosis first (its recommended action, or escalate;
// the actions it says cannot help are never taken), then the alert's `auto_repair` label, then
// the incident's tier (1 restart; 2 mitigate — raise memory on OOMKilled, scale on saturation,
// else restart; 3 roll back when a rollout happened recently, else escalate; 4 never act). An action that Record
// Anomaly's gate skips (it rarely works for this signature), that the app policy does not
// allow or that cannot apply here is passed over for the next rung; nothing left → escalate.
import { InvalidInputError } from '../errors';
import {
	ACTION_KINDS,
	actionForAutoRepairLabel,
	type RepairAction,
	type WorkloadKind,
} from './actions';

export interface PlanFacts {
	/** The alert's `auto_repair` label, if any. */
	autoRepairLabel: string;
	/** The incident's recommended tier, 1–4. */
	tier: number;
	kind: WorkloadKind;
	/** The container was OOMKilled (error_type/reason OOMKilled, or an OOM alert). */
	oomKilled: boolean;
	/** The alert is about saturation (load, CPU, queueing), which more replicas relieve. */
	saturation: boolean;
	/** The Deployment's latest rollout, when one happened within the recent-rollout window. */
	recentRollout: { revision: number; at: string } | null;
	/** Investigate's conclusion, when it is confident enough to follow (lib/diagnosis). */
	diagnosis?: DiagnosisFacts | null;
}

export interface DiagnosisFacts {
	cause: string;
	confidence: number;
	summary: string;
	/** a repair, `escalate`, or null (no rule matched: the ladder decides) */
	recommended: RepairAction | 'escalate' | null;
	cannotHelp: readonly RepairAction[];
}

export interface ActionVerdict {
	skip: boolean;
	reason: string;
}

export interface PlanStep {
	action: RepairAction;
	decision: 'chosen' | 'skipped';
	reason: string;
}

export interface RepairPlan {
	/** The action to take, or null: escalate to a human. */
	action: RepairAction | null;
	escalate: boolean;
	steps: PlanStep[];
	/** The choice in one sentence, for the output and messages. */
	explanation: string;
}

/** Label values that ask for no automatic repair at all. */
const NO_REPAIR_LABELS = new Set(['none', 'manual', 'disabled', 'false', 'off', 'notify']);

interface Candidate {
	action: RepairAction;
	why: string;
}

function mitigation(f: PlanFacts): Candidate | undefined {
	if (f.oomKilled)
		return { action: 'raise_memory', why: 'tier 2 mitigation: the container was OOMKilled' };
	if (f.saturation) return { action: 'scale', why: 'tier 2 mitigation: the workload is saturated' };
	return undefined;
}

function rollbackCandidate(f: PlanFacts, tierWord: string): Candidate | undefined {
	if (!f.recentRollout) return undefined;
	return {
		action: 'rollback',
		why: `${tierWord}: revision ${f.recentRollout.revision} was rolled out recently (${f.recentRollout.at})`,
	};
}

/** The tier's ladder: where to start, and the rungs to fall to when one is passed over. */
function tierLadder(f: PlanFacts): Candidate[] {
	const restart = (why: string): Candidate => ({ action: 'restart', why });
	const list: (Candidate | undefined)[] =
		f.tier <= 1
			? [restart('tier 1: restart'), mitigation(f), rollbackCandidate(f, 'next rung')]
			: f.tier === 2
				? [
						mitigation(f),
						restart(
							mitigation(f)
								? 'next rung: restart'
								: 'tier 2 mitigation: restart (neither OOMKilled nor saturated)',
						),
						rollbackCandidate(f, 'next rung'),
					]
				: f.tier === 3
					? [rollbackCandidate(f, 'tier 3')]
					: [];
	return list.filter((c): c is Candidate => c !== undefined);
}

function whyEscalate(f: PlanFacts): string {
	if (f.tier >= 4)
		return 'tier 4: a permanent fix was marked and the problem still recurs; automation never acts — escalate to a human';
	if (f.tier === 3 && !f.recentRollout)
		return 'tier 3 (root cause) and no recent rollout to roll back: escalate to a human';
	return 'no repair left to try: escalate to a human';
}

/**
 * Chooses the action. `verdict` says whether an action must be passed over (the skip gate, the
 * app policy); it is asked only for the candidates reached, in order.
 */
export function planRepair(
	f: PlanFacts,
	verdict: (action: RepairAction) => ActionVerdict,
): RepairPlan {
	const steps: PlanStep[] = [];
	if (f.tier >= 4) {
		return { action: null, escalate: true, steps, explanation: whyEscalate(f) };
	}
	const label = f.autoRepairLabel.trim();
	const candidates: Candidate[] = [];
	const notes: string[] = [];
	const d = f.diagnosis;
	const because = d ? `diagnosis ${d.cause} (${Math.round(d.confidence * 100)}%): ${d.summary}` : '';
	if (d?.recommended === 'escalate') {
		return { action: null, escalate: true, steps, explanation: `${because} — escalate to a human` };
	}
	if (d?.recommended) candidates.push({ action: d.recommended, why: because });
	if (label) {
		if (NO_REPAIR_LABELS.has(label.toLowerCase())) {
			return {
				action: null,
				escalate: true,
				steps,
				explanation: `the alert's auto_repair label is "${label}": no automatic repair — escalate to a human`,
			};
		}
		const action = actionForAutoRepairLabel(label);
		if (action) candidates.push({ action, why: `the alert's auto_repair label is "${label}"` });
		else notes.push(`unknown auto_repair label "${label}" ignored`);
	}
	candidates.push(...tierLadder(f));

	const seen = new Set<RepairAction>();
	for (const c of candidates) {
		if (seen.has(c.action)) continue;
		seen.add(c.action);
		if (d?.cannotHelp.includes(c.action)) {
			steps.push({ action: c.action, decision: 'skipped', reason: `cannot help: ${because}` });
			continue;
		}
		if (!ACTION_KINDS[c.action].includes(f.kind)) {
			steps.push({
				action: c.action,
				decision: 'skipped',
				reason: `${c.action} does not apply to a ${f.kind}`,
			});
			continue;
		}
		const v = verdict(c.action);
		if (v.skip) {
			steps.push({ action: c.action, decision: 'skipped', reason: v.reason });
			continue;
		}
		steps.push({ action: c.action, decision: 'chosen', reason: c.why });
		const passed = steps
			.filter((s) => s.decision === 'skipped')
			.map((s) => `${s.action} skipped: ${s.reason}`);
		return {
			action: c.action,
			escalate: false,
			steps,
			explanation: [...notes, ...passed, `${c.action} chosen: ${c.why}`].join('; '),
		};
	}
	const passed = steps.map((s) => `${s.action} skipped: ${s.reason}`);
	return {
		action: null,
		escalate: true,
		steps,
		explanation: [...notes, ...passed, whyEscalate(f)].join('; '),
	};
}

/** OOMKilled from the alert's error type (label `reason`/`error_type`) or its name. */
export function isOomKilled(errorType: string, alertName: string): boolean {
	return /^oomkilled$/i.test(errorType.trim()) || /oom/i.test(alertName);
}

export const DEFAULT_SATURATION_PATTERN = 'saturat|throttl|highcpu|cpuhigh|highload|latency|queue';

/** Saturation from the alert's name or error type, by a case-insensitive pattern. */
export function isSaturation(
	errorType: string,
	alertName: string,
	pattern = DEFAULT_SATURATION_PATTERN,
): boolean {
	if (!pattern) return false;
	let re: RegExp;
	try {
		re = new RegExp(pattern, 'i');
	} catch (error) {
		throw new InvalidInputError(
			`saturation pattern is not a valid regular expression: ${(error as Error).message}`,
			'saturationPattern',
		);
	}
	return re.test(alertName) || re.test(errorType);
}
