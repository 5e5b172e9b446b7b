// One firing spelled three ways (Z, +01:00, nanoseconds) is one occurrence on every store: the
// trigger's occurrence_id comes from the instant, and items built by hand (labels + startsAt,
// no occurrence_id) get the same id.
import { DEFAULT_THRESHOLDS, recordOccurrences, type OccurrenceOutcome } from '../../lib/anomaly';
import { readAlertmanagerDelivery } from '../../lib/alerts';
import {
	PGLITE_OPEN_TIMEOUT,
	closeStores,
	openAnomalyStore,
	openPglite,
	type StoreKind,
} from '../support/storeCases';

const SPELLINGS = [
	'2026-11-22T10:24:53.592Z',
	'2026-11-22T11:24:53.592+01:00',
	'2026-11-22T10:24:53.592000000Z',
];
const NOW = Date.parse('2026-11-22T12:00:00Z');
const labels = { alertname: 'KubePodCrashLooping', namespace: 'shop', pod: 'cart-7d4b9c6f8-x2x9z' };

const fromTrigger = (startsAt: string) =>
	readAlertmanagerDelivery({ version: '4', alerts: [{ status: 'firing', labels, startsAt }] })
		.alerts[0] as unknown as Record<string, unknown>;
const byHand = (startsAt: string) => ({ status: 'firing', labels: { ...labels }, startsAt });

const duplicates = (outcomes: OccurrenceOutcome[]) =>
	outcomes.map((o) => {
		if (!('ok' in o)) throw new Error(`not recorded: ${JSON.stringify(o)}`);
		return o.ok.duplicate;
	});

beforeAll(openPglite, PGLITE_OPEN_TIMEOUT);
afterAll(closeStores);

describe.each<StoreKind>(['Redis', 'Postgres', 'PGlite'])(
	'one instant in three spellings on %s',
	(kind) => {
		it.each([
			['trigger items', fromTrigger],
			['items built by hand', byHand],
		])('counts %s once', async (_name, make) => {
			const { store, cleanup } = openAnomalyStore(kind);
			try {
				const outcomes: OccurrenceOutcome[] = [];
				// three deliveries, one spelling each
				for (const startsAt of SPELLINGS)
					outcomes.push(
						...(await recordOccurrences(store, [make(startsAt)], {
							now: NOW,
							retentionDays: 30,
							thresholds: DEFAULT_THRESHOLDS,
						})),
					);
				expect(duplicates(outcomes)).toEqual([false, true, true]);
				const last = outcomes[2] as { ok: { frequency: { count_24h: number } } };
				expect(last.ok.frequency.count_24h).toBe(1);
			} finally {
				await cleanup();
			}
		});
	},
);
