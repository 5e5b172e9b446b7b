import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { storeCredentialTests, storeParameter } from '../shared/store';
import { optionsProperty } from './actions/common';
import * as incident from './actions/incident/Incident.resource';
import { router } from './actions/router';

export class AggregateIncident implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Aggregate Incident',
		name: 'aggregateIncident',
		icon: { light: 'file:../../icons/incident.svg', dark: 'file:../../icons/incident.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description:
			'Groups occurrences of a signature into one incident (exactly one open per signature), with tier, repair stats and resolution',
		defaults: { name: 'Aggregate Incident' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'aiopsPostgresApi',
				required: true,
				testedBy: 'aiopsPostgresConnectionTest',
				displayOptions: { show: { store: ['postgres'] } },
			},
		],
		properties: [
			storeParameter(['embedded', 'postgres']),
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'hidden',
				noDataExpression: true,
				default: 'incident',
			},
			...incident.description,
			optionsProperty,
		],
	};

	methods = { credentialTest: storeCredentialTests };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return router.call(this);
	}
}
