// What the rules conclude from an evidence snapshot: a cause, how sure, the evidence it rests
// on, the action that can help and the actions that cannot. Repair Action's Auto reads it.
import type { RepairAction } from '../repair/actions';

export const CAUSES = [
	'image_pull_failure',
	'configuration_error',
	'out_of_memory',
	'dependency_unreachable',
	'crash_after_rollout',
	'failing_probes',
	'node_problem',
	'resource_saturation',
	'unknown',
] as const;
export type Cause = (typeof CAUSES)[number];

/** A repair, or `escalate`: a human must act (nothing the package can change will help). */
export type Recommendation = RepairAction | 'escalate';

/** The thing a cause is about, so a message can name it. */
export interface DiagnosisSubject {
	kind: 'image' | 'secret' | 'configmap' | 'service' | 'node' | 'container' | 'revision';
	name: string;
	key?: string;
	namespace?: string;
}

export interface Diagnosis {
	cause: Cause;
	/** 0–1 */
	confidence: number;
	/** one sentence, for messages */
	summary: string;
	/** the facts the conclusion rests on, each naming its source */
	evidence: string[];
	/** null: no rule matched, the tier ladder decides */
	recommended: Recommendation | null;
	cannotHelp: RepairAction[];
	subject?: DiagnosisSubject;
	/** the other causes whose rules matched, strongest first */
	alternatives: { cause: Cause; confidence: number }[];
	/** sources that were missing, so the conclusion may be incomplete */
	missing: string[];
}
