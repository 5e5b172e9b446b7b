import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { storeCredentialTests, storeParameter } from '../shared/store';
import * as anomaly from './actions/anomaly/Anomaly.resource';
import { optionsProperty } from './actions/common';
import * as repair from './actions/repair/Repair.resource';
import { router } from './actions/router';

export class RecordAnomaly implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Record Anomaly',
		name: 'recordAnomaly',
		icon: { light: 'file:../../icons/anomaly.svg', dark: 'file:../../icons/anomaly.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Counts how often each problem signature happens (1h/24h/7d/30d, escalation) and what repairs worked',
		defaults: { name: 'Record Anomaly' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'aiopsRedisApi',
				required: true,
				testedBy: 'aiopsRedisConnectionTest',
				displayOptions: { show: { store: ['redis'] } },
			},
			{
				name: 'aiopsPostgresApi',
				required: true,
				testedBy: 'aiopsPostgresConnectionTest',
				displayOptions: { show: { store: ['postgres'] } },
			},
		],
		properties: [
			storeParameter(['embedded', 'postgres', 'redis']),
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Anomaly', value: 'anomaly' },
					{ name: 'Repair', value: 'repair' },
				],
				default: 'anomaly',
			},
			...anomaly.description,
			...repair.description,
			optionsProperty,
		],
	};

	methods = { credentialTest: storeCredentialTests };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return router.call(this);
	}
}
