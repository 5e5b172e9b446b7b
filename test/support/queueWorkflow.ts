// The intake workflow of the queue-mode e2e and bench: Alertmanager Trigger → Record Anomaly →
// Aggregate Incident → (new, firing) → the occurrence ids reported to a local receiver in one
// request per execution, so "reported new exactly once" is counted from outside. Written on the
// embedded store and switched by scripts/workflow-stores.mjs, the step users run.
import { switchStores } from '../../scripts/workflow-stores.mjs';

const IDS = {
	receiver: 'queueAmReceiver1',
	redis: 'queueRedisStore1',
	postgres: 'queuePgStore0001',
};

/** The credentials the workflow names: the receiver's bearer token and the two stores. */
export function queueCredentials(options: {
	token: string;
	redis: { host: string; port: number };
	postgres: { host: string; port: number; database: string; user?: string };
}) {
	return [
		{
			id: IDS.receiver,
			name: 'AM receiver',
			type: 'alertmanagerReceiverApi',
			data: { authType: 'bearer', token: options.token },
		},
		{
			id: IDS.redis,
			name: 'Redis store',
			type: 'aiopsRedisApi',
			data: { ...options.redis, database: 0 },
		},
		{
			id: IDS.postgres,
			name: 'Postgres store',
			type: 'aiopsPostgresApi',
			data: { user: 'postgres', ssl: 'disable', ...options.postgres },
		},
	];
}

export function intakeWorkflow(receiverUrl: string) {
	const workflow = {
		id: 'aiopsQueueE2e01',
		name: 'Queue e2e: alert → frequency → incident',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: 'q1',
				name: 'Alertmanager',
				type: 'n8n-nodes-aiops.alertmanagerTrigger',
				typeVersion: 1,
				position: [0, 0],
				webhookId: '6f0c2a0e-1d7b-4c3e-9d55-5a1f0e7b2c10',
				parameters: { path: 'alertmanager', authentication: 'credential', options: {} },
				credentials: { alertmanagerReceiverApi: { id: IDS.receiver, name: 'AM receiver' } },
			},
			{
				id: 'q2',
				name: 'Record Anomaly',
				type: 'n8n-nodes-aiops.recordAnomaly',
				typeVersion: 1,
				position: [250, 0],
				parameters: {
					store: 'embedded',
					resource: 'anomaly',
					operation: 'recordOccurrence',
					options: {},
				},
			},
			{
				id: 'q3',
				name: 'Aggregate Incident',
				type: 'n8n-nodes-aiops.aggregateIncident',
				typeVersion: 1,
				position: [500, 0],
				parameters: {
					store: 'embedded',
					operation: 'openOrJoin',
					resolvedItems: 'resolve',
					options: {},
				},
			},
			{
				id: 'q4',
				name: 'New Firing Only',
				type: 'n8n-nodes-base.filter',
				typeVersion: 2.2,
				position: [750, 0],
				parameters: {
					conditions: {
						options: { caseSensitive: true, leftValue: '', typeValidation: 'loose', version: 2 },
						conditions: [
							{
								id: 'c1',
								leftValue: "={{ $json.duplicate !== true && $json.status === 'firing' }}",
								rightValue: '',
								operator: { type: 'boolean', operation: 'true', singleValue: true },
							},
						],
						combinator: 'and',
					},
					looseTypeValidation: true,
					options: {},
				},
			},
			{
				id: 'q5',
				name: 'Occurrence Ids',
				type: 'n8n-nodes-base.aggregate',
				typeVersion: 1,
				position: [1000, 0],
				parameters: {
					fieldsToAggregate: { fieldToAggregate: [{ fieldToAggregate: 'occurrence_id' }] },
					options: {},
				},
			},
			{
				id: 'q6',
				name: 'Report New',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [1250, 0],
				parameters: {
					method: 'POST',
					url: `${receiverUrl}/new`,
					sendBody: true,
					specifyBody: 'json',
					jsonBody: '={{ JSON.stringify($json) }}',
					options: {},
				},
			},
		],
		connections: {
			Alertmanager: { main: [[{ node: 'Record Anomaly', type: 'main', index: 0 }]] },
			'Record Anomaly': { main: [[{ node: 'Aggregate Incident', type: 'main', index: 0 }]] },
			'Aggregate Incident': { main: [[{ node: 'New Firing Only', type: 'main', index: 0 }]] },
			'New Firing Only': { main: [[{ node: 'Occurrence Ids', type: 'main', index: 0 }]] },
			'Occurrence Ids': { main: [[{ node: 'Report New', type: 'main', index: 0 }]] },
		},
	};
	// the one-step switch users run (npm run workflows:stores) moves it off the embedded store
	return switchStores(workflow, {
		redis: { id: IDS.redis, name: 'Redis store' },
		postgres: { id: IDS.postgres, name: 'Postgres store' },
	});
}

