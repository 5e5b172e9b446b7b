// Alertmanager webhook (version 4) deliveries: one AlertItem per alert carrying the derived
// fields every other node works from. A delivery is refused only when it cannot hold alerts;
// one alert that cannot be an alert is refused alone (Alertmanager never retries a 4xx, so
// refusing the delivery would lose its good alerts too); odd but meaningful values are kept
// with a warning on the item.
import { labelSetFingerprint } from './fingerprint';
import { canonicalInstant, parseInstant } from './instant';
import { DEFAULT_REPLICA_LABELS, emptyLabelMap, withoutReplicaLabels } from './replicas';
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
	/** FNV-1a fingerprint of the labels as sent, as Alertmanager computes it. */
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
	/** One firing of one alert instance: alert_fingerprint + the canonical startsAt instant. */
	occurrence_id: string;
	/** The replica labels dropped before the identity was computed (the trigger's setting). */
	replica_labels: string[];
	truncatedAlerts: number;
	warnings?: string[];
}

/** An alert of a delivery that cannot be an alert, with the field that says why. */
export interface RefusedAlert {
	index: number;
	field: string;
	message: string;
}

export interface Delivery {
	alerts: AlertItem[];
	refused: RefusedAlert[];
}

export interface ParseOptions {
	replicaLabels?: readonly string[];
	/** warnings about the transport (BOM, content type) to put on every item */
	warnings?: readonly string[];
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class AlertRefusal extends Error {
	constructor(
		message: string,
		readonly field: string,
	) {
		super(message);
	}
}

/**
 * A map of label (or annotation) names to string values, names kept byte for byte. Numbers and
 * booleans become their JSON text with a warning; anything else is `refuse`d or dropped.
 */
function stringMap(
	value: unknown,
	field: string,
	warnings: string[],
	strict: boolean,
): Record<string, string> {
	const result = emptyLabelMap();
	if (value === undefined || value === null) return result;
	if (!isPlainObject(value)) {
		if (strict) throw new AlertRefusal(`${field} must be an object of strings`, field);
		warnings.push(`${field} is not an object and was ignored`);
		return result;
	}
	for (const name of Object.keys(value)) {
		const v = value[name];
		if (typeof v === 'string') result[name] = v;
		else if (typeof v === 'number' || typeof v === 'boolean') {
			result[name] = JSON.stringify(v) ?? String(v);
			warnings.push(`${field}.${name} was a ${typeof v}; kept as the text ${result[name]}`);
		} else if (strict) {
			throw new AlertRefusal(
				`${field}.${name} must be a string, got ${v === null ? 'null' : typeof v}`,
				`${field}.${name}`,
			);
		} else if (v !== null && v !== undefined) {
			result[name] = JSON.stringify(v);
			warnings.push(
				`${field}.${name} was ${Array.isArray(v) ? 'a list' : 'an object'}; kept as JSON text`,
			);
		}
	}
	return result;
}

function text(value: unknown, field: string, warnings: string[]): string {
	if (value === undefined || value === null) return '';
	if (typeof value === 'string') return value;
	warnings.push(`${field} was a ${typeof value}; kept as text`);
	return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export function occurrenceId(alertFingerprint: string, startsAt: string): string {
	return `${alertFingerprint}@${canonicalInstant(startsAt)}`;
}

/** Memo of what repeats across a storm's alerts: signatures' keys and startsAt instants. */
interface DeliveryMemo {
	keys: Map<string, string>;
	instants: Map<string, ReturnType<typeof parseInstant>>;
}

function derive(
	dedupedLabels: Record<string, string>,
	alertFingerprint: string,
	startsAt: string,
	memo?: DeliveryMemo,
) {
	const signature = signatureFromLabels(dedupedLabels);
	let key: string | undefined;
	if (memo) {
		const memoKey = `${signature.alert_name}\u0000${signature.namespace}\u0000${signature.workload}\u0000${signature.container}\u0000${signature.error_type}`;
		key = memo.keys.get(memoKey);
		if (key === undefined) memo.keys.set(memoKey, (key = anomalyKey(signature)));
	}
	const instant = memo?.instants.get(startsAt);
	return {
		dedupedLabels,
		alert_fingerprint: alertFingerprint,
		workload: signature.workload,
		signature,
		anomaly_key: key ?? anomalyKey(signature),
		occurrence_id: instant?.ok
			? `${alertFingerprint}@${instant.canonical}`
			: occurrenceId(alertFingerprint, startsAt),
	};
}

/** Derived fields for one alert's labels: the ones any node can recompute from an item. */
export function deriveAlertFields(
	labels: Record<string, string>,
	startsAt: string,
	replicaLabels = DEFAULT_REPLICA_LABELS,
) {
	const dedupedLabels = withoutReplicaLabels(labels, replicaLabels);
	return derive(dedupedLabels, labelSetFingerprint(dedupedLabels), startsAt);
}

function deliveryWarnings(body: Record<string, unknown>, transport: readonly string[]) {
	const warnings = [...transport];
	if (body.version === 4) warnings.push('version was the number 4; read as "4"');
	else if (body.version === undefined) warnings.push('version is missing; read as "4"');
	else if (body.version !== '4') {
		throw new AlertPayloadError(
			`version must be "4" (Alertmanager webhook payload version), got ${JSON.stringify(body.version).slice(0, 40)}`,
			'version',
		);
	}
	let truncated = body.truncatedAlerts ?? 0;
	if (typeof truncated === 'string' && /^\s*-?\d+\s*$/.test(truncated)) {
		warnings.push(`truncatedAlerts was the text ${JSON.stringify(truncated)}; read as a number`);
		truncated = Number(truncated);
	}
	if (typeof truncated !== 'number' || !Number.isSafeInteger(truncated) || truncated < 0) {
		warnings.push(
			`truncatedAlerts ${JSON.stringify(body.truncatedAlerts).slice(0, 40)} is not a count; read as 0`,
		);
		truncated = 0;
	}
	if ((truncated as number) > 0) {
		warnings.push(
			`Alertmanager truncated this group: ${truncated} alert(s) were not sent (max_alerts); raise max_alerts on the receiver`,
		);
	}
	return { warnings, truncated: truncated as number };
}

/**
 * Reads one webhook body (already JSON-decoded): one item per alert that can be an alert, and
 * the alerts that cannot, each with the field that says why. Throws AlertPayloadError naming
 * the field when the body itself cannot hold alerts.
 */
export function readAlertmanagerDelivery(body: unknown, options: ParseOptions = {}): Delivery {
	const replicaLabels = [...new Set([...DEFAULT_REPLICA_LABELS, ...(options.replicaLabels ?? [])])];
	if (!isPlainObject(body)) throw new AlertPayloadError('body must be a JSON object', 'body');
	if (!Array.isArray(body.alerts))
		throw new AlertPayloadError(
			body.alerts === undefined ? 'alerts is missing' : 'alerts must be a list',
			'alerts',
		);
	const group = deliveryWarnings(body, options.warnings ?? []);
	const groupWarnings = group.warnings;
	const receiver = text(body.receiver, 'receiver', groupWarnings);
	const groupKey = text(body.groupKey, 'groupKey', groupWarnings);
	const externalURL = text(body.externalURL, 'externalURL', groupWarnings);
	const groupLabels = stringMap(body.groupLabels, 'groupLabels', groupWarnings, false);

	const alerts: AlertItem[] = [];
	const refused: RefusedAlert[] = [];
	const memo: DeliveryMemo = { keys: new Map(), instants: new Map() };
	const instant = (value: unknown) => {
		if (typeof value !== 'string') return parseInstant(value);
		let parsed = memo.instants.get(value);
		if (!parsed) memo.instants.set(value, (parsed = parseInstant(value)));
		return parsed;
	};
	body.alerts.forEach((raw, index) => {
		const at = `alerts[${index}]`;
		const warnings: string[] = [];
		try {
			if (!isPlainObject(raw)) throw new AlertRefusal(`${at} must be an object`, at);
			const labels = stringMap(raw.labels, `${at}.labels`, warnings, true);
			if (Object.keys(labels).length === 0)
				throw new AlertRefusal(
					`${at}.labels ${raw.labels === undefined ? 'is missing' : 'is empty'}`,
					`${at}.labels`,
				);
			const status = raw.status;
			if (status !== 'firing' && status !== 'resolved') {
				throw new AlertRefusal(
					`${at}.status must be "firing" or "resolved", got ${JSON.stringify(status ?? null).slice(0, 40)}`,
					`${at}.status`,
				);
			}
			if (raw.startsAt === undefined || raw.startsAt === null || raw.startsAt === '')
				throw new AlertRefusal(`${at}.startsAt is missing`, `${at}.startsAt`);
			const starts = instant(raw.startsAt);
			if (!starts.ok) throw new AlertRefusal(`${at}.startsAt ${starts.reason}`, `${at}.startsAt`);
			// the exact text unless Date.parse reads it differently (then the canonical one)
			let startsAt = raw.startsAt as string;
			if (Date.parse(startsAt) !== starts.ms) startsAt = starts.canonical;
			let endsAt = ZERO_TIME;
			if (raw.endsAt !== undefined && raw.endsAt !== null && raw.endsAt !== '') {
				const ends = instant(raw.endsAt);
				if (ends.ok)
					endsAt =
						Date.parse(raw.endsAt as string) === ends.ms ? (raw.endsAt as string) : ends.canonical;
				else warnings.push(`${at}.endsAt ${ends.reason}; read as unset (${ZERO_TIME})`);
			}
			const fingerprint = labelSetFingerprint(labels);
			if (raw.fingerprint !== undefined && raw.fingerprint !== fingerprint) {
				warnings.push(
					`${at}.fingerprint ${JSON.stringify(raw.fingerprint).slice(0, 40)} does not match the labels; recomputed ${fingerprint}`,
				);
			}
			const dedupedLabels = withoutReplicaLabels(labels, replicaLabels);
			const sameLabels = Object.keys(dedupedLabels).length === Object.keys(labels).length;
			const item: AlertItem = {
				status,
				labels,
				annotations: stringMap(raw.annotations, `${at}.annotations`, warnings, false),
				startsAt,
				endsAt,
				generatorURL: text(raw.generatorURL, `${at}.generatorURL`, warnings),
				fingerprint,
				receiver,
				groupKey,
				groupLabels,
				externalURL,
				...derive(
					dedupedLabels,
					sameLabels ? fingerprint : labelSetFingerprint(dedupedLabels),
					startsAt,
					memo,
				),
				replica_labels: replicaLabels,
				truncatedAlerts: group.truncated,
			};
			if (warnings.length > 0) item.warnings = warnings;
			alerts.push(item);
		} catch (error) {
			if (!(error instanceof AlertRefusal)) throw error;
			refused.push({ index, field: error.field, message: error.message });
		}
	});
	const shared = [...groupWarnings];
	if (refused.length > 0) {
		const first = refused[0];
		shared.push(
			`${refused.length} alert(s) of this delivery were refused and are not items (first: ${first.message})`,
		);
	}
	if (shared.length > 0)
		for (const item of alerts) item.warnings = [...shared, ...(item.warnings ?? [])];
	return { alerts, refused };
}

/**
 * Parses one webhook body strictly: the items, or AlertPayloadError naming the first field
 * that is wrong, in the body or in any alert.
 */
export function parseAlertmanagerWebhook(body: unknown, options: ParseOptions = {}): AlertItem[] {
	const { alerts, refused } = readAlertmanagerDelivery(body, options);
	if (refused.length > 0) throw new AlertPayloadError(refused[0].message, refused[0].field);
	return alerts;
}
