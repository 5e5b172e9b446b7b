// What every Repair Action operation shares: the target parameters (empty: from the item), the
// guardrails, verification and store options, and the item loop — one repair per item in turn
// (a repair waits for its rollout), each recorded as soon as it ends.
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { RedisAnomalyStore, SqlAnomalyStore, type AnomalyStore } from '../../../lib/anomaly';
import {
	readAlertContext,
	readIncident,
	writeRepair,
	writeResolvedSkip,
	type AlertContext,
} from '../../../lib/contract';
import { InvalidInputError } from '../../../lib/errors';
import { SqlIncidentStore } from '../../../lib/incidents';
import type { KubeClient } from '../../../lib/kube';
import { DEFAULT_ACTION_PARAMS, type ActionParams } from '../../../lib/repair/change';
import {
	runRepair,
	type AutoInputs,
	type RepairOperation,
	type RepairRequest,
	type RepairResult,
} from '../../../lib/repair/engine';
import {
	DAY_MS,
	DEFAULT_GUARD_RULES,
	MINUTE_MS,
	validateGuardRules,
	type GuardRules,
	type GuardStore,
} from '../../../lib/repair/guards';
import {
	deniedNamespaces,
	namespaceList,
	ownNamespace,
	type NamespaceRules,
} from '../../../lib/repair/namespaces';
import { incidentRecorder, recordResults, type RecordTargets } from '../../../lib/repair/record';
import { RedisGuardStore } from '../../../lib/repair/redisGuardStore';
import { SqlGuardStore } from '../../../lib/repair/sqlGuardStore';
import { targetFromAlert, type RepairTarget } from '../../../lib/repair/target';
import type { SqlStore } from '../../../lib/store';
import { emitItems, type ItemOutcome } from '../../shared/items';
import { optionalKubeClient } from '../../shared/kubernetes';
import {
	DEFAULT_KEY_PREFIX,
	embeddedFolderOption,
	keyPrefixOption,
	openStore,
	schemaOption,
	sqlStore,
	storeSettings,
} from '../../shared/store';

const ALL_BUT_CLEANUP = ['restart', 'rollback', 'raiseMemory', 'scale', 'deletePod', 'auto'];

export const targetDescription: INodeProperties[] = [
	{
		displayName:
			'Each item is repaired in turn; namespace, workload and container come from the alert item (its labels, as the Alertmanager Trigger derives them) unless given here',
		name: 'targetNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Namespace',
		name: 'namespace',
		type: 'string',
		default: '',
		placeholder: 'from the item',
		description: "The workload's namespace; empty: the item's namespace label",
	},
	{
		displayName: 'Workload Kind',
		name: 'kind',
		type: 'options',
		options: [
			{
				name: 'From the Item',
				value: 'fromItem',
				description: 'The label or pod name says it; Deployment when nothing does',
			},
			{ name: 'Deployment', value: 'Deployment' },
			{ name: 'StatefulSet', value: 'StatefulSet' },
			{ name: 'DaemonSet', value: 'DaemonSet' },
		],
		default: 'fromItem',
	},
	{
		displayName: 'Workload Name',
		name: 'workloadName',
		type: 'string',
		default: '',
		placeholder: 'from the item',
		description:
			'Empty: the item’s deployment, statefulset or daemonset label, else its pod’s controller',
	},
	{
		displayName: 'Container',
		name: 'container',
		type: 'string',
		default: '',
		placeholder: 'from the item',
		description:
			'The container whose memory is raised; empty: the item’s container label, else the only container',
		displayOptions: { show: { operation: ['raiseMemory', 'auto'] } },
	},
	{
		displayName: 'Pod',
		name: 'pod',
		type: 'string',
		default: '',
		placeholder: 'from the item',
		description:
			'The pod to delete; empty: the item’s pod label. It must be a pod of the workload.',
		displayOptions: { show: { operation: ['deletePod', 'auto'] } },
	},
];

