// The item contract (lib/contract): the trigger's items, items of the previous shape and items
// built by hand read the same way; each section has one writer and one reader; a missing or
// wrong field is an error naming the item and the field.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parseAlertmanagerWebhook } from '../../lib/alerts';
import type { OccurrenceRecord } from '../../lib/anomaly';
import {
	alertIdentity,
	readAlert,
	readAlertContext,
	readFrequency,
	readIncident,
	readNotification,
	readRepair,
	writeAlertIdentity,
	writeFrequency,
	writeIncident,
	writeNotification,
	writeResolvedSkip,
} from '../../lib/contract';
import { InvalidInputError } from '../../lib/errors';
import type { Incident } from '../../lib/incidents';

const deliveries = JSON.parse(
	readFileSync(join(__dirname, '../fixtures/alertmanager/deliveries.json'), 'utf8'),
).deliveries as Array<{ body: Record<string, unknown> }>;

/** Items exactly as the trigger emitted them before the contract (no replica_labels). */
const previousShape = deliveries.flatMap(
	(d) => parseAlertmanagerWebhook(d.body) as unknown as Record<string, unknown>[],
);

function errorOf(fn: () => unknown): InvalidInputError {
	try {
		fn();
	} catch (error) {
		expect(error).toBeInstanceOf(InvalidInputError);
		return error as InvalidInputError;
	}
	throw new Error('expected an InvalidInputError');
}

describe('alert section', () => {
	it('reads a previous-shape trigger item as the trigger computed it', () => {
		expect(previousShape.length).toBeGreaterThan(3);
		for (const [i, item] of previousShape.entries()) {
			const alert = readAlert(item, i);
			expect(alert.status).toBe(item.status);
			expect(alert.identity.anomaly_key).toBe(item.anomaly_key);
			expect(alert.identity.alert_fingerprint).toBe(item.alert_fingerprint);
			expect(alert.identity.dedupedLabels).toEqual(item.dedupedLabels);
			expect(alert.identity.signature).toEqual(item.signature);
			expect(alert.occurrence_id).toBe(item.occurrence_id);
			expect(alert.at).toBe(Date.parse(String(item.startsAt)));
		}
	});

	it('computes for a hand-built item (labels + startsAt) what the trigger would have', () => {
		for (const [i, item] of previousShape.entries()) {
			const byHand = {
				status: item.status,
				labels: item.labels,
				startsAt: item.startsAt,
			};
			const alert = readAlert(byHand, i);
			expect(alert.identity.anomaly_key).toBe(item.anomaly_key);
			expect(alert.identity.alert_fingerprint).toBe(item.alert_fingerprint);
			expect(alert.occurrence_id).toBe(item.occurrence_id);
		}
	});

	it('HA replicas of one alert are one identity and one occurrence', () => {
		const base = { alertname: 'Down', namespace: 'shop', deployment: 'web' };
		const startsAt = '2026-11-22T15:25:27.512439Z';
		const a = readAlert({ labels: { ...base, prometheus_replica: 'p0' }, startsAt }, 0);
		const b = readAlert({ labels: { ...base, prometheus_replica: 'p1' }, startsAt }, 1);
		expect(a.identity).toEqual(b.identity);
		expect(a.occurrence_id).toBe(b.occurrence_id);
		expect(a.labels).toHaveProperty('prometheus_replica', 'p0');
	});

	it('the trigger’s extra replica labels travel on the item and shape the reader’s identity', () => {
		const labels = { alertname: 'Down', namespace: 'shop', deployment: 'web', dc: 'eu-1' };
		const identity = alertIdentity(labels, ['dc']);
		expect(identity.replica_labels).toEqual(expect.arrayContaining(['dc', 'prometheus_replica']));
		expect(identity.dedupedLabels).not.toHaveProperty('dc');
		const startsAt = '2026-11-22T15:25:27.512439Z';
		const item = writeAlertIdentity({ status: 'firing', labels, startsAt }, identity, startsAt);
		// an item that lost everything but labels, startsAt and the replica labels reads the same
		const reread = readAlert(
			{ labels, startsAt, replica_labels: item.replica_labels } as Record<string, unknown>,
			0,
		);
		expect(reread.identity.anomaly_key).toBe(identity.anomaly_key);
		expect(reread.occurrence_id).toBe(`${identity.alert_fingerprint}@${startsAt}`);
		// without them, `dc` is part of the alert: a different instance
		expect(readAlert({ labels, startsAt }, 0).identity.alert_fingerprint).not.toBe(
			identity.alert_fingerprint,
		);
	});

	it('an item with anomaly_key and startsAt only is its own instance', () => {
		const alert = readAlert({ anomaly_key: 'disk-full', startsAt: 1_700_000_000_000 }, 4);
		expect(alert.identity.anomaly_key).toBe('disk-full');
		expect(alert.occurrence_id).toBe('disk-full@1700000000000');
		const given = { anomaly_key: 'k', startsAt: '2026-01-01T00:00:00Z', occurrence_id: 'given' };
		expect(readAlert(given, 0).occurrence_id).toBe('given');
	});

	it('a resolved item needs no startsAt', () => {
		const alert = readAlert({ status: 'resolved', anomaly_key: 'k' }, 0);
		expect(alert).toMatchObject({ status: 'resolved', startsAt: null, occurrence_id: null });
	});

	it.each([
		[{}, 'labels', /Item 3: labels is missing/],
		[{ labels: { a: 'b' } }, 'startsAt', /Item 3: startsAt is missing/],
		[{ labels: { a: 'b' }, startsAt: 'yesterday' }, 'startsAt', /RFC 3339/],
		[{ labels: { a: 1 }, startsAt: '2026-01-01T00:00:00Z' }, 'labels.a', /must be a string/],
		[{ labels: 'a=b', startsAt: '2026-01-01T00:00:00Z' }, 'labels', /object of strings/],
		[{ anomaly_key: 7, startsAt: '2026-01-01T00:00:00Z' }, 'anomaly_key', /must be a string/],
		[{ anomaly_key: 'x'.repeat(201), startsAt: '2026-01-01T00:00:00Z' }, 'anomaly_key', /200/],
		[{ status: 'open', labels: { a: 'b' } }, 'status', /"firing" or "resolved"/],
		[{ anomaly_key: 'k', startsAt: 1, signature: 'x' }, 'signature', /object/],
		[{ labels: { a: 'b' }, startsAt: 1, replica_labels: 'dc' }, 'replica_labels', /list/],
	])('%j is refused naming %s', (json, field, message) => {
		const error = errorOf(() => readAlert(json as Record<string, unknown>, 3));
		expect(error.field).toBe(field);
		expect(error.message).toMatch(message);
		expect(error.message).toMatch(/^Item 3: /);
	});

	it('the lenient reader takes whatever alert the item has, and nothing is required', () => {
		expect(readAlertContext({}, 0)).toEqual({
			status: null,
			labels: {},
			annotations: {},
			identity: null,
		});
		const trigger = previousShape[0];
		const context = readAlertContext(trigger, 0);
		expect(context.labels).toEqual(trigger.dedupedLabels);
		expect(context.identity?.anomaly_key).toBe(trigger.anomaly_key);
		const byHand = readAlertContext(
			{ labels: { namespace: 'shop', pod: 'web-0', replica: 'b' } },
			0,
		);
		expect(byHand.labels).toEqual({ namespace: 'shop', pod: 'web-0' });
		expect(byHand.identity?.workload).toBe('web');
	});
});

