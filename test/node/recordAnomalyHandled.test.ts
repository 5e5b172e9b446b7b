// Record Anomaly 1.1 and Aggregate Incident as n8n runs them (built nodes): an occurrence is
// handled when Mark Handled says so; the execution that recorded it holds a claim until then, and
// a delivery after the claim's lease re-claims it — still counted once, replayed by Open or Join.
import type { INodeExecutionData } from 'n8n-workflow';

import { closeEmbeddedStores, closePostgresPools, closeRedisClients } from '../../lib/store';
import { loadNode, runNode } from '../harness/nodeHarness';
import {
	deletePrefix,
	dropSchema,
	postgresCredential,
	redisCredential,
	testPrefix,
	testSchema,
	tmpFolder,
} from '../support/stores';

const node = loadNode('RecordAnomaly');
const incidents = loadNode('AggregateIncident');
const folder = tmpFolder('aiops-node-handled');
const prefix = testPrefix();
const schemas = [testSchema(), testSchema()];

beforeAll(async () => {
	await runNode(node, {
		parameters: {
			store: 'embedded',
			resource: 'anomaly',
			operation: 'getFrequency',
			options: { embeddedFolder: folder.path },
		},
		items: [{ json: { anomaly_key: 'warm-up' } }],
	});
}, 180_000);

afterAll(async () => {
	await Promise.all([closeEmbeddedStores(), closeRedisClients(), closePostgresPools()]);
	await deletePrefix(prefix);
	for (const s of schemas) await dropSchema(s);
	folder.remove();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let n = 0;
const firing = (): INodeExecutionData => {
	n++;
	return {
		json: {
			status: 'firing',
			anomaly_key: `key-${n}`,
			occurrence_id: `occ-${n}`,
			alert_fingerprint: `fp-${n}`,
			startsAt: new Date(Date.now() - 60_000).toISOString(),
			labels: { alertname: 'KubePodCrashLooping', namespace: 'shop' },
		},
	};
};
const resolved: INodeExecutionData = {
	json: { status: 'resolved', anomaly_key: 'key-r', startsAt: new Date().toISOString() },
};

const stores = [
	['Embedded', { store: 'embedded', options: { embeddedFolder: folder.path } }, {}],
	['Redis', { store: 'redis', options: { keyPrefix: prefix } }, redisCredential()],
	['Postgres', { store: 'postgres', options: { schema: schemas[0] } }, postgresCredential()],
] as const;

describe.each(stores)(
	'Record Anomaly 1.1 handled semantics on %s',
	(_name, storeParams, credentials) => {
		const run = (
			parameters: Record<string, unknown>,
			items: INodeExecutionData[],
			extra: { typeVersion?: number } = {},
		) =>
			runNode(node, {
				parameters: { ...storeParams, resource: 'anomaly', handledWhen: 'marked', ...parameters },
				items,
				credentials: credentials as never,
				...extra,
			});

		it('with When Marked Handled, claims new occurrences; a re-delivery is a duplicate until the claim ends; Mark Handled ends it for good', async () => {
			const [a, b] = [firing(), firing()];
			const [first] = await run({ operation: 'recordOccurrence' }, [a, b, resolved]);
			expect(first.map((o) => o.json.duplicate)).toEqual([false, false, undefined]);
			expect(first.map((o) => o.json.reclaimed)).toEqual([false, false, undefined]);
			const until = Date.parse(first[0].json.claimed_until as string);
			// the default lease: 600 seconds from now
			expect(until - Date.now()).toBeGreaterThan(590_000);
			expect(until - Date.now()).toBeLessThanOrEqual(600_000);

			const [again] = await run({ operation: 'recordOccurrence' }, [a, b]);
			expect(again.map((o) => o.json.duplicate)).toEqual([true, true]);

			// Mark Handled: items it is given, resolved ones passed through, duplicates left alone
			const [marked] = await run({ operation: 'markHandled' }, [first[0], resolved, again[1]]);
			expect(marked.map((o) => o.json.handled)).toEqual([true, undefined, false]);
			expect(marked.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
			expect(marked[0].json.frequency).toEqual(first[0].json.frequency);
		});

		it('a delivery after the lease of an unhandled occurrence re-claims it once, not counting it again', async () => {
			const a = firing();
			const params = { operation: 'recordOccurrence', claimLeaseSeconds: 1 };
			const [first] = await run(params, [a]);
			expect(first[0].json).toMatchObject({ duplicate: false, frequency: { count_24h: 1 } });
			await sleep(1_100); // the execution that recorded it died: its lease runs out
			const [again] = await run(params, [a, a]);
			expect(again[0].json).toMatchObject({
				duplicate: false,
				reclaimed: true,
				frequency: { count_24h: 1 },
			});
			expect(again[1].json).toMatchObject({ duplicate: true, reclaimed: false });
			await run({ operation: 'markHandled' }, [again[0]]);
			await sleep(1_100);
			const [after] = await run(params, [a]);
			expect(after[0].json).toMatchObject({ duplicate: true });
		});

		it('by default (workflows made before claims) recording is handling: no claims unless asked', async () => {
			const a = firing();
			const [out] = await run({ operation: 'recordOccurrence', handledWhen: undefined }, [a]);
			expect(out[0].json).toMatchObject({ duplicate: false, claimed_until: null });
			const b = firing();
			const [claimed] = await run({ operation: 'recordOccurrence', handledWhen: 'marked' }, [b], {
				typeVersion: 1,
			});
			expect(claimed[0].json.claimed_until).toEqual(expect.any(String));
		});

		it('Mark Handled names the item and the field it cannot read', async () => {
			await expect(
				run({ operation: 'markHandled' }, [firing(), { json: { status: 'firing' } }]),
			).rejects.toMatchObject({
				message: expect.stringContaining('Item 1'),
				context: { itemIndex: 1 },
			});
		});
	},
);

describe('Aggregate Incident (built node) with re-claimed occurrences', () => {
	it('replays the first join of a re-claimed occurrence without counting it again', async () => {
		const run = (items: INodeExecutionData[]) =>
			runNode(incidents, {
				parameters: {
					store: 'postgres',
					resource: 'incident',
					operation: 'openOrJoin',
					options: { schema: schemas[1] },
				},
				items,
				credentials: postgresCredential() as never,
			});
		const a = firing();
		const [first] = await run([a]);
		expect(first[0].json).toMatchObject({ is_new: true, duplicate: false, replayed: false });
		const [dup] = await run([a]);
		expect(dup[0].json).toMatchObject({ is_new: false, duplicate: true });
		const [replay] = await run([{ json: { ...a.json, reclaimed: true } }]);
		expect(replay[0].json).toMatchObject({
			is_new: true,
			duplicate: false,
			replayed: true,
			incident: { aggregated_count: 1 },
		});
	});
});
