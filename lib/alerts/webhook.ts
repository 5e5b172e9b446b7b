// Alertmanager webhook (version 4) deliveries: validation with errors that name the field, and
// one AlertItem per alert carrying the derived fields every other node works from.
import { labelSetFingerprint } from './fingerprint';
import { DEFAULT_REPLICA_LABELS, withoutReplicaLabels } from './replicas';
import { anomalyKey, signatureFromLabels, type Signature } from './signature';

export class AlertPayloadError extends Error {
	constructor(
		message: string,
		readonly field: string,
	) {
		super(message);
		this.name = 'AlertPayloadError';
	}
}

export interface AlertItem {
	status: 'firing' | 'resolved';
	labels: Record<string, string>;
	annotations: Record<string, string>;
	startsAt: string;
	endsAt: string;
	generatorURL: string;
	/** Alertmanager's fingerprint of the labels as sent (recomputed when absent). */
	fingerprint: string;
	receiver: string;
	groupKey: string;
	groupLabels: Record<string, string>;
	externalURL: string;
	/** Labels without the replica labels: what the derived fields are computed from. */
	dedupedLabels: Record<string, string>;
	/** Fingerprint of dedupedLabels: the same for every HA replica of one alert. */
	alert_fingerprint: string;
	workload: string;
	signature: Signature;
	anomaly_key: string;
	/** One firing of one alert instance: alert_fingerprint + startsAt. */
	occurrence_id: string;
	truncatedAlerts: number;
	warnings?: string[];
}

export interface ParseOptions {
	replicaLabels?: readonly string[];
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringMap(value: unknown, field: string, required: boolean): Record<string, string> {
	if (value === undefined || value === null) {
		if (required) throw new AlertPayloadError(`${field} is missing`, field);
		return {};
	}
	if (!isPlainObject(value))
		throw new AlertPayloadError(`${field} must be an object of strings`, field);
	const result: Record<string, string> = {};
	for (const [name, v] of Object.entries(value)) {
		if (typeof v !== 'string') {
			throw new AlertPayloadError(
				`${field}.${name} must be a string, got ${typeof v}`,
				`${field}.${name}`,
			);
		}
		result[name] = v;
	}
	return result;
}

function optionalString(value: unknown, field: string): string {
	if (value === undefined || value === null) return '';
	if (typeof value !== 'string') throw new AlertPayloadError(`${field} must be a string`, field);
	return value;
}

function timestamp(value: unknown, field: string, required: boolean): string {
	if (value === undefined || value === null || value === '') {
		if (required) throw new AlertPayloadError(`${field} is missing`, field);
		return '';
	}
	// Kept as the exact string Alertmanager sent: a Date round trip would drop the nanoseconds.
	if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
		throw new AlertPayloadError(`${field} must be an RFC 3339 timestamp`, field);
	}
	return value;
}

export function occurrenceId(alertFingerprint: string, startsAt: string): string {
	return `${alertFingerprint}@${startsAt}`;
}

/** Derived fields for one alert's labels: the ones any node can recompute from an item. */
export function deriveAlertFields(
	labels: Record<string, string>,
	startsAt: string,
	replicaLabels = DEFAULT_REPLICA_LABELS,
) {
	const dedupedLabels = withoutReplicaLabels(labels, replicaLabels);
	const signature = signatureFromLabels(dedupedLabels);
	const alertFingerprint = labelSetFingerprint(dedupedLabels);
	return {
		dedupedLabels,
		alert_fingerprint: alertFingerprint,
		workload: signature.workload,
		signature,
		anomaly_key: anomalyKey(signature),
		occurrence_id: occurrenceId(alertFingerprint, startsAt),
	};
}

/**
 * Parses one webhook body (already JSON-decoded) into one item per alert. Throws
 * AlertPayloadError naming the offending field; nothing is returned for a broken body.
 */
export function parseAlertmanagerWebhook(body: unknown, options: ParseOptions = {}): AlertItem[] {
	const replicaLabels = [...new Set([...DEFAULT_REPLICA_LABELS, ...(options.replicaLabels ?? [])])];
	if (!isPlainObject(body)) throw new AlertPayloadError('body must be a JSON object', 'body');
	if (body.version !== '4') {
		throw new AlertPayloadError(
			`version must be "4" (Alertmanager webhook payload version), got ${JSON.stringify(body.version ?? null)}`,
			'version',
		);
	}
	if (!Array.isArray(body.alerts)) throw new AlertPayloadError('alerts must be a list', 'alerts');
	const receiver = optionalString(body.receiver, 'receiver');
	const groupKey = optionalString(body.groupKey, 'groupKey');
	const externalURL = optionalString(body.externalURL, 'externalURL');
	const groupLabels = stringMap(body.groupLabels, 'groupLabels', false);
	const truncated = body.truncatedAlerts ?? 0;
	if (typeof truncated !== 'number' || !Number.isInteger(truncated) || truncated < 0) {
		throw new AlertPayloadError(
			'truncatedAlerts must be a non-negative integer',
			'truncatedAlerts',
		);
	}
	const warnings =
		truncated > 0
			? [
					`Alertmanager truncated this group: ${truncated} alert(s) were not sent (max_alerts); raise max_alerts on the receiver`,
				]
			: undefined;

	return body.alerts.map((raw, index): AlertItem => {
		const at = `alerts[${index}]`;
		if (!isPlainObject(raw)) throw new AlertPayloadError(`${at} must be an object`, at);
		const labels = stringMap(raw.labels, `${at}.labels`, true);
		if (Object.keys(labels).length === 0)
			throw new AlertPayloadError(`${at}.labels is empty`, `${at}.labels`);
		const startsAt = timestamp(raw.startsAt, `${at}.startsAt`, true);
		const endsAt = timestamp(raw.endsAt, `${at}.endsAt`, false) || ZERO_TIME;
		const status = raw.status;
		if (status !== 'firing' && status !== 'resolved') {
			throw new AlertPayloadError(`${at}.status must be "firing" or "resolved"`, `${at}.status`);
		}
		const given = optionalString(raw.fingerprint, `${at}.fingerprint`);
		if (given && !/^[0-9a-f]{16}$/.test(given)) {
			throw new AlertPayloadError(
				`${at}.fingerprint must be 16 lower-case hex digits`,
				`${at}.fingerprint`,
			);
		}
		const item: AlertItem = {
			status,
			labels,
			annotations: stringMap(raw.annotations, `${at}.annotations`, false),
			startsAt,
			endsAt,
			generatorURL: optionalString(raw.generatorURL, `${at}.generatorURL`),
			fingerprint: given || labelSetFingerprint(labels),
			receiver,
			groupKey,
			groupLabels,
			externalURL,
			...deriveAlertFields(labels, startsAt, replicaLabels),
			truncatedAlerts: truncated,
		};
		if (warnings) item.warnings = warnings;
		return item;
	});
}
