// The Options collection of AIOps Overview (read in common.ts).
import type { INodeProperties } from 'n8n-workflow';

import { embeddedFolderOption, schemaOption } from '../../shared/store';

const READS = { show: { '/operation': ['statusPage'] } };
const PAGE = { show: { '/operation': ['statusPage'], '/format': ['html'] } };

export const optionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Alertmanager URL',
			name: 'alertmanagerUrl',
			type: 'string',
			default: '',
			placeholder: 'http://alertmanager:9093',
			description:
				'Checked as a data source (GET /api/v2/status) when set; Prometheus, Kubernetes and Redis are checked when the node has their credential',
			displayOptions: READS,
		},
		{
			displayName: 'Check Timeout (Ms)',
			name: 'probeTimeoutMs',
			type: 'number',
			typeOptions: { minValue: 50 },
			default: 2000,
			description: 'A data source that does not answer within this is shown as down',
			displayOptions: READS,
		},
		embeddedFolderOption,
		{
			displayName: 'Incidents Listed',
			name: 'listLimit',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 500 },
			default: 20,
			description: 'How many of the oldest open incidents and predicted breaches the page lists',
			displayOptions: PAGE,
		},
		{
			displayName: 'Page Title',
			name: 'title',
			type: 'string',
			default: 'AIOps status',
			displayOptions: PAGE,
		},
		{
			displayName: 'Refresh Every (Seconds)',
			name: 'refreshSeconds',
			type: 'number',
			typeOptions: { minValue: 5 },
			default: 60,
			description: 'The page reloads itself this often',
			displayOptions: PAGE,
		},
		schemaOption,
		{
			displayName: 'Successful Executions Saved',
			name: 'successesSaved',
			type: 'boolean',
			default: true,
			description:
				'Whether n8n saves successful executions; turn off with EXECUTIONS_DATA_SAVE_ON_SUCCESS=none, and only failures are counted',
			displayOptions: READS,
		},
	],
};