export const runDescription: INodeProperties[] = [
	{
		displayName: 'Dry Run',
		name: 'dryRun',
		type: 'boolean',
		default: false,
		description:
			'Whether to only ask the API server to check the exact change (dryRun=All) and return the diff; nothing changes',
	},
	{
		displayName: 'Approved',
		name: 'approved',
		type: 'boolean',
		default: false,
		description:
			'Whether a human approved this repair (set it after your approval step); without it, an action the app policy marks approval-required returns needs_approval and changes nothing',
	},
	{
		displayName: 'Verify Timeout (Seconds)',
		name: 'verifyTimeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 300,
		description:
			'How long to wait for the rollout to complete (the rule kubectl rollout status uses) and the health URL to answer 2xx; past it the repair counts as failed',
		displayOptions: { show: { operation: ALL_BUT_CLEANUP } },
	},
	{
		displayName: 'Health URL',
		name: 'healthUrl',
		type: 'string',
		default: '',
		placeholder: 'http://web.shop.svc:8080/healthz',
		description: 'Optional: after the rollout, this URL must answer 2xx within the timeout',
		displayOptions: { show: { operation: ALL_BUT_CLEANUP } },
	},
];

export const guardrailsDescription: INodeProperties = {
	displayName: 'Guardrails',
	name: 'guardrails',
	type: 'collection',
	placeholder: 'Add Guardrail',
	default: {},
	options: [
		{
			displayName: 'Allowed Namespaces',
			name: 'allowedNamespaces',
			type: 'string',
			default: '',
			placeholder: 'team-*, shop',
			description: 'Comma-separated names or * patterns; empty: every namespace not denied',
		},
		{
			displayName: 'Backoff After Failure (Minutes)',
			name: 'backoffBaseMinutes',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 1,
			description:
				'Wait after a failed repair; doubles with each further failure of the same action',
		},
		{
			displayName: 'Backoff Maximum (Minutes)',
			name: 'backoffMaxMinutes',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 30,
		},
		{
			displayName: 'Breaker Open (Minutes)',
			name: 'breakerOpenMinutes',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 60,
			description: 'How long an open breaker refuses every repair of the workload (needs_human)',
		},
		{
			displayName: 'Breaker Threshold',
			name: 'breakerThreshold',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 3,
			description: 'Consecutive failed repairs of a workload that open its breaker',
		},
		{
			displayName: 'Cooldown (Minutes)',
			name: 'cooldownMinutes',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 5,
			description: 'Minimum time between two attempts of the same action on the same workload',
		},
		{
			displayName: 'Denied Namespaces',
			name: 'deniedNamespaces',
			type: 'string',
			default: 'kube-system, kube-public',
			description: 'Never repaired; the namespace n8n itself runs in is always added',
		},
		{
			displayName: 'Max Attempts per Hour',
			name: 'maxPerHour',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 3,
			description: 'Per workload and action (e.g. at most 3 restarts an hour)',
		},
		{
			displayName: 'Max Memory Raises per 7 Days',
			name: 'maxMemoryRaises',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 2,
			description: 'Then no more raises: the output says PERMANENT_FIX, probable memory leak',
		},
	],
};

export const optionsDescription: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		embeddedFolderOption,
		{
			...keyPrefixOption,
			description: `Prefix of every Redis key (the same as Record Anomaly’s, so outcomes land in its history); empty means ${DEFAULT_KEY_PREFIX}`,
		},
		{
			displayName: 'Record Outcome In',
			name: 'recordIn',
			type: 'multiOptions',
			options: [
				{
					name: 'Audit Table',
					value: 'audit',
					description: 'Who, what, why, before, after, result',
				},
				{
					name: 'Incident Repair Stats',
					value: 'incident',
					description: 'The repair stats of the item’s incident (Aggregate Incident’s incident.ID)',
				},
				{
					name: 'Outcome History',
					value: 'outcomes',
					description:
						'Record Anomaly’s repair history of the signature (success rates, skip gate)',
				},
			],
			default: ['outcomes', 'incident', 'audit'],
		},
		{
			displayName: 'Request Timeout (Seconds)',
			name: 'requestTimeout',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 30,
			description: 'Per request to the Kubernetes API',
		},
		{
			...schemaOption,
			// with Redis too: the audit table and the incidents are in Postgres
			displayOptions: { show: { '/store': ['postgres', 'embedded', 'redis'] } },
			description:
				'Postgres schema of the tables (the same as Record Anomaly’s and Aggregate Incident’s); created and migrated by the node',
		},
	],
};

interface Guardrails {
	allowedNamespaces?: string;
	deniedNamespaces?: string;
	cooldownMinutes?: number;
	maxPerHour?: number;
	backoffBaseMinutes?: number;
	backoffMaxMinutes?: number;
	breakerThreshold?: number;
	breakerOpenMinutes?: number;
	maxMemoryRaises?: number;
}

