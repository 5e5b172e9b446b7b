// The alert section: what the Alertmanager Trigger puts on every item — the alert as
// Alertmanager sent it, and its identity (computed once, from the labels without the replica
// labels, and travelling with the replica labels that shaped it). Items of the previous shape
// (no replica_labels) and items built by hand (labels + startsAt, or anomaly_key + startsAt)
// read the same way: what the trigger would have computed is computed here, once.
import {
	DEFAULT_REPLICA_LABELS,
	deriveAlertFields,
	occurrenceId,
	signatureFromLabels,
	type Signature,
} from '../alerts';
import { isRecord, itemError, stringField, stringMapField, timeField, type Json } from './fields';

/** What stays the same for every re-delivery and HA replica of one alert instance. */
export interface AlertIdentity {
	/** The labels without the replica labels: what the identity is computed from. */
	dedupedLabels: Record<string, string>;
	/** Fingerprint of dedupedLabels (Alertmanager's algorithm). */
	alert_fingerprint: string;
	/** The problem signature: alert, namespace, workload, container, error type. */
	signature: Signature;
	/** Short hash of the signature: one per problem, across alert instances. */
	anomaly_key: string;
	workload: string;
	/** The labels dropped as replica labels before anything was computed (the trigger's setting). */
	replica_labels: string[];
}

/** The alert fields of the trigger's item that the identity does not cover. */
export interface AlertFields {
	status: 'firing' | 'resolved';
	labels: Record<string, string>;
	annotations: Record<string, string>;
	startsAt: string;
}

/** An item as the trigger writes it: the alert, its identity and the occurrence id. */
export type AlertItemJson = AlertFields &
	AlertIdentity & {
		/** One firing of one alert instance: alert_fingerprint@startsAt. */
		occurrence_id: string;
	};

interface AlertBase {
	labels: Record<string, string>;
	annotations: Record<string, string>;
	identity: AlertIdentity;
}

/** An alert as the nodes after the trigger read it. */
export type Alert =
	| (AlertBase & { status: 'firing'; startsAt: string; at: number; occurrence_id: string })
	| (AlertBase & {
			status: 'resolved';
			/** Null for a hand-built resolved item that names no startsAt. */
			startsAt: string | null;
			at: number | null;
			occurrence_id: string | null;
	  });

/** What a repair or a message reads: the alert as far as the item has one. */
export interface AlertContext {
	/** Null for an item that is no alert (a target given by parameters). */
	status: 'firing' | 'resolved' | null;
	/** The deduplicated labels ({} when the item has none). */
	labels: Record<string, string>;
	annotations: Record<string, string>;
	identity: AlertIdentity | null;
}

const MAX_KEY_LENGTH = 200;

/** The identity of an alert with these labels: the one computation, for trigger and reader. */
export function alertIdentity(
	labels: Record<string, string>,
	replicaLabels: readonly string[] = DEFAULT_REPLICA_LABELS,
): AlertIdentity {
	const replica_labels = [...new Set([...DEFAULT_REPLICA_LABELS, ...replicaLabels])];
	const d = deriveAlertFields(labels, '', replica_labels);
	return {
		dedupedLabels: d.dedupedLabels,
		alert_fingerprint: d.alert_fingerprint,
		signature: { ...d.signature },
		anomaly_key: d.anomaly_key,
		workload: d.workload,
		replica_labels,
	};
}

/** The identity fields and occurrence id the trigger writes onto an alert item. */
export function writeAlertIdentity<T extends Json>(
	json: T,
	identity: AlertIdentity,
	startsAt: string,
): T & AlertIdentity & { occurrence_id: string } {
	return {
		...json,
		...identity,
		occurrence_id: occurrenceId(identity.alert_fingerprint, startsAt),
	};
}

function statusOf(json: Json, itemIndex: number): 'firing' | 'resolved' | null {
	const status = json.status;
	if (status === undefined || status === null || status === '') return null;
	if (status !== 'firing' && status !== 'resolved') {
		throw itemError(
			itemIndex,
			'status',
			`must be "firing" or "resolved", got ${JSON.stringify(status)}`,
		);
	}
	return status;
}

