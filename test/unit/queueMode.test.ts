// The pure parts of queue mode: the store switch users run on the shipped workflows, and the
// recovery's reading of n8n's stored execution data back into an Alertmanager delivery.
import { parse as flattedParse, stringify as flattedStringify } from 'flatted';

import { parseAlertmanagerWebhook } from '../../lib/alerts';
import { deliveryFromItems, parseFlatted, triggerItems } from '../../scripts/queue-recovery.mjs';
import { shippedWorkflows, switchStores } from '../../scripts/workflow-stores.mjs';
import { deliveries } from '../support/deliveries';

const REDIS = { id: 'redisCred', name: 'Redis' };
const POSTGRES = { id: 'pgCred', name: 'Postgres' };

type Node = {
	type: string;
	name: string;
	parameters: Record<string, unknown>;
	credentials?: Record<string, unknown>;
};

describe('npm run workflows:stores (switchStores)', () => {
	it('moves every stateful node of every shipped workflow off the embedded store', () => {
		let switched = 0;
		for (const { file, workflow } of shippedWorkflows()) {
			const out = switchStores(workflow, { redis: REDIS, postgres: POSTGRES });
			for (const node of out.nodes as Node[]) {
				const store = node.parameters.store;
				expect(store, `${file}: ${node.name}`).not.toBe('embedded');
				if (!store) continue;
				switched++;
				const sqlOnly = ['n8n-nodes-aiops.aggregateIncident', 'n8n-nodes-aiops.aiopsOverview'];
				const expected = sqlOnly.includes(node.type) ? 'postgres' : 'redis';
				expect(store, `${file}: ${node.name}`).toBe(expected);
				expect(
					node.credentials?.[store === 'redis' ? 'aiopsRedisApi' : 'aiopsPostgresApi'],
				).toEqual(store === 'redis' ? REDIS : POSTGRES);
			}
		}
		expect(switched).toBeGreaterThanOrEqual(10);
	});

	it('uses Postgres everywhere when no Redis credential is given, and keeps other credentials', () => {
		const { workflow } = shippedWorkflows().find((w) => w.file === 'alert-to-repair.json')!;
		const out = switchStores(workflow, { postgres: POSTGRES });
		const nodes = out.nodes as Node[];
		const stores = new Set(nodes.map((n) => n.parameters.store).filter(Boolean));
		expect([...stores]).toEqual(['postgres']);
		const trigger = nodes.find((n) => n.type === 'n8n-nodes-aiops.alertmanagerTrigger')!;
		expect(trigger.credentials).toEqual({
			alertmanagerReceiverApi: { id: 'aiopsAmReceiver01', name: 'Alertmanager receiver' },
		});
		// the shipped file itself is not changed
		expect((workflow.nodes as Node[]).some((n) => n.parameters.store === 'embedded')).toBe(true);
	});

	it('refuses without a Postgres credential (Aggregate Incident only speaks SQL)', () => {
		const { workflow } = shippedWorkflows()[0];
		expect(() => switchStores(workflow, { postgres: undefined as never, redis: REDIS })).toThrow(
			/Postgres credential/,
		);
	});
});

describe('queue recovery: reading a failed execution back into a delivery', () => {
	const trigger = { name: 'Alertmanager' };
	const items = parseAlertmanagerWebhook(deliveries[0].body).map((a) =>
		JSON.parse(JSON.stringify(a)),
	);

	it("parses n8n's flatted execution data as flatted itself does", () => {
		const data = { a: [1, 'x', { b: 'x', c: null, d: true }], e: { f: 'g' }, h: '' };
		const text = flattedStringify(data);
		expect(parseFlatted(text)).toEqual(flattedParse(text));
	});

	it('finds the trigger items of a queued execution and of one that failed in a later node', () => {
		const queued = {
			executionData: {
				nodeExecutionStack: [
					{ node: { name: 'Alertmanager' }, data: { main: [items.map((json) => ({ json }))] } },
				],
			},
		};
		expect(triggerItems(parseFlatted(flattedStringify(queued)), trigger)).toEqual(items);
		const failed = {
			resultData: {
				runData: { Alertmanager: [{ data: { main: [items.map((json) => ({ json }))] } }] },
			},
		};
		expect(triggerItems(parseFlatted(flattedStringify(failed)), trigger)).toEqual(items);
		// what n8n leaves after a stalled job: nothing to re-drive
		expect(triggerItems({ resultData: { runData: {} } }, trigger)).toEqual([]);
	});

	it('re-drives the same occurrences: the rebuilt delivery parses to the same alerts', () => {
		const again = parseAlertmanagerWebhook(deliveryFromItems(items));
		expect(again.map((a) => [a.occurrence_id, a.anomaly_key, a.status])).toEqual(
			items.map((a) => [a.occurrence_id, a.anomaly_key, a.status]),
		);
	});
});