/** The options this file reads itself (the store options go to storeSettings). */
interface Options {
	recordIn?: string[];
	requestTimeout?: number;
}

const minutes = (v: number | undefined, fallbackMs: number) =>
	v === undefined ? fallbackMs : Math.round(v * MINUTE_MS);

function guardRules(g: Guardrails): GuardRules {
	const d = DEFAULT_GUARD_RULES;
	return validateGuardRules({
		...d,
		cooldownMs: minutes(g.cooldownMinutes, d.cooldownMs),
		maxPerHour: g.maxPerHour ?? d.maxPerHour,
		backoffBaseMs: minutes(g.backoffBaseMinutes, d.backoffBaseMs),
		backoffMaxMs: minutes(g.backoffMaxMinutes, d.backoffMaxMs),
		breakerThreshold: g.breakerThreshold ?? d.breakerThreshold,
		breakerOpenMs: minutes(g.breakerOpenMinutes, d.breakerOpenMs),
		maxMemoryRaises: g.maxMemoryRaises ?? d.maxMemoryRaises,
		raiseWindowMs: 7 * DAY_MS,
	});
}

interface Stores {
	guards: GuardStore;
	anomaly: AnomalyStore;
	sql: SqlStore;
	schema: string;
}

/** The stores the Store parameter selects: guards and outcome history there, audit in SQL. */
async function openStores(this: IExecuteFunctions): Promise<Stores> {
	const settings = storeSettings.call(this);
	// Redis keeps the guards and outcomes; the audit table needs SQL: the Postgres credential.
	const sql = await sqlStore.call(
		this,
		settings.choice === 'redis' ? 'postgres' : settings.choice,
		settings.embeddedFolder,
	);
	const state = await openStore<Pick<Stores, 'guards' | 'anomaly'>>(this, settings, {
		redis: (connection, prefix) => ({
			guards: new RedisGuardStore(connection, { prefix }),
			anomaly: new RedisAnomalyStore(connection, { prefix }),
		}),
		sql: (store, schema) => ({
			guards: new SqlGuardStore(store, { schema }),
			anomaly: new SqlAnomalyStore(store, { schema }),
		}),
	});
	return { ...state, sql, schema: settings.schema };
}

/** The tier Auto starts from: the parameter (1–4), else the item's incident's, else 1. */
export function tierOf(this: IExecuteFunctions, i: number, json: IDataObject): number {
	const tier = this.getNodeParameter('tier', i, 0) as number;
	return tier >= 1 ? tier : (readIncident(json, i)?.recommended_tier ?? 1);
}

function whyOf(alert: AlertContext): string {
	const name = alert.identity?.signature.alert_name;
	if (!name) return 'requested by the workflow';
	const summary = alert.annotations.summary || alert.annotations.description;
	const namespace = alert.labels.namespace;
	return `alert ${name}${alert.status ? ` (${alert.status})` : ''}${namespace ? ` in ${namespace}` : ''}${summary ? `: ${summary}` : ''}`;
}

export type ParamsOf = (this: IExecuteFunctions, itemIndex: number) => Partial<ActionParams>;
export type AutoOf = (
	this: IExecuteFunctions,
	itemIndex: number,
	json: IDataObject,
	alert: AlertContext,
) => AutoInputs;

/** The item's target: the target parameters (those the operation shows), else the alert. */
function targetOf(this: IExecuteFunctions, i: number, alert: AlertContext): RepairTarget {
	const operation = this.getNodeParameter('operation', 0) as string;
	const p = (name: string) => String(this.getNodeParameter(name, i, '') ?? '');
	const kind = this.getNodeParameter('kind', i, 'fromItem') as string;
	return targetFromAlert(alert, {
		namespace: p('namespace'),
		kind: kind === 'fromItem' ? '' : kind,
		name: p('workloadName'),
		container: ['raiseMemory', 'auto'].includes(operation) ? p('container') : '',
		pod: ['deletePod', 'auto'].includes(operation) ? p('pod') : '',
	});
}

