// The parameters of the Log Patterns operations (what reads them is common.ts).
import type { INodeProperties } from 'n8n-workflow';

import { MASK_NAMES } from '../../../lib/logs';
import { referenceTimeOption } from '../../shared/clock';
import { embeddedFolderOption, keyPrefixOption, schemaOption } from '../../shared/store';

const LINE_OPERATIONS = ['learnAndMatch', 'matchOnly'];
const ALL_OPERATIONS = ['learnAndMatch', 'matchOnly', 'listTemplates', 'resetScope'];

const show = (operation: string[]) => ({ show: { resource: ['logPattern'], operation } });

const showItems = (operation: string[]) => ({
	show: { resource: ['logPattern'], operation, source: ['items'] },
});
const showKube = (operation: string[]) => ({
	show: { resource: ['logPattern'], operation, source: ['kubernetes'] },
});

export const scopeProperties: INodeProperties[] = [
	{
		displayName: 'Source',
		name: 'source',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Input Items',
				value: 'items',
				description: 'Log lines in a field of each input item',
			},
			{
				name: 'Kubernetes Pod Logs',
				value: 'kubernetes',
				description:
					'The logs of the pods each input item selects; every run reads only what is new since the last one',
			},
		],
		default: 'items',
		displayOptions: show(LINE_OPERATIONS),
	},
	{
		displayName: 'Log Field',
		name: 'logField',
		type: 'string',
		default: 'message',
		required: true,
		displayOptions: showItems(LINE_OPERATIONS),
		description:
			'Field of each input item with its log lines: a string (split at line breaks) or an array of strings. Use dots for nested fields (log.message).',
	},
	{
		displayName: 'Namespace',
		name: 'namespace',
		type: 'string',
		default: '={{ $json.namespace }}',
		displayOptions: show(ALL_OPERATIONS),
		description:
			'Namespace of the lines: part of the default scope and of a new pattern’s signature',
	},
	{
		displayName: 'Workload',
		name: 'workload',
		type: 'string',
		default: '={{ $json.workload }}',
		displayOptions: show(ALL_OPERATIONS),
		description:
			'Workload (Deployment, StatefulSet …) of the lines: part of the default scope and of the signature',
	},
	{
		displayName: 'Pod',
		name: 'pod',
		type: 'string',
		default: '={{ $json.pod }}',
		displayOptions: showItems(LINE_OPERATIONS),
		description: 'Pod of the lines, reported with each template',
	},
	{
		displayName: 'Container',
		name: 'container',
		type: 'string',
		default: '={{ $json.container }}',
		displayOptions: showItems(LINE_OPERATIONS),
		description: 'Container of the lines: part of a new pattern’s signature',
	},
	{
		displayName: 'Label Selector',
		name: 'labelSelector',
		type: 'string',
		default: '',
		placeholder: 'app=checkout,tier!=canary',
		displayOptions: showKube(LINE_OPERATIONS),
		description:
			'Pods of the namespace to read; empty means every pod (narrowed by Workload when set)',
	},
	{
		displayName: 'Containers',
		name: 'containers',
		type: 'string',
		default: '',
		placeholder: 'app, worker',
		displayOptions: showKube(LINE_OPERATIONS),
		description: 'Containers to read, comma-separated; empty means every container of each pod',
	},
	{
		displayName: 'Previous Logs',
		name: 'previous',
		type: 'boolean',
		default: true,
		displayOptions: showKube(LINE_OPERATIONS),
		description:
			'Whether to also read the log of a restarted container’s previous instance (what a crash-looping container said before it died)',
	},
	{
		displayName: 'Tail Lines',
		name: 'tailLines',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 1000,
		displayOptions: showKube(LINE_OPERATIONS),
		description: 'At most this many of the newest lines per container and run',
	},
	{
		displayName: 'Scope',
		name: 'scope',
		type: 'string',
		default: '',
		placeholder: 'shop/api',
		displayOptions: show(ALL_OPERATIONS),
		description:
			'Templates, warm-up and rates are kept per scope; empty means namespace/workload (e.g. shop/api)',
	},
];

