// The recorded Alertmanager deliveries (test/fixtures/alertmanager/deliveries.json) as the
// items the Alertmanager Trigger emits, one list per delivery.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parseAlertmanagerWebhook, type AlertItem } from '../../lib/alerts';

export interface Delivery {
	headers: Record<string, string>;
	body: Record<string, unknown>;
}

export const deliveries: Delivery[] = JSON.parse(
	readFileSync(join(__dirname, '../fixtures/alertmanager/deliveries.json'), 'utf8'),
).deliveries;

const DAY_MS = 86_400_000;
const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?Z$/;

/** An RFC 3339 time moved by whole days, its fraction (Alertmanager sends microseconds) kept. */
function shiftDays(time: string, days: number): string {
	const m = RFC3339.exec(time);
	if (!m || time.startsWith('0001-')) return time; // endsAt of a firing alert: "no end"
	const moved = new Date(Date.parse(`${m[1]}Z`) + days * DAY_MS).toISOString().slice(0, 19);
	return `${moved}${m[2] ?? ''}Z`;
}

/**
 * The recorded deliveries moved by whole days so that they began between one and two days
 * before `now` (the clock of the run): inside the 7-day and 30-day windows, outside the 24-hour
 * one, whatever the date the test runs on. Everything else (labels, fingerprints, the order and
 * spacing of the alerts) is as recorded.
 */
export function deliveriesRecentTo(now: number): Delivery[] {
	const starts = deliveries.flatMap((d) =>
		(d.body.alerts as Array<{ startsAt: string }>).map((a) => Date.parse(a.startsAt)),
	);
	const days = Math.floor((now - DAY_MS - Math.max(...starts)) / DAY_MS);
	return deliveries.map((d) => ({
		headers: d.headers,
		body: {
			...d.body,
			alerts: (d.body.alerts as Array<Record<string, unknown>>).map((a) => ({
				...a,
				startsAt: shiftDays(String(a.startsAt), days),
				endsAt: shiftDays(String(a.endsAt), days),
			})),
		},
	}));
}

/** Every delivery's alerts as trigger items (plain JSON, as n8n passes them on). */
export function deliveryItems(): Record<string, unknown>[][] {
	return deliveries.map((d) =>
		parseAlertmanagerWebhook(d.body).map(
			(a: AlertItem) => JSON.parse(JSON.stringify(a)) as Record<string, unknown>,
		),
	);
}

/** The anomaly_key of the crash-looping checkout pods in the fixture. */
export function crashLoopKey(): string {
	const first = deliveryItems()[0][0];
	return first.anomaly_key as string;
}