/** The item's guardrails: namespace rules and guard rules, both from this item's parameters. */
function guardrailsOf(
	this: IExecuteFunctions,
	i: number,
): { namespaces: NamespaceRules; rules: GuardRules } {
	const g = this.getNodeParameter('guardrails', i, {}) as Guardrails;
	return {
		namespaces: {
			allowed: namespaceList(g.allowedNamespaces ?? ''),
			denied: deniedNamespaces(
				namespaceList(g.deniedNamespaces ?? 'kube-system, kube-public'),
				ownNamespace(),
			),
		},
		rules: guardRules(g),
	};
}

function buildRequest(
	this: IExecuteFunctions,
	operation: RepairOperation,
	i: number,
	json: IDataObject,
	paramsOf: ParamsOf,
	autoOf: AutoOf | undefined,
	who: string,
): RepairRequest {
	const alert = readAlertContext(json, i);
	const verifySeconds = Number(this.getNodeParameter('verifyTimeout', i, 300));
	if (!(verifySeconds >= 1))
		throw new InvalidInputError(
			`Verify Timeout must be at least 1 second, got ${verifySeconds}`,
			'verifyTimeout',
		);
	return {
		operation,
		target: targetOf.call(this, i, alert),
		dryRun: this.getNodeParameter('dryRun', i, false) as boolean,
		approved: this.getNodeParameter('approved', i, false) as boolean,
		who,
		why: whyOf(alert),
		anomalyKey: alert.identity?.anomaly_key,
		incidentId: readIncident(json, i)?.id,
		auto: autoOf?.call(this, i, json, alert),
		params: { ...DEFAULT_ACTION_PARAMS, ...paramsOf.call(this, i) },
		...guardrailsOf.call(this, i),
		verify: {
			timeoutMs: verifySeconds * 1000,
			healthUrl: String(this.getNodeParameter('healthUrl', i, '') ?? '').trim() || undefined,
		},
	};
}

/** Runs one operation over the input items: one repair per item, recorded as each ends. */
export async function runOperation(
	this: IExecuteFunctions,
	operation: RepairOperation,
	paramsOf: ParamsOf,
	autoOf?: AutoOf,
): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const options = this.getNodeParameter('options', 0, {}) as Options;
	const recordIn = new Set(options.recordIn ?? ['outcomes', 'incident', 'audit']);
	const workflow = this.getWorkflow();
	const who = `n8n workflow "${workflow.name ?? ''}" (${workflow.id ?? ''}) execution ${this.getExecutionId()}`;
	let client: KubeClient | null;
	let stores: Stores;
	try {
		stores = await openStores.call(this);
		client = await optionalKubeClient.call(this, {
			timeoutMs: (options.requestTimeout ?? 30) * 1000,
		});
	} catch (error) {
		return emitItems.call(
			this,
			items.map(() => ({ error: error as Error })),
		);
	}
	const targets: RecordTargets = {
		anomaly: recordIn.has('outcomes') ? stores.anomaly : undefined,
		audit: recordIn.has('audit') ? { sql: stores.sql, schema: stores.schema } : undefined,
		incidents: recordIn.has('incident')
			? incidentRecorder(new SqlIncidentStore(stores.sql, { schema: stores.schema }))
			: undefined,
	};
	const httpGet = async (url: string, timeoutMs: number) => {
		const response = (await this.helpers.httpRequest({
			method: 'GET',
			url,
			timeout: timeoutMs,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			json: false,
		})) as { statusCode: number };
		return response.statusCode;
	};
	const outcomes: ItemOutcome[] = [];
	for (let i = 0; i < items.length; i++) {
		const json = items[i].json;
		try {
			if (json.status === 'resolved') {
				outcomes.push({ json: writeResolvedSkip(json) });
				continue;
			}
			const request = buildRequest.call(this, operation, i, json, paramsOf, autoOf, who);
			const result: RepairResult = await runRepair(
				{ kube: client, guards: stores.guards, anomaly: stores.anomaly, httpGet },
				request,
			);
			const [recorded] = await recordResults([{ request, result }], targets);
			outcomes.push({ json: writeRepair(json, result, recorded) as unknown as IDataObject });
		} catch (error) {
			// a bad item names the field and the item; the other items still run
			const e =
				error instanceof InvalidInputError && !error.message.startsWith('Item ')
					? new InvalidInputError(`Item ${i}: ${error.message}`, error.field)
					: (error as Error);
			outcomes.push({ error: e });
			if (!this.continueOnFail()) break;
		}
	}
	return emitItems.call(this, outcomes);
}
