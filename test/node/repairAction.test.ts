// The BUILT Repair Action node through the harness, against the fake API server: an alert item
// from the Alertmanager Trigger repaired by Auto, each operation's wiring, item errors with
// continueOnFail, resolved items, dry run, and the stores (embedded; Redis with Postgres audit).
import type { IDataObject, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { readAudit } from '../../lib/repair/audit';
import { builtStore, callWebhook, loadNode, runNode } from '../harness/nodeHarness';
import { NS, startCluster, type Cluster } from '../support/repair';
import {
	deletePrefix,
	dropSchema,
	postgresConnection,
	redisConnection,
	testPrefix,
	testSchema,
	tmpFolder,
} from '../support/stores';

const { closeEmbeddedStores, closePostgresPools, closeRedisClients, embeddedStore, postgresStore } =
	builtStore();

const node = loadNode('RepairAction');
const trigger = loadNode('AlertmanagerTrigger');
const folder = tmpFolder('repair-node');
let cluster: Cluster;
let kube: { aiopsKubernetesApi: IDataObject };

beforeEach(async () => {
	cluster = await startCluster({ tickMs: 5 });
	kube = {
		aiopsKubernetesApi: {
			authentication: 'kubeconfig',
			kubeconfig: cluster.fake.kubeconfig(),
			context: '',
		},
	};
});
afterEach(async () => {
	await cluster.stop();
});
afterAll(async () => {
	await Promise.all([closeEmbeddedStores(), closeRedisClients(), closePostgresPools()]);
	folder.remove();
});

/** What the Alertmanager Trigger emits for one delivery about pods of `web`. */
async function alertItems(
	alerts: { labels: Record<string, string>; status?: string }[],
): Promise<INodeExecutionData[]> {
	const body = {
		receiver: 'n8n',
		status: 'firing',
		alerts: alerts.map((a, i) => ({
			status: a.status ?? 'firing',
			labels: a.labels,
			annotations: { summary: 'web keeps crashing' },
			startsAt: `2026-03-01T10:0${i}:00Z`,
			endsAt: '0001-01-01T00:00:00Z',
			generatorURL: 'http://prometheus/graph',
			fingerprint: '',
		})),
		groupLabels: {},
		commonLabels: {},
		commonAnnotations: {},
		externalURL: 'http://alertmanager',
		version: '4',
		groupKey: '{}:{}',
		truncatedAlerts: 0,
	};
	const result = await callWebhook(trigger, { body }, { parameters: { authentication: 'none' } });
	return result.workflowData![0];
}

const embedded = { store: 'embedded', options: { embeddedFolder: folder.path } };

describe('Repair Action (built node)', () => {
	it('repairs the workload of an alert that went through Record Anomaly and Aggregate Incident (Auto, tier 1 → restart) and records it', async () => {
		await cluster.deploy();
		const pod = String((cluster.fake.list('Pod', NS)[0].metadata as { name: string }).name);
		const alerts = await alertItems([
			{
				labels: {
					alertname: 'KubePodCrashLooping',
					namespace: NS,
					pod,
					container: 'app',
					severity: 'critical',
				},
			},
		]);
		const [counted] = await runNode(loadNode('RecordAnomaly'), {
			parameters: { resource: 'anomaly', operation: 'recordOccurrence', ...embedded },
			items: alerts,
		});
		const [items] = await runNode(loadNode('AggregateIncident'), {
			parameters: { operation: 'openOrJoin', ...embedded },
			items: counted,
		});
		const incident = items[0].json.incident as IDataObject;
		expect(incident).toMatchObject({ status: 'open', recommended_tier: 1 });

		const [out] = await runNode(node, {
			parameters: { operation: 'auto', ...embedded },
			items,
			credentials: kube,
		});
		expect(out).toHaveLength(1);
		expect(out[0].pairedItem).toEqual({ item: 0 });
		// the alert item goes on, with the repair
		expect(out[0].json.anomaly_key).toBe(alerts[0].json.anomaly_key);
		const repair = out[0].json.repair as IDataObject;
		expect(repair).toMatchObject({
			status: 'succeeded',
			operation: 'auto',
			action: 'restart',
			target: { namespace: NS, kind: 'Deployment', name: 'web', container: 'app', pod },
			plan: { explanation: 'restart chosen: tier 1: restart' },
			incident_id: incident.id,
			recorded: { outcome: true, audit: true, incident: true },
		});
		const audit = await readAudit(embeddedStore({ folder: folder.path }), 'aiops', { name: 'web' });
		expect(audit[0]).toMatchObject({
			who: 'n8n workflow "test workflow" (wf-1) execution exec-1',
			why: expect.stringContaining(
				'alert KubePodCrashLooping (firing) in shop: web keeps crashing',
			),
			result: 'succeeded',
			action: 'restart',
			incidentId: incident.id,
		});
		// Record Anomaly sees the outcome in the signature's history, the incident in its stats
		const [stats] = await runNode(loadNode('RecordAnomaly'), {
			parameters: { resource: 'repair', operation: 'getStats', ...embedded },
			items: [{ json: { anomaly_key: alerts[0].json.anomaly_key } }],
		});
		expect(
			(stats[0].json.repair_stats as { actions: Record<string, unknown> }).actions.restart,
		).toMatchObject({
			total: 1,
			successes: 1,
		});
		const [after] = await runNode(loadNode('AggregateIncident'), {
			parameters: { operation: 'get', incidentId: String(incident.id), ...embedded },
			items: [{ json: {} }],
		});
		expect((after[0].json.incident as IDataObject).repair_stats).toMatchObject({
			total: 1,
			successes: 1,
			restarts: 1,
			last_action: 'restart',
			last_success: true,
		});
	});

	it('fails a bad item naming the field and the item; with Continue On Fail the others still run', async () => {
		await cluster.deploy();
		const items: INodeExecutionData[] = [
			{ json: { labels: { alertname: 'X', deployment: 'web' } } },
			{ json: { labels: { alertname: 'X', namespace: NS, deployment: 'web' } } },
			{
				json: { status: 'resolved', labels: { alertname: 'X', namespace: NS, deployment: 'web' } },
			},
		];
		const error = await runNode(node, {
			parameters: { operation: 'restart', ...embedded },
			items,
			credentials: kube,
		}).catch((e) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe(
			'Item 0: no namespace: the item has no `namespace` label and the Namespace parameter is empty',
		);
		expect(error.context.itemIndex).toBe(0);
		const [out] = await runNode(node, {
			parameters: { operation: 'restart', ...embedded, guardrails: { cooldownMinutes: 0 } },
			items,
			credentials: kube,
			continueOnFail: true,
		});
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(out[0].json).toEqual({ error: error.message, field: 'namespace' });
		expect((out[1].json.repair as IDataObject).status).toBe('succeeded');
		expect(out[2].json.repair).toMatchObject({ status: 'skipped', code: 'resolved' });
	});

	it('reads the guardrails of each item from that item (an expression per item)', async () => {
		await cluster.deploy();
		const alert = { labels: { alertname: 'X', namespace: NS, deployment: 'web' } };
		const [out] = await runNode(node, {
			parameters: {
				operation: 'restart',
				dryRun: true,
				...embedded,
				guardrails: {
					maxPerHour: '={{ $json.maxPerHour }}',
					deniedNamespaces: '={{ $json.deny }}',
				},
			},
			items: [
				{ json: { ...alert, maxPerHour: 0, deny: '' } },
				{ json: { ...alert, maxPerHour: 3, deny: NS } },
				{ json: { ...alert, maxPerHour: 3, deny: '' } },
			],
			credentials: kube,
			continueOnFail: true,
		});
		expect(out[0].json).toEqual({
			error: 'Item 0: maxPerHour must be a whole number ≥ 1, got 0',
			field: 'maxPerHour',
		});
		expect(out[1].json.repair).toMatchObject({ status: 'skipped' });
		expect((out[1].json.repair as IDataObject).reason).toMatch(NS);
		expect(out[2].json.repair).toMatchObject({ status: 'dry_run' });
	});

	it('takes the target from parameters, dry-runs a rollback and changes nothing', async () => {
		await cluster.deploy({ image: 'nginx:1' });
		await cluster.deploy({ image: 'nginx:2' });
		const before = JSON.stringify(cluster.fake.get('Deployment', NS, 'web'));
		const [out] = await runNode(node, {
			parameters: {
				operation: 'rollback',
				namespace: NS,
				kind: 'Deployment',
				workloadName: 'web',
				dryRun: true,
				...embedded,
			},
			items: [{ json: {} }],
			credentials: kube,
		});
		const repair = out[0].json.repair as IDataObject;
		expect(repair).toMatchObject({
			status: 'dry_run',
			action: 'rollback',
			change: { before: { revision: 2 }, after: { revision: 1 } },
		});
		expect(repair.reason).toMatch(
			/^dry run: roll back deployment\/web in namespace shop from revision 2 to revision 1; nothing was changed/,
		);
		expect(JSON.stringify(cluster.fake.get('Deployment', NS, 'web'))).toBe(before);
	});

	it('without a Kubernetes credential only plans: Auto chooses, nothing is sent to a cluster', async () => {
		const requestsBefore = cluster.fake.requests.length;
		const items = await alertItems([
			{
				labels: {
					alertname: 'KubeContainerOOMKilled',
					namespace: NS,
					deployment: 'web',
					reason: 'OOMKilled',
					auto_repair: 'scale_memory',
				},
			},
		]);
		const [out] = await runNode(node, { parameters: { operation: 'auto', ...embedded }, items });
		const repair = out[0].json.repair as IDataObject;
		expect(repair).toMatchObject({
			status: 'dry_run',
			code: 'no_cluster',
			action: 'raise_memory',
			dry_run: true,
		});
		expect(repair.reason).toMatch(
			/^no Kubernetes credential: planned raise_memory of deployment\/web/,
		);
		expect((repair.plan as IDataObject).explanation).toMatch(/auto_repair label is "scale_memory"/);
		expect(cluster.fake.requests.length).toBe(requestsBefore);
	});

	it('keeps guards and outcomes in Redis and the audit in Postgres', async () => {
		await cluster.deploy({ memory: { limit: '256Mi' } });
		const prefix = testPrefix();
		const schema = testSchema();
		const r = redisConnection();
		const p = postgresConnection();
		const credentials = {
			...kube,
			aiopsRedisApi: {
				host: r.host,
				port: r.port,
				database: r.database ?? 0,
				password: r.password ?? '',
			},
			aiopsPostgresApi: {
				host: p.host,
				port: p.port,
				database: p.database,
				user: p.user,
				password: p.password ?? '',
			},
		};
		try {
			const parameters = {
				operation: 'raiseMemory',
				store: 'redis',
				namespace: NS,
				workloadName: 'web',
				options: { keyPrefix: prefix, schema },
			};
			const [first] = await runNode(node, {
				parameters,
				items: [{ json: { anomaly_key: 'feedfacefeedface' } }],
				credentials,
			});
			expect(first[0].json.repair).toMatchObject({
				status: 'succeeded',
				change: { after: { memory_limit: '384Mi' } },
				recorded: { outcome: true, audit: true },
			});
			// a second run right away meets the cooldown kept in Redis
			const [second] = await runNode(node, { parameters, items: [{ json: {} }], credentials });
			expect(second[0].json.repair).toMatchObject({ status: 'skipped', code: 'cooldown' });
			const audit = await readAudit(postgresStore(p), schema);
			expect(audit.map((a) => a.result)).toEqual(['skipped', 'succeeded']);
		} finally {
			await deletePrefix(prefix);
			await dropSchema(schema);
		}
	});

	it('offers every operation and tests the Kubernetes credential', async () => {
		const ops = (
			node.description.properties.find((p) => p.name === 'operation')!.options as {
				value: string;
			}[]
		).map((o) => o.value);
		expect(ops.sort()).toEqual([
			'auto',
			'cleanup',
			'deletePod',
			'raiseMemory',
			'restart',
			'rollback',
			'scale',
		]);
		// every default of a choice is one of its options
		const choices = (list: INodeProperties[]): INodeProperties[] =>
			list.flatMap((p) => [
				p,
				...choices((p.options ?? []).filter((o): o is INodeProperties => 'type' in o)),
			]);
		for (const p of choices(node.description.properties)) {
			if (p.type !== 'options' && p.type !== 'multiOptions') continue;
			const values = (p.options as { value: string }[]).map((o) => o.value);
			for (const d of [p.default].flat()) expect(values, p.name).toContain(d);
		}
		const test = (
			node as unknown as {
				methods: {
					credentialTest: Record<
						string,
						(c: unknown) => Promise<{ status: string; message: string }>
					>;
				};
			}
		).methods.credentialTest.kubernetesConnectionTest;
		const result = await test.call(
			{},
			{ id: '1', name: 'k', type: 'aiopsKubernetesApi', data: kube.aiopsKubernetesApi },
		);
		expect(result).toMatchObject({
			status: 'OK',
			message: expect.stringContaining('Connected to Kubernetes v1.30.0'),
		});
	});
});
