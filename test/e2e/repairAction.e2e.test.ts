// Real n8n: alert → Alertmanager Trigger → Record Anomaly → Aggregate Incident → Repair Action
// (Auto) against the fake Kubernetes API server, the outcome recorded in the outcome history,
// the incident's repair stats and the audit table (Postgres, read back here).
import { readAudit } from '../../lib/repair/audit';
import { closePostgresPools, postgresStore } from '../../lib/store';
import { NS, startCluster, type Cluster } from '../support/repair';
import { dropSchema, postgresConnection, testSchema } from '../support/stores';
import { startN8n, type N8nInstance } from './support/n8n';
import { startReceiver } from './support/receiver';

const pg = { id: 'pgCred00000001', name: 'Postgres' };
const k8s = { id: 'kubeCred0000001', name: 'Fake cluster' };

function selfHealWorkflow(receiverUrl: string, schema: string) {
	const store = { store: 'postgres', options: { schema } };
	const node = (
		id: string,
		name: string,
		type: string,
		x: number,
		parameters: object,
		credentials?: object,
	) => ({
		id,
		name,
		type,
		typeVersion: 1,
		position: [x, 0],
		parameters,
		...(credentials ? { credentials } : {}),
	});
	return {
		id: 'selfHealRepair1',
		name: 'Self-heal: alert to repair',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				...node('n1', 'Alertmanager Trigger', 'n8n-nodes-aiops.alertmanagerTrigger', 0, {
					path: 'alerts',
					authentication: 'none',
					emit: 'both',
					options: {},
				}),
				webhookId: '7d1c2b9e-3f4a-4c5b-8d6e-1a2b3c4d5e6f',
			},
			node(
				'n2',
				'Record Anomaly',
				'n8n-nodes-aiops.recordAnomaly',
				250,
				{ resource: 'anomaly', operation: 'recordOccurrence', ...store },
				{
					aiopsPostgresApi: pg,
				},
			),
			node(
				'n3',
				'Aggregate Incident',
				'n8n-nodes-aiops.aggregateIncident',
				500,
				{ operation: 'openOrJoin', ...store },
				{
					aiopsPostgresApi: pg,
				},
			),
			node(
				'n4',
				'Repair Action',
				'n8n-nodes-aiops.repairAction',
				750,
				{ operation: 'auto', verifyTimeout: 60, ...store },
				{
					aiopsPostgresApi: pg,
					aiopsKubernetesApi: k8s,
				},
			),
			{
				...node('n5', 'Echo', 'n8n-nodes-base.httpRequest', 1000, {
					method: 'POST',
					url: `${receiverUrl}/repairs`,
					sendBody: true,
					specifyBody: 'json',
					jsonBody: '={{ JSON.stringify($json) }}',
					options: {},
				}),
				typeVersion: 4.2,
			},
		],
		connections: {
			'Alertmanager Trigger': { main: [[{ node: 'Record Anomaly', type: 'main', index: 0 }]] },
			'Record Anomaly': { main: [[{ node: 'Aggregate Incident', type: 'main', index: 0 }]] },
			'Aggregate Incident': { main: [[{ node: 'Repair Action', type: 'main', index: 0 }]] },
			'Repair Action': { main: [[{ node: 'Echo', type: 'main', index: 0 }]] },
		},
	};
}

describe('Repair Action in real n8n', () => {
	let n8n: N8nInstance;
	let cluster: Cluster;
	let receiver: Awaited<ReturnType<typeof startReceiver>>;
	const schema = testSchema();

	beforeAll(async () => {
		cluster = await startCluster();
		await cluster.deploy();
		receiver = await startReceiver();
		const p = postgresConnection();
		n8n = await startN8n({
			credentials: [
				{
					...pg,
					type: 'aiopsPostgresApi',
					data: {
						host: p.host,
						port: p.port,
						database: p.database,
						user: p.user,
						password: p.password ?? '',
					},
				},
				{
					...k8s,
					type: 'aiopsKubernetesApi',
					data: {
						authentication: 'kubeconfig',
						kubeconfig: cluster.fake.kubeconfig(),
						context: '',
					},
				},
			],
			workflows: [selfHealWorkflow(receiver.url, schema)],
			webhooks: ['alerts'],
		});
	});

	afterAll(async () => {
		await n8n?.stop();
		await receiver?.close();
		await cluster?.stop();
		await dropSchema(schema);
		await closePostgresPools();
	});

	it('restarts the crash-looping Deployment, verifies it and records the outcome', async () => {
		const pod = String((cluster.fake.list('Pod', NS)[0].metadata as { name: string }).name);
		const body = {
			receiver: 'n8n',
			status: 'firing',
			alerts: [
				{
					status: 'firing',
					labels: {
						alertname: 'KubePodCrashLooping',
						namespace: NS,
						pod,
						container: 'app',
						severity: 'critical',
					},
					annotations: { summary: 'web is crash-looping' },
					startsAt: new Date(Date.now() - 60_000).toISOString(),
					endsAt: '0001-01-01T00:00:00Z',
					generatorURL: 'http://prometheus/graph',
					fingerprint: '',
				},
			],
			groupLabels: { alertname: 'KubePodCrashLooping' },
			commonLabels: {},
			commonAnnotations: {},
			externalURL: 'http://alertmanager',
			version: '4',
			groupKey: '{}:{alertname="KubePodCrashLooping"}',
			truncatedAlerts: 0,
		};
		const res = await fetch(`${n8n.baseUrl}/webhook/alerts`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
		expect(res.status).toBe(200);
		const [item] = (await receiver.waitFor(1, 180_000)).map(
			(r) => r.body as Record<string, unknown>,
		);
		const repair = item.repair as Record<string, unknown>;
		expect(repair).toMatchObject({
			status: 'succeeded',
			operation: 'auto',
			action: 'restart',
			target: { namespace: NS, kind: 'Deployment', name: 'web' },
			plan: { explanation: 'restart chosen: tier 1: restart' },
			recorded: { outcome: true, incident: true, audit: true },
		});
		expect((item.incident as Record<string, unknown>).recommended_tier).toBe(1);
		// the cluster saw the restart
		const template = (
			cluster.fake.get('Deployment', NS, 'web')!.spec as {
				template: { metadata: { annotations?: Record<string, string> } };
			}
		).template;
		expect(template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt']).toMatch(
			/^\d{4}-\d\d-\d\dT/,
		);
		// the audit row, written by n8n, read back here
		const [audit] = await readAudit(postgresStore(postgresConnection()), schema, { name: 'web' });
		expect(audit).toMatchObject({
			who: expect.stringMatching(
				/^n8n workflow "Self-heal: alert to repair" \(selfHealRepair1\) execution \d+$/,
			),
			operation: 'auto',
			action: 'restart',
			result: 'succeeded',
			anomalyKey: item.anomaly_key,
			incidentId: (item.incident as Record<string, unknown>).id,
		});
	});
});