/**
 * An approval in queue mode: an alert for the Deployment shop/web → Record Anomaly → Aggregate
 * Incident → Send and Wait (the request to the receiver carries the approve link) → Repair
 * Action (approved) on `kubeCredentialId` → the repair reported to the receiver.
 */
export function approvalWorkflow(receiverUrl: string, kubeCredentialId: string) {
	const node = (
		id: string,
		name: string,
		type: string,
		x: number,
		parameters: object,
		extra = {},
	) => ({
		id,
		name,
		type,
		typeVersion: 1,
		position: [x, 300],
		parameters,
		...extra,
	});
	const workflow = {
		id: 'aiopsQueueAppr01',
		name: 'Queue e2e: approval → repair',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			node(
				'a1',
				'Alertmanager',
				'n8n-nodes-aiops.alertmanagerTrigger',
				0,
				{ path: 'alerts-approval', authentication: 'credential', options: {} },
				{
					webhookId: '2d8e4f61-7a0b-4c2d-9e3f-5b6a7c8d9e01',
					credentials: { alertmanagerReceiverApi: { id: IDS.receiver, name: 'AM receiver' } },
				},
			),
			node('a2', 'Record Anomaly', 'n8n-nodes-aiops.recordAnomaly', 250, {
				store: 'embedded',
				resource: 'anomaly',
				operation: 'recordOccurrence',
				options: {},
			}),
			node('a3', 'Aggregate Incident', 'n8n-nodes-aiops.aggregateIncident', 500, {
				store: 'embedded',
				operation: 'openOrJoin',
				resolvedItems: 'resolve',
				options: {},
			}),
			node(
				'a4',
				'Ask for Approval',
				'n8n-nodes-aiops.notify',
				750,
				{
					resource: 'message',
					operation: 'sendAndWait',
					event: 'repair_needs_approval',
					channels: ['webhook'],
					webhookUrl: `${receiverUrl}/approval-request`,
					options: { failWhen: 'never' },
					timeLimit: 60,
					timeLimitUnit: 'minutes',
					onTimeout: 'reject',
				},
				{ webhookId: '9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d' },
			),
			node(
				'a5',
				'Repair (Approved)',
				'n8n-nodes-aiops.repairAction',
				1000,
				{
					resource: 'workload',
					operation: 'auto',
					store: 'embedded',
					guardrails: {},
					options: {},
					approved: true,
				},
				{ credentials: { aiopsKubernetesApi: { id: kubeCredentialId, name: 'Fake cluster' } } },
			),
			{
				...node('a6', 'Report Repair', 'n8n-nodes-base.httpRequest', 1250, {
					method: 'POST',
					url: `${receiverUrl}/repaired`,
					sendBody: true,
					specifyBody: 'json',
					jsonBody: '={{ JSON.stringify($json) }}',
					options: {},
				}),
				typeVersion: 4.2,
			},
		],
		connections: {
			Alertmanager: { main: [[{ node: 'Record Anomaly', type: 'main', index: 0 }]] },
			'Record Anomaly': { main: [[{ node: 'Aggregate Incident', type: 'main', index: 0 }]] },
			'Aggregate Incident': { main: [[{ node: 'Ask for Approval', type: 'main', index: 0 }]] },
			'Ask for Approval': { main: [[{ node: 'Repair (Approved)', type: 'main', index: 0 }]] },
			'Repair (Approved)': { main: [[{ node: 'Report Repair', type: 'main', index: 0 }]] },
		},
	};
	return switchStores(workflow, {
		redis: { id: IDS.redis, name: 'Redis store' },
		postgres: { id: IDS.postgres, name: 'Postgres store' },
	});
}
