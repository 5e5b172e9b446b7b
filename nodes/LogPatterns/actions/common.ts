// Parameters the Log Patterns operations share, and what they select: the store, the scope
// of each item, its lines, the mining and burst options.
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { InvalidInputError } from '../../../lib/errors';
import type {
	ItemLines,
	LearnOptions,
	LogStateStore,
	OutputMode,
	PodLogItem,
} from '../../../lib/logs';
import {
	DEFAULT_BURST_OPTIONS,
	DEFAULT_MINER_OPTIONS,
	DEFAULT_WARM_UP,
	defaultScope,
	itemOutputs,
	linesOf,
	runItems,
	MASK_NAMES,
	podLogItems,
	RedisLogStateStore,
	SqlLogStateStore,
} from '../../../lib/logs';
import { emitItems, type ItemOutcome } from '../../shared/items';
import { kubeClient } from '../../shared/kubernetes';
import { referenceNow as clock, referenceTimeOption } from '../../shared/clock';
import {
	embeddedFolderOption,
	redisConnection,
	schemaOption,
	sqlStore,
	type StoreChoice,
} from '../../shared/store';

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
			default: 4,
			description: 'Drain’s tree depth: lines are routed by their length and first depth − 2 words',
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
		{
			displayName: 'Key Prefix',
			name: 'keyPrefix',
			type: 'string',
			default: 'aiops:',
			description: 'Prefix of every Redis key this node writes',
			displayOptions: { show: { '/store': ['redis'] } },
		},
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

interface Options {
	burstMinCount?: number;
	burstMinRuns?: number;
	burstSigma?: number;
	depth?: number;
	embeddedFolder?: string;
	extraMasks?: string;
	keyPrefix?: string;
	masks?: string[];
	maxLineLength?: number;
	maxClusters?: number;
	referenceTime?: string;
	schema?: string;
	siblingThreshold?: number;
	similarityThreshold?: number;
}

function options(this: IExecuteFunctions): Options {
	return this.getNodeParameter('options', 0, {}) as Options;
}

/** The run's time: the Reference Time option, or now. */
export function referenceNow(this: IExecuteFunctions): number {
	return clock(options.call(this).referenceTime);
}

/** Mining, warm-up and burst settings from the parameters. */
export function learnOptions(this: IExecuteFunctions, withWarmUp: boolean): LearnOptions {
	const o = options.call(this);
	const extraMasks = (o.extraMasks ?? '')
		.split('\n')
		.map((l) => l.trim())
		.filter(Boolean);
	return {
		miner: {
			similarityThreshold: o.similarityThreshold ?? DEFAULT_MINER_OPTIONS.similarityThreshold,
			depth: o.depth ?? DEFAULT_MINER_OPTIONS.depth,
			siblingThreshold: o.siblingThreshold ?? DEFAULT_MINER_OPTIONS.siblingThreshold,
			maxClusters: o.maxClusters ?? DEFAULT_MINER_OPTIONS.maxClusters,
			maxLineLength: o.maxLineLength ?? DEFAULT_MINER_OPTIONS.maxLineLength,
			masks: o.masks ?? MASK_NAMES,
			extraMasks,
		},
		warmUp: withWarmUp
			? {
					lines: this.getNodeParameter('warmUpLines', 0, DEFAULT_WARM_UP.lines) as number,
					minutes: this.getNodeParameter('warmUpMinutes', 0, DEFAULT_WARM_UP.minutes) as number,
				}
			: DEFAULT_WARM_UP,
		burst: {
			sigma: o.burstSigma ?? DEFAULT_BURST_OPTIONS.sigma,
			minRuns: o.burstMinRuns ?? DEFAULT_BURST_OPTIONS.minRuns,
			minCount: o.burstMinCount ?? DEFAULT_BURST_OPTIONS.minCount,
		},
	};
}

export async function logStateStore(this: IExecuteFunctions): Promise<LogStateStore> {
	const choice = this.getNodeParameter('store', 0) as StoreChoice;
	const o = options.call(this);
	if (choice === 'redis') {
		return new RedisLogStateStore(await redisConnection.call(this), {
			prefix: o.keyPrefix ?? 'aiops:',
		});
	}
	return new SqlLogStateStore(await sqlStore.call(this, choice, o.embeddedFolder), {
		schema: o.schema || 'aiops',
	});
}

