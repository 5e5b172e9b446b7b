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
