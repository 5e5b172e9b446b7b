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
