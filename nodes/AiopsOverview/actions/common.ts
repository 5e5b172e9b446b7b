// What the AIOps Overview operations share: the store, the overview read (with the data source
// checks the node's credentials and options ask for), and the one aggregate output item.
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { PrometheusConnection } from '../../../lib/trend/prometheusAuth';
import { prometheusClient } from '../../../lib/trend/prometheusClient';
import { serverVersion } from '../../../lib/kube/version';
import { readOverview, type Overview, type SourceProbe } from '../../../lib/overview';
import { testRedisConnection, type SqlStore } from '../../../lib/store';
import { kubeClient } from '../../shared/kubernetes';
import { toNodeError } from '../../shared/items';
import { redisConnection, sqlStore, storeSettings } from '../../shared/store';

export interface OverviewOptions {
	alertmanagerUrl?: string;
	probeTimeoutMs?: number;
	successesSaved?: boolean;
	listLimit?: number;
	title?: string;
	refreshSeconds?: number;
}

export function overviewOptions(this: IExecuteFunctions): OverviewOptions {
	return this.getNodeParameter('options', 0, {}) as OverviewOptions;
}

/** The SQL store the Store parameter selects, and its schema. */
export async function store(this: IExecuteFunctions): Promise<{ sql: SqlStore; schema: string }> {
	const settings = storeSettings.call(this);
	return {
		sql: await sqlStore.call(this, settings.choice, settings.embeddedFolder),
		schema: settings.schema,
	};
}

const hasCredential = (ctx: IExecuteFunctions, name: string) => !!ctx.getNode().credentials?.[name];

/** The data sources to check: those the node has a credential for, and Alertmanager's URL. */
async function probes(this: IExecuteFunctions, o: OverviewOptions): Promise<SourceProbe[]> {
	const list: SourceProbe[] = [];
	const timeoutMs = o.probeTimeoutMs ?? 2000;
	if (hasCredential(this, 'aiopsPrometheusApi')) {
		const connection = (await this.getCredentials(
			'aiopsPrometheusApi',
		)) as unknown as PrometheusConnection;
		list.push({
			name: 'Prometheus',
			check: async () =>
				`Prometheus ${(await prometheusClient(connection, timeoutMs).buildInfo()).version ?? ''}`.trim(),
		});
	}
	const alertmanagerUrl = (o.alertmanagerUrl ?? '').trim();
	if (alertmanagerUrl) {
		list.push({
			name: 'Alertmanager',
			check: async () => {
				const res = await this.helpers.httpRequest({
					method: 'GET',
					url: `${alertmanagerUrl.replace(/\/+$/, '')}/api/v2/status`,
					timeout: timeoutMs,
					json: true,
				});
				return `Alertmanager ${(res as { versionInfo?: { version?: string } })?.versionInfo?.version ?? ''}`.trim();
			},
		});
	}
	if (hasCredential(this, 'aiopsKubernetesApi')) {
		const client = await kubeClient.call(this, { timeoutMs });
		list.push({
			name: 'Kubernetes API',
			check: async () => `Kubernetes ${(await serverVersion(client, timeoutMs)).gitVersion}`,
		});
	}
	if (hasCredential(this, 'aiopsRedisApi')) {
		const connection = await redisConnection.call(this);
		list.push({
			name: 'Redis',
			check: async () => (await testRedisConnection(connection), 'PING answered'),
		});
	}
	return list;
}

/**
 * n8n's API as a data source, judged by the records the n8n nodes before this one gave: an error
 * item (a missing or wrong API key, with continue on fail) is the API down.
 */
function n8nApiProbe(records: IDataObject[]): SourceProbe[] {
	const errors = records.filter((r) => r.id === undefined && r.error !== undefined);
	const found = records.filter((r) => r.id !== undefined).length;
	if (!errors.length && !found) return [];
	return [
		{
			name: 'n8n API',
			check: async () => {
				if (errors.length)
					throw new Error(String((errors[0].error as IDataObject)?.message ?? errors[0].error));
				return `${found} execution and workflow records`;
			},
		},
	];
}

/** Reads the overview; the input items are n8n's execution and workflow records, if any. */
export async function overview(this: IExecuteFunctions, o: OverviewOptions): Promise<Overview> {
	const { sql, schema } = await store.call(this);
	const records = this.getInputData().map((item) => item.json);
	return readOverview({
		sql,
		schema,
		nowMs: Date.now(),
		executionItems: records,
		successesSaved: o.successesSaved ?? true,
		probes: [...n8nApiProbe(records), ...(await probes.call(this, o))],
		probeTimeoutMs: o.probeTimeoutMs ?? 2000,
		listLimit: o.listLimit ?? 20,
	});
}

/** One output item for all input items (the page is about all of them). */
export function aggregateItem(this: IExecuteFunctions, json: IDataObject): INodeExecutionData[] {
	const items = this.getInputData();
	return [{ json, pairedItem: items.map((_, item) => ({ item })) }];
}

/** Runs an aggregate operation; an error belongs to the first item, continueOnFail honoured. */
export async function aggregate(
	this: IExecuteFunctions,
	run: () => Promise<IDataObject>,
): Promise<INodeExecutionData[]> {
	try {
		return aggregateItem.call(this, await run());
	} catch (error) {
		if (this.continueOnFail()) return aggregateItem.call(this, { error: (error as Error).message });
		throw toNodeError.call(this, error as Error, 0);
	}
}
