// What an item must carry to be recorded as an occurrence: anomaly_key and startsAt (an
// Alertmanager Trigger item has both), plus its occurrence_id — one firing of one alert
// instance. Re-deliveries and HA replicas carry the same occurrence_id, so they count once.
import { deriveAlertFields, occurrenceId } from '../alerts';
import { InvalidInputError } from '../errors';

export interface OccurrenceInput {
	anomaly_key: string;
	occurrence_id: string;
	/** startsAt, in ms since the epoch: when this firing began. */
	at: number;
}

export type ItemClass = { kind: 'occurrence'; occurrence: OccurrenceInput } | { kind: 'resolved' };

const MAX_KEY_LENGTH = 200;
/** 0001-01-01T00:00:00Z and 10000-01-01T00:00:00Z in ms */
const EARLIEST_MS = -62_135_596_800_000;
const LATEST_MS = 253_402_300_800_000;

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringLabels(value: unknown): Record<string, string> | undefined {
	if (!isObject(value)) return undefined;
	const out: Record<string, string> = {};
	for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
	return Object.keys(out).length ? out : undefined;
}

/** Parses a timestamp field (RFC 3339 string or epoch ms) into ms. */
export function timestampField(value: unknown, field: string, itemIndex: number): number {
	const ms =
		typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : NaN;
	if (value === undefined || value === null || value === '') {
		throw new InvalidInputError(`Item ${itemIndex} has no ${field}`, field);
	}
	if (!Number.isFinite(ms)) {
		throw new InvalidInputError(
			`Item ${itemIndex}: ${field} must be an RFC 3339 timestamp, got ${JSON.stringify(value)}`,
			field,
		);
	}
	// years 1–9999: what RFC 3339 can spell, and what every store and reader can hold
	if (ms < EARLIEST_MS || ms >= LATEST_MS) {
		throw new InvalidInputError(
			`Item ${itemIndex}: ${field} ${JSON.stringify(value)} is outside the years 0001–9999`,
			field,
		);
	}
	return ms;
}

/** The anomaly_key of an item: its own field, or derived from its labels. */
export function anomalyKeyOf(
	json: Record<string, unknown>,
	itemIndex: number,
	field = 'anomaly_key',
): string {
	const key = json[field];
	if (typeof key === 'string' && key !== '') {
		if (key.length > MAX_KEY_LENGTH) {
			throw new InvalidInputError(
				`Item ${itemIndex}: ${field} is longer than ${MAX_KEY_LENGTH} characters`,
				field,
			);
		}
		return key;
	}
	if (key !== undefined && key !== null && key !== '') {
		throw new InvalidInputError(
			`Item ${itemIndex}: ${field} must be a string, got ${typeof key}`,
			field,
		);
	}
	throw new InvalidInputError(
		`Item ${itemIndex} has no ${field} (expected an Alertmanager Trigger item, or an item with ${field} and startsAt)`,
		field,
	);
}

/**
 * What the Alertmanager Trigger would have put on a raw alert item (labels and startsAt, no
 * anomaly_key): anomaly_key, occurrence_id, alert_fingerprint, workload and signature. Items a
 * workflow builds itself (predicted breaches, failed health checks) thus leave Record Anomaly
 * shaped like the trigger's, and incidents and messages get their signature. Empty for an item
 * that has its anomaly_key, or no labels and startsAt.
 */
export function derivedAlertFields(json: Record<string, unknown>): Record<string, unknown> {
	if (typeof json.anomaly_key === 'string' && json.anomaly_key !== '') return {};
	const labels = stringLabels(json.labels);
	if (!labels || typeof json.startsAt !== 'string') return {};
	const d = deriveAlertFields(labels, json.startsAt);
	return {
		anomaly_key: d.anomaly_key,
		occurrence_id: d.occurrence_id,
		alert_fingerprint: d.alert_fingerprint,
		workload: d.workload,
		signature: { ...d.signature },
	};
}

/**
 * Classifies an input item: a resolved alert (passed through, never counted) or an occurrence.
 * Throws InvalidInputError naming the field and the item when something required is missing.
 */
export function classifyItem(json: Record<string, unknown>, itemIndex: number): ItemClass {
	if (json.status === 'resolved') return { kind: 'resolved' };
	if (json.status !== undefined && json.status !== 'firing') {
		throw new InvalidInputError(
			`Item ${itemIndex}: status must be "firing" or "resolved", got ${JSON.stringify(json.status)}`,
			'status',
		);
	}
	const labels = stringLabels(json.labels);
	const hasKey = typeof json.anomaly_key === 'string' && json.anomaly_key !== '';
	const startsAt = json.startsAt;
	if (!hasKey && labels && typeof startsAt === 'string') {
		// A raw Alertmanager alert (e.g. from a generic Webhook node): derive what the trigger would.
		const at = timestampField(startsAt, 'startsAt', itemIndex);
		const derived = deriveAlertFields(labels, startsAt);
		return {
			kind: 'occurrence',
			occurrence: { anomaly_key: derived.anomaly_key, occurrence_id: derived.occurrence_id, at },
		};
	}
	const anomaly_key = anomalyKeyOf(json, itemIndex);
	const at = timestampField(startsAt, 'startsAt', itemIndex);
	let id = json.occurrence_id;
	if (id !== undefined && (typeof id !== 'string' || id === '')) {
		throw new InvalidInputError(
			`Item ${itemIndex}: occurrence_id must be a non-empty string`,
			'occurrence_id',
		);
	}
	if (id === undefined) {
		const fp = json.alert_fingerprint ?? json.fingerprint;
		id = occurrenceId(typeof fp === 'string' && fp ? fp : anomaly_key, String(startsAt));
	}
	return { kind: 'occurrence', occurrence: { anomaly_key, occurrence_id: id as string, at } };
}

/**
 * The occurrence an item names (Mark Handled): its anomaly_key and occurrence_id, or what
 * Record Occurrence would derive from labels and startsAt.
 */
export function occurrenceRefOf(
	json: Record<string, unknown>,
	itemIndex: number,
): { anomaly_key: string; occurrence_id: string } {
	const id = json.occurrence_id;
	if (typeof id === 'string' && id !== '' && typeof json.anomaly_key === 'string') {
		return { anomaly_key: anomalyKeyOf(json, itemIndex), occurrence_id: id };
	}
	const c = classifyItem(json, itemIndex);
	if (c.kind !== 'occurrence') {
		throw new InvalidInputError(
			`Item ${itemIndex} is a resolved alert, not an occurrence`,
			'status',
		);
	}
	return { anomaly_key: c.occurrence.anomaly_key, occurrence_id: c.occurrence.occurrence_id };
}
