// The recorded deliveries moved next to the clock of a run (test/support/deliveries.ts): tests
// that let n8n count windows from its own clock must not depend on the date they run on.
import fc from 'fast-check';

import { deliveries, deliveriesRecentTo } from '../support/deliveries';

const DAY_MS = 86_400_000;
const starts = (ds: typeof deliveries) =>
	ds.flatMap((d) => (d.body.alerts as Array<{ startsAt: string }>).map((a) => a.startsAt));

describe('deliveriesRecentTo', () => {
	it('puts the recording one to two days before any clock, moved by whole days', () => {
		fc.assert(
			fc.property(
				fc.integer({
					min: Date.parse('2020-01-01T00:00:00Z'),
					max: Date.parse('2099-12-31T00:00:00Z'),
				}),
				(now) => {
					const moved = deliveriesRecentTo(now);
					const latest = Math.max(...starts(moved).map((s) => Date.parse(s)));
					expect(now - latest).toBeGreaterThanOrEqual(DAY_MS);
					expect(now - latest).toBeLessThan(2 * DAY_MS);
					starts(moved).forEach((s, i) => {
						const original = starts(deliveries)[i];
						// same time of day, microseconds and all; whole days apart
						expect(s.slice(10)).toBe(original.slice(10));
						expect(Math.abs((Date.parse(s) - Date.parse(original)) % DAY_MS)).toBe(0);
					});
				},
			),
		);
	});

	it('keeps "no end" on firing alerts and moves the resolved one\'s end with its start', () => {
		const moved = deliveriesRecentTo(Date.parse('2031-06-01T00:00:00Z'));
		const alerts = moved.flatMap((d) => d.body.alerts as Array<Record<string, string>>);
		for (const a of alerts.filter((x) => x.status === 'firing'))
			expect(a.endsAt).toBe('0001-01-01T00:00:00Z');
		const resolved = alerts.filter((x) => x.status === 'resolved');
		expect(resolved.length).toBeGreaterThan(0);
		for (const a of resolved) expect(a.endsAt.startsWith('2031-05-3')).toBe(true);
	});
});
