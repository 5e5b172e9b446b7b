// What Aggregate Incident reads from an item: the occurrence (as Record Anomaly does), the alert
// instance's fingerprint (the same for HA replicas), title, severity, signature, and the
// frequency stats Record Anomaly put on the item (for escalation and the tier).
import { deriveAlertFields } from '../alerts';
import {
	anomalyKeyOf,
	classifyItem,
	escalationRank,
	type EscalationLevel,
	type OccurrenceInput,
} from '../anomaly';
import { recommendedTier, type Tier } from './tier';

export interface FiringAlertInput extends OccurrenceInput {
	fingerprint: string;
	title: string;
	severity: string | null;
	signature: Record<string, unknown> | null;
	frequency: Record<string, unknown> | null;
	escalation_level: EscalationLevel | null;
	tier: Tier;
	/** Record Anomaly re-claimed this occurrence (its first execution never marked it handled). */
	reclaimed: boolean;
}

export interface ResolvedAlertInput {
	anomaly_key: string;
	fingerprint: string;
}

export type AlertInput =
	| { kind: 'firing'; alert: FiringAlertInput }
	| { kind: 'resolved'; alert: ResolvedAlertInput };

const MAX_TITLE = 500;

function object(value: unknown): Record<string, unknown> | null {
	return typeof value === 'object' && value !== null && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: null;
}

function strings(value: unknown): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [k, v] of Object.entries(object(value) ?? {})) if (typeof v === 'string') out[k] = v;
	return out;
}

function str(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The deduplicated alert fingerprint: HA replicas of one alert share it. */
function fingerprintOf(json: Record<string, unknown>, fallback: string): string {
	const labels = strings(json.labels);
	return (
		str(json.alert_fingerprint) ??
		(Object.keys(labels).length && typeof json.startsAt === 'string'
			? deriveAlertFields(labels, json.startsAt).alert_fingerprint
			: undefined) ??
		str(json.fingerprint) ??
		fallback
	);
}

function escalationOf(value: unknown): EscalationLevel | null {
	return typeof value === 'string' && escalationRank(value as EscalationLevel) > 0
		? (value as EscalationLevel)
		: null;
}

/** Reads one item; throws InvalidInputError naming the missing field and the item. */
export function alertInput(json: Record<string, unknown>, itemIndex: number): AlertInput {
	const c = classifyItem(json, itemIndex);
	if (c.kind === 'resolved') {
		const labels = strings(json.labels);
		const anomaly_key =
			str(json.anomaly_key) ??
			(Object.keys(labels).length
				? deriveAlertFields(labels, String(json.startsAt ?? '')).anomaly_key
				: undefined) ??
			anomalyKeyOf(json, itemIndex);
		return {
			kind: 'resolved',
			alert: { anomaly_key, fingerprint: fingerprintOf(json, anomaly_key) },
		};
	}
	const o = c.occurrence;
	const labels = strings(json.labels);
	const annotations = strings(json.annotations);
	// a raw alert (labels, no signature) gets the one the trigger would have computed
	const signature =
		object(json.signature) ??
		(Object.keys(labels).length && typeof json.startsAt === 'string'
			? { ...deriveAlertFields(labels, json.startsAt).signature }
			: null);
	const frequency = json.degraded === true ? null : object(json.frequency);
	const escalation_level = escalationOf(frequency?.escalation_level ?? json.escalation_level);
	const title = (
		annotations.summary ??
		annotations.description ??
		labels.alertname ??
		str(signature?.alert_name) ??
		str(json.title) ??
		o.anomaly_key
	).slice(0, MAX_TITLE);
	return {
		kind: 'firing',
		alert: {
			...o,
			fingerprint: fingerprintOf(json, o.occurrence_id),
			title,
			severity: labels.severity ?? str(json.severity) ?? null,
			signature,
			frequency,
			escalation_level,
			reclaimed: json.reclaimed === true,
			tier: recommendedTier({
				escalation_level,
				restart_count: Number(frequency?.restart_count ?? 0),
				permanent_fix_applied: frequency?.permanent_fix_applied === true,
				recurred_after_fix: frequency?.recurred_after_fix === true,
			}),
		},
	};
}