describe('sections', () => {
	const alert = previousShape[0];
	const record: OccurrenceRecord = {
		duplicate: false,
		expired: false,
		previous_escalation_level: null,
		escalation_level: 'REPEAT',
		escalation_crossed: true,
		frequency: {
			anomaly_key: String(alert.anomaly_key),
			count_1h: 3,
			count_24h: 3,
			count_7d: 3,
			count_30d: 3,
			first_seen: '2026-11-22T15:00:00.000Z',
			last_seen: '2026-11-22T15:25:27.512Z',
			escalation_level: 'REPEAT',
			repair_count: 2,
			restart_count: 2,
			permanent_fix_applied: false,
			permanent_fix_at: null,
			permanent_fix_description: null,
			recurred_after_fix: false,
		},
		refired_outcomes: [],
	};

	it('frequency: the writer keeps the previous shape (top-level verdict + frequency), the reader reads it back', () => {
		const out = writeFrequency(alert, record);
		expect(out).toMatchObject({
			escalation_level: 'REPEAT',
			duplicate: false,
			escalation_crossed: true,
		});
		expect(readFrequency(out, 0)).toEqual(record.frequency);
		expect(readFrequency(alert, 0)).toBeNull();
		expect(readFrequency({ ...out, degraded: true }, 0)).toBeNull();
		expect(errorOf(() => readFrequency({ frequency: { escalation_level: 'HIGH' } }, 2)).field).toBe(
			'frequency.escalation_level',
		);
		expect(errorOf(() => readFrequency({ frequency: { count_1h: -1 } }, 2)).message).toMatch(
			/Item 2: frequency.count_1h must be a count/,
		);
	});

	it('incident: written with what the item did to it; read as id and tier', () => {
		const incident = {
			id: '0b7c2a5e-1f7e-4c59-9a43-5f1f9b3c0a11',
			recommended_tier: 2,
			created_at: new Date('2026-11-22T15:25:27.512Z'),
		} as unknown as Incident;
		const out = writeIncident(alert, incident, {
			is_new: true,
			aggregated: false,
			duplicate: false,
			escalation_changed: false,
			superseded_incident_id: null,
		});
		expect(out.incident?.created_at).toBe('2026-11-22T15:25:27.512Z');
		expect(readIncident(out, 0)).toEqual({ id: incident.id, recommended_tier: 2 });
		expect(readIncident(alert, 0)).toBeNull();
		expect(errorOf(() => readIncident({ incident: { recommended_tier: 1 } }, 5)).message).toBe(
			'Item 5: incident.id is missing (the incident Aggregate Incident output)',
		);
		expect(
			errorOf(() => readIncident({ incident: { id: 'x', recommended_tier: 7 } }, 5)).field,
		).toBe('incident.recommended_tier');
	});

	it('repair and notification: written and read back; absent is null', () => {
		const skipped = writeResolvedSkip(alert);
		expect(readRepair(skipped, 0)).toEqual({
			status: 'skipped',
			action: null,
			reason: 'the alert is resolved: nothing to repair',
		});
		expect(readRepair(alert, 0)).toBeNull();
		expect(errorOf(() => readRepair({ repair: {} }, 1)).field).toBe('repair.status');
		const sent = writeNotification(alert, {
			event: 'alert_fired',
			title: 't',
			delivered: true,
			suppressed: false,
			channels: [{ channel: 'webhook', delivered: true }],
		});
		expect(readNotification(sent, 0)).toMatchObject({ event: 'alert_fired', delivered: true });
		expect(readNotification(alert, 0)).toBeNull();
		expect(errorOf(() => readNotification({ notification: [] }, 1)).field).toBe('notification');
	});
});
