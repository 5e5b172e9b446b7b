// The evidence and diagnosis sections, written by Investigate: the snapshot (with its bounded
// plain-text summary) in `evidence`, the rules' conclusion in `diagnosis`. Repair Action's Auto
// and the messages read the diagnosis through readDiagnosis; a later Diagnose reads the
// evidence back through readEvidence.
import type { Cause, Diagnosis, Recommendation } from '../diagnosis';
import { CAUSES } from '../diagnosis';
import type { EvidenceSnapshot } from '../evidence';
import { REPAIR_ACTIONS, type RepairAction } from '../repair/actions';
import { isRecord, itemError, type Json } from './fields';

export interface EvidenceSection {
	evidence: EvidenceSnapshot & { summary: string };
}

/** The diagnosis as items carry it (snake_case, like every other section). */
export interface DiagnosisJson {
	cause: Cause;
	confidence: number;
	summary: string;
	evidence: string[];
	/** a repair action, `escalate`, or null: no rule matched, the tier ladder decides */
	recommended_action: Recommendation | null;
	cannot_help: RepairAction[];
	subject: Diagnosis['subject'] | null;
	alternatives: Diagnosis['alternatives'];
	missing_sources: string[];
}

export interface DiagnosisSection {
	diagnosis: DiagnosisJson;
}

/** What Repair Action and the messages act on. */
export interface DiagnosisRef {
	cause: Cause;
	confidence: number;
	summary: string;
	recommended: Recommendation | null;
	cannotHelp: RepairAction[];
}

export function writeEvidence<T extends Json>(
	json: T,
	snapshot: EvidenceSnapshot,
	summary: string,
): T & EvidenceSection {
	// a plain JSON copy: what n8n stores is what a later node reads
	return { ...json, evidence: JSON.parse(JSON.stringify({ ...snapshot, summary })) };
}

export function writeDiagnosis<T extends Json>(json: T, d: Diagnosis): T & DiagnosisSection {
	return {
		...json,
		diagnosis: {
			cause: d.cause,
			confidence: d.confidence,
			summary: d.summary,
			evidence: [...d.evidence],
			recommended_action: d.recommended,
			cannot_help: [...d.cannotHelp],
			subject: d.subject ? { ...d.subject } : null,
			alternatives: d.alternatives.map((a) => ({ ...a })),
			missing_sources: [...d.missing],
		},
	};
}

const LIST_FIELDS = ['pods', 'events', 'nodes', 'dependencies', 'logs', 'metrics'] as const;

/** The snapshot on the item; null when no Investigate ran. */
export function readEvidence(json: Json, itemIndex: number): EvidenceSnapshot | null {
	const e = json.evidence;
	if (e === undefined || e === null) return null;
	if (!isRecord(e)) throw itemError(itemIndex, 'evidence', 'must be an object (the snapshot Investigate writes)');
	const target = e.target;
	if (!isRecord(target) || typeof target.namespace !== 'string' || typeof target.name !== 'string') {
		throw itemError(itemIndex, 'evidence.target', 'must name the namespace and name of the workload');
	}
	if (!isRecord(e.sources)) throw itemError(itemIndex, 'evidence.sources', 'must be an object');
	for (const field of LIST_FIELDS) {
		if (e[field] !== undefined && !Array.isArray(e[field])) {
			throw itemError(itemIndex, `evidence.${field}`, 'must be a list');
		}
	}
	const snapshot = { ...e } as unknown as EvidenceSnapshot;
	for (const field of LIST_FIELDS) (snapshot[field] as unknown[]) = (e[field] as unknown[]) ?? [];
	return snapshot;
}

const RECOMMENDATIONS: readonly string[] = [...REPAIR_ACTIONS, 'escalate'];

/** The diagnosis on the item; null when none was made. */
export function readDiagnosis(json: Json, itemIndex: number): DiagnosisRef | null {
	const d = json.diagnosis;
	if (d === undefined || d === null) return null;
	if (!isRecord(d)) throw itemError(itemIndex, 'diagnosis', 'must be an object (the diagnosis Investigate writes)');
	if (!(CAUSES as readonly unknown[]).includes(d.cause)) {
		throw itemError(itemIndex, 'diagnosis.cause', `must be one of ${CAUSES.join(', ')}, got ${JSON.stringify(d.cause)}`);
	}
	const confidence = d.confidence ?? 0;
	if (typeof confidence !== 'number' || !(confidence >= 0 && confidence <= 1)) {
		throw itemError(itemIndex, 'diagnosis.confidence', `must be a number from 0 to 1, got ${JSON.stringify(d.confidence)}`);
	}
	const recommended = d.recommended_action ?? null;
	if (recommended !== null && !RECOMMENDATIONS.includes(recommended as string)) {
		throw itemError(itemIndex, 'diagnosis.recommended_action', `must be one of ${RECOMMENDATIONS.join(', ')} or null, got ${JSON.stringify(recommended)}`);
	}
	const cannotHelp = d.cannot_help ?? [];
	if (!Array.isArray(cannotHelp) || cannotHelp.some((a) => !(REPAIR_ACTIONS as readonly unknown[]).includes(a))) {
		throw itemError(itemIndex, 'diagnosis.cannot_help', `must be a list of repair actions (${REPAIR_ACTIONS.join(', ')})`);
	}
	return {
		cause: d.cause as Cause,
		confidence,
		summary: typeof d.summary === 'string' ? d.summary : '',
		recommended: recommended as Recommendation | null,
		cannotHelp: cannotHelp as RepairAction[],
	};
}
