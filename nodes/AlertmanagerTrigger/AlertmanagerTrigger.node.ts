import type {
	ICredentialTestFunctions,
	ICredentialsDecrypted,
	IHookFunctions,
	INodeCredentialTestResult,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { fromParameter, NodeConnectionTypes, webhookDescriptionFields } from 'n8n-workflow';

import { receiverAuthProblem } from '../../lib/credentials';
import { receiveAlerts } from './receive';

const PATH_TEMPLATE = '={{$parameter["path"]}}';
// n8n ≥ 2.41 resolves a declared field without its expression engine (an isolate per request
// under N8N_EXPRESSION_ENGINE=vm); older versions evaluate the template.
const webhookPath =
	typeof webhookDescriptionFields === 'function' && typeof fromParameter === 'function'
		? webhookDescriptionFields({ path: fromParameter('path') })
		: { path: PATH_TEMPLATE };

export class AlertmanagerTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Alertmanager Trigger',
		name: 'alertmanagerTrigger',
		icon: {
			light: 'file:../../icons/alertmanager.svg',
			dark: 'file:../../icons/alertmanager.dark.svg',
		},
		group: ['trigger'],
		version: 1,
		subtitle: '={{"POST /" + $parameter["path"]}}',
		description:
			'Starts the workflow when Alertmanager delivers alerts to its webhook receiver, one item per alert',
		defaults: { name: 'Alertmanager Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'alertmanagerReceiverApi',
				required: true,
				testedBy: 'alertmanagerReceiverAuthTest',
				displayOptions: { show: { authentication: ['credential'] } },
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				// empty: the answer is the webhook's own {"status":"ok","alerts":N}, not n8n's
				// default "firstEntryJson"
				responseData: '',
				...webhookPath,
				isFullPath: true,
			},
		],
		properties: [
			{
				displayName: 'Path',
				name: 'path',
				type: 'string',
				default: 'alertmanager',
				required: true,
				placeholder: 'alertmanager',
				description:
					"The webhook path; point the Alertmanager receiver's webhook_configs URL at N8N_URL/webhook/PATH",
			},
			{
				displayName: 'Authentication',
				name: 'authentication',
				type: 'options',
				options: [
					{ name: 'Bearer Token or Basic Auth', value: 'credential' },
					{ name: 'None', value: 'none' },
				],
				default: 'credential',
				description:
					"Whether deliveries must carry the secret configured in the Alertmanager receiver's http_config",
			},
			{
				displayName: 'Emit',
				name: 'emit',
				type: 'options',
				options: [
					{
						name: 'Firing and Resolved',
						value: 'both',
						description: 'Resolved alerts drive incident resolution',
					},
					{ name: 'Firing Only', value: 'firing' },
					{ name: 'Resolved Only', value: 'resolved' },
				],
				default: 'both',
				description: 'Which alerts of a delivery become items',
			},
			{
				// n8n skips its body parser for a version-1 webhook node whose options.binaryData is
				// set and hands over the unread request: the trigger then decides auth before
				// anything about the body, and answers every body problem itself.
				displayName: 'Raw Body',
				name: 'options',
				type: 'hidden',
				default: { binaryData: true },
			},
			{
				displayName: 'Options',
				name: 'alertOptions',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Extra Replica Labels',
						name: 'replicaLabels',
						type: 'string',
						default: '',
						placeholder: 'cluster_replica, ha_copy',
						description:
							'Comma-separated labels that only name the HA copy of Prometheus, in addition to prometheus_replica, replica and __replica__; they are dropped before the signature and occurrence are computed',
					},
					{
						displayName: 'Label Filters',
						name: 'labelFilters',
						type: 'string',
						default: '',
						placeholder: 'severity=~"critical|warning", namespace!="kube-system"',
						description:
							'Alertmanager matchers (=, !=, =~, !~), comma- or newline-separated; only alerts matching all of them become items',
					},
					{
						displayName: 'Max Body Size (KB)',
						name: 'maxBodyKb',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 0,
						description:
							"Deliveries larger than this (before or after decompression) are refused with 413 and start no execution; 0 follows n8n's N8N_PAYLOAD_SIZE_MAX (16 MB by default)",
					},
				],
			},
		],
	};

	methods = {
		credentialTest: {
			async alertmanagerReceiverAuthTest(
				this: ICredentialTestFunctions,
				credential: ICredentialsDecrypted,
			): Promise<INodeCredentialTestResult> {
				// no server to reach: whether Alertmanager's secret can match and resists guessing
				const problem = receiverAuthProblem(credential.data ?? {});
				return problem
					? { status: 'Error', message: problem }
					: {
							status: 'OK',
							message:
								'The secret can be sent by Alertmanager and is strong; put the same one in its webhook_config http_config',
						};
			},
		},
	};

	// Alertmanager is configured on its side (a receiver URL); there is nothing to register.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return receiveAlerts.call(this);
	}
}