function replicaLabelsOf(json: Json, itemIndex: number): string[] | undefined {
	const value = json.replica_labels;
	if (value === undefined || value === null) return undefined;
	if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
		throw itemError(itemIndex, 'replica_labels', 'must be a list of label names');
	}
	return value as string[];
}

function signatureOf(value: unknown, itemIndex: number): Signature {
	if (!isRecord(value)) throw itemError(itemIndex, 'signature', 'must be an object');
	const text = (name: keyof Signature) => {
		const v = value[name];
		if (v === undefined || v === null) return '';
		if (typeof v !== 'string') {
			throw itemError(itemIndex, `signature.${name}`, `must be a string, got ${typeof v}`);
		}
		return v;
	};
	return {
		alert_name: text('alert_name'),
		namespace: text('namespace'),
		workload: text('workload'),
		container: text('container'),
		error_type: text('error_type'),
	};
}

/**
 * The identity the item carries (the trigger's, with its replica labels), else the one its
 * labels give; null when the item has neither an anomaly_key nor labels.
 */
export function readIdentity(json: Json, itemIndex: number): AlertIdentity | null {
	const labels = stringMapField(json, 'labels', itemIndex) ?? {};
	const given = stringField(json, 'anomaly_key', itemIndex);
	const replicaLabels = replicaLabelsOf(json, itemIndex);
	if (given === undefined) {
		if (Object.keys(labels).length === 0) return null;
		return alertIdentity(labels, replicaLabels);
	}
	if (given.length > MAX_KEY_LENGTH) {
		throw itemError(itemIndex, 'anomaly_key', `is longer than ${MAX_KEY_LENGTH} characters`);
	}
	// The trigger's identity: taken as it is. What an older or hand-built item lacks is
	// computed from its labels the same way; an item with no labels is its own instance.
	const computed = alertIdentity(labels, replicaLabels);
	const dedupedLabels = stringMapField(json, 'dedupedLabels', itemIndex) ?? computed.dedupedLabels;
	const signature =
		json.signature === undefined || json.signature === null
			? signatureFromLabels(dedupedLabels)
			: signatureOf(json.signature, itemIndex);
	const hasLabels = Object.keys(dedupedLabels).length > 0;
	return {
		dedupedLabels,
		alert_fingerprint:
			stringField(json, 'alert_fingerprint', itemIndex) ??
			(hasLabels ? computed.alert_fingerprint : given),
		signature,
		anomaly_key: given,
		workload: stringField(json, 'workload', itemIndex) ?? signature.workload,
		replica_labels: computed.replica_labels,
	};
}

/** The alert, its identity and its occurrence; a missing field is an error naming it. */
export function readAlert(json: Json, itemIndex: number): Alert {
	const status = statusOf(json, itemIndex) ?? 'firing';
	const identity = readIdentity(json, itemIndex);
	if (!identity) {
		throw itemError(
			itemIndex,
			'labels',
			'is missing (expected an Alertmanager Trigger item, or an item with labels and startsAt, or anomaly_key and startsAt)',
		);
	}
	const at = timeField(json, 'startsAt', itemIndex);
	const base: AlertBase = {
		labels: stringMapField(json, 'labels', itemIndex) ?? {},
		annotations: stringMapField(json, 'annotations', itemIndex) ?? {},
		identity,
	};
	if (at === undefined && status === 'resolved') {
		return { ...base, status, startsAt: null, at: null, occurrence_id: null };
	}
	if (at === undefined) throw itemError(itemIndex, 'startsAt', 'is missing');
	const startsAt = String(json.startsAt);
	const occurrence_id =
		stringField(json, 'occurrence_id', itemIndex) ??
		occurrenceId(identity.alert_fingerprint, startsAt);
	return { ...base, status, startsAt, at, occurrence_id };
}

/** The alert as far as the item has one: nothing is required. */
export function readAlertContext(json: Json, itemIndex: number): AlertContext {
	const identity = readIdentity(json, itemIndex);
	return {
		status: statusOf(json, itemIndex),
		labels: identity?.dedupedLabels ?? {},
		annotations: stringMapField(json, 'annotations', itemIndex) ?? {},
		identity,
	};
}