export const outputProperty: INodeProperties = {
	displayName: 'Output',
	name: 'output',
	type: 'options',
	options: [
		{
			name: 'New and Bursts Only',
			value: 'anomalies',
			description: 'One item per new or bursting template, ready for Record Anomaly',
		},
		{
			name: 'Per Line',
			value: 'lines',
			description: 'One item per line: its template and parameters',
		},
		{
			name: 'Per Template',
			value: 'templates',
			description: 'One item per template seen in this run, with counts',
		},
	],
	default: 'templates',
	description: 'What comes out; new and bursting templates carry the fields Record Anomaly takes',
};

const MASK_LABELS: Record<string, string> = {
	dateTime: 'Date and Time (Ctime, Syslog, CLF)',
	quoted: 'Quoted Values After Key=',
	duration: 'Durations',
	size: 'Sizes (KB, MiB …)',
	timestamp: 'ISO 8601 Timestamps',
	url: 'URLs',
	kubernetesName: 'Kubernetes Pod Names',
	uuid: 'UUIDs',
	mac: 'MAC Addresses',
	ipv6: 'IPv6 Addresses',
	ipv4: 'IPv4 Addresses (With Port)',
	hostPort: 'Host Names With Port',
	time: 'Clock Times',
	hex: 'Hex (0x…)',
	path: 'File Paths',
	number: 'Numbers and Words With Digits',
};

export const optionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Burst Minimum Lines',
			name: 'burstMinCount',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 10,
			description: 'A template needs at least this many lines in a run to burst',
		},
		{
			displayName: 'Burst Minimum Runs',
			name: 'burstMinRuns',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 5,
			description: 'Runs of rate history a template needs before it can burst',
		},
		{
			displayName: 'Burst Sigma',
			name: 'burstSigma',
			type: 'number',
			typeOptions: { minValue: 0.1, numberPrecision: 1 },
			default: 3,
			description:
				'A known template bursts when its rate in this run is above its mean rate plus this many standard deviations',
		},
		{
			displayName: 'Depth',
			name: 'depth',
			type: 'number',
			typeOptions: { minValue: 3 },
			default: 5,
			description:
				'Drain’s tree depth: lines are routed by their length and first depth − 2 words (a word with a digit routes as a value)',
		},
		embeddedFolderOption,

		{
			displayName: 'Extra Masks',
			name: 'extraMasks',
			type: 'string',
			typeOptions: { rows: 3 },
			default: '',
			placeholder: 'user [a-z]+',
			description: 'More regular expressions whose matches are values, one per line',
		},
		keyPrefixOption,
		{
			displayName: 'Masks',
			name: 'masks',
			type: 'multiOptions',
			options: MASK_NAMES.map((name) => ({ name: MASK_LABELS[name] ?? name, value: name })).sort(
				(a, b) => a.name.localeCompare(b.name),
			),
			default: [
				'dateTime',
				'timestamp',
				'quoted',
				'duration',
				'size',
				'url',
				'kubernetesName',
				'uuid',
				'mac',
				'ipv6',
				'ipv4',
				'hostPort',
				'time',
				'hex',
				'path',
				'number',
			],
			description: 'Which shapes of values are masked before mining',
		},
		{
			displayName: 'Max Line Length',
			name: 'maxLineLength',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 4096,
			description: 'Characters of a line that are mined; the rest is cut',
		},
		{
			displayName: 'Max Templates per Scope',
			name: 'maxClusters',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 1000,
			description: 'The least recently seen templates are forgotten beyond this',
		},
		{
			...referenceTimeOption,
			description: 'The time of this run (rates, warm-up, first seen); empty means now',
		},

		schemaOption,

		{
			displayName: 'Sibling Threshold',
			name: 'siblingThreshold',
			type: 'number',
			typeOptions: { minValue: 2 },
			default: 3,
			description:
				'Distinct words at one place of otherwise equal lines after which that place is a value (&lt;*&gt;)',
		},
		{
			displayName: 'Similarity Threshold',
			name: 'similarityThreshold',
			type: 'number',
			typeOptions: { minValue: 0.01, maxValue: 1, numberPrecision: 2 },
			default: 0.5,
			description: 'Share of a template’s words a line must repeat to join it',
		},
	],
};