function text(this: IExecuteFunctions, name: string, item: number): string {
	const value = this.getNodeParameter(name, item, '') as unknown;
	return value === undefined || value === null ? '' : String(value);
}

/** The scope of an item: the Scope parameter, or namespace/workload. */
export function itemScope(this: IExecuteFunctions, item: number): string {
	return (
		text.call(this, 'scope', item) ||
		defaultScope(text.call(this, 'namespace', item), text.call(this, 'workload', item))
	);
}

function field(json: Record<string, unknown>, path: string): unknown {
	if (path in json) return json[path];
	let cur: unknown = json;
	for (const part of path.split('.')) {
		if (cur === null || typeof cur !== 'object') return undefined;
		cur = (cur as Record<string, unknown>)[part];
	}
	return cur;
}

/** Each input item's pod log request (namespace, selector, workload, containers …). */
export function podLogRequests(this: IExecuteFunctions): (PodLogItem | Error)[] {
	return this.getInputData().map((_, i) => {
		try {
			const namespace = text.call(this, 'namespace', i);
			if (!namespace) {
				throw new InvalidInputError(
					`Item ${i} has no namespace to read pod logs from`,
					'namespace',
				);
			}
			return {
				namespace,
				workload: text.call(this, 'workload', i) || undefined,
				labelSelector: text.call(this, 'labelSelector', i) || undefined,
				containers: text
					.call(this, 'containers', i)
					.split(',')
					.map((c) => c.trim())
					.filter(Boolean),
				previous: this.getNodeParameter('previous', i, true) as boolean,
				tailLines: this.getNodeParameter('tailLines', i, 1000) as number,
				scope: text.call(this, 'scope', i) || undefined,
			};
		} catch (error) {
			return error as Error;
		}
	});
}

/** Each input item's scope and lines (from the Log Field), or its error. */
export function itemLines(this: IExecuteFunctions, now: number): (ItemLines | Error)[] {
	return this.getInputData().map((item, i) => {
		try {
			const path = text.call(this, 'logField', i);
			const source = {
				namespace: text.call(this, 'namespace', i),
				workload: text.call(this, 'workload', i),
				pod: text.call(this, 'pod', i),
				container: text.call(this, 'container', i),
			};
			return [
				{
					scope: itemScope.call(this, i),
					lines: linesOf(field(item.json, path), path, i).map((line) => ({
						text: line,
						at: now,
						...source,
					})),
				},
			];
		} catch (error) {
			return error as Error;
		}
	});
}

export function outputMode(this: IExecuteFunctions): OutputMode {
	return this.getNodeParameter('output', 0, 'templates') as OutputMode;
}

/** Learn and Match (learn) or Match Only: every scope of the batch run once, then the output. */
export async function executeLines(
	this: IExecuteFunctions,
	learn: boolean,
): Promise<INodeExecutionData[]> {
	const now = referenceNow.call(this);
	const kubernetes = this.getNodeParameter('source', 0, 'items') === 'kubernetes';
	let inputs = kubernetes ? podLogRequests.call(this) : itemLines.call(this, now);
	let outcomes: ItemOutcome[];
	try {
		const store = await logStateStore.call(this);
		if (kubernetes) {
			const client = await kubeClient.call(this);
			inputs = await podLogItems(client, store, inputs as (PodLogItem | Error)[], learn);
		}
		const runs = await runItems(
			store,
			inputs as (ItemLines | Error)[],
			now,
			learnOptions.call(this, learn),
			learn,
		);
		outcomes = itemOutputs(runs, outputMode.call(this), now).map((o) =>
			o instanceof Error ? { error: o } : { json: o as IDataObject[] },
		);
	} catch (error) {
		outcomes = inputs.map((i) => ({ error: i instanceof Error ? i : (error as Error) }));
	}
	return emitItems.call(this, outcomes);
}
