// What the Log Patterns parameters (properties.ts) select: the store, the scope of each item,
// its lines (from a field or from pod logs), the mining, warm-up and burst options; and the
// run of Learn and Match / Match Only.
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

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
import { referenceNow as clock } from '../../shared/clock';
import { openStore, storeSettings } from '../../shared/store';

interface Options {
	burstMinCount?: number;
	burstMinRuns?: number;
	burstSigma?: number;
	depth?: number;
	extraMasks?: string;
	masks?: string[];
	maxLineLength?: number;
	maxClusters?: number;
	referenceTime?: string;
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
	return openStore<LogStateStore>(this, storeSettings.call(this), {
		redis: (connection, prefix) => new RedisLogStateStore(connection, { prefix }),
		sql: (store, schema) => new SqlLogStateStore(store, { schema }),
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
