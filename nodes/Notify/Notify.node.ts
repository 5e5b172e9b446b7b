import type {
	IExecuteFunctions,
	IHookFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { approvalWebhook } from './actions/message/approval.webhook';
import * as message from './actions/message/Message.resource';
import { channelProperties } from './actions/message/common';
import { router } from './actions/router';
import { notifyCredentialTests } from './credentialTests';
import { storeCredentialTests } from '../shared/store';

export class Notify implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Notify',
		name: 'notify',
		icon: { light: 'file:../../icons/notify.svg', dark: 'file:../../icons/notify.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle:
			'={{$parameter["operation"] === "sendAndWait" ? "approval via " : $parameter["event"] + " via "}}{{$parameter["channels"].join(", ")}}',
		description:
			'Sends ops notifications to Telegram, Slack, email, LINE and webhooks from event templates, and asks for approvals that pause the workflow',
		defaults: { name: 'Notify' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'aiopsTelegramApi',
				required: true,
				displayOptions: { show: { channels: ['telegram'] } },
			},
			{
				name: 'aiopsSlackApi',
				required: true,
				testedBy: 'aiopsSlackCredentialTest',
				displayOptions: { show: { channels: ['slack'] } },
			},
			{
				name: 'aiopsSmtpApi',
				required: true,
				testedBy: 'aiopsSmtpCredentialTest',
				displayOptions: { show: { channels: ['email'] } },
			},
			{
				name: 'aiopsLineMessagingApi',
				required: true,
				displayOptions: { show: { channels: ['line'] } },
			},
			{
				name: 'aiopsRedisApi',
				required: true,
				testedBy: 'aiopsRedisConnectionTest',
				// the store is shown for Send with Suppress Repeats, and for Send and Wait
				displayOptions: { show: { store: ['redis'] } },
			},
			{
				name: 'aiopsPostgresApi',
				required: true,
				testedBy: 'aiopsPostgresConnectionTest',
				displayOptions: { show: { store: ['postgres'] } },
			},
			{
				// Gated by Sign Webhook Requests alone (itself shown only for the webhook channel), not
				// by `channels`: n8n's editor takes an options field all of whose values gate a
				// credential for the node's authentication selector and hides it, with every field
				// the credentials depend on (Operation, Suppress Repeats). The webhook channel needs
				// no credential, so `channels` never qualifies (test/node/editorAuthField.test.ts).
				name: 'aiopsWebhookSigningApi',
				required: true,
				testedBy: 'aiopsWebhookSecretTest',
				displayOptions: { show: { webhookSign: [true] } },
			},
		],
		// what the editor shows on a waiting node, as n8n's own send-and-wait nodes do
		waitingNodeTooltip:
			'={{ $parameter["operation"] === "sendAndWait" ? "Execution will continue when someone approves or rejects the request, or when its time limit passes" : "" }}',
		// Send and Wait for Approval resumes through these, as n8n's own send-and-wait nodes do:
		// n8n routes <webhook-waiting>/<execution>/<node id> here while the execution waits.
		webhooks: [
			{
				name: 'default',
				httpMethod: 'GET',
				responseMode: 'onReceived',
				path: '={{ $nodeId }}',
				restartWebhook: true,
				isFullPath: true,
			},
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: '={{ $nodeId }}',
				restartWebhook: true,
				isFullPath: true,
			},
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'hidden',
				noDataExpression: true,
				options: [{ name: 'Message', value: 'message' }],
				default: 'message',
			},
			...message.description,
			...channelProperties,
			...message.send.description,
			...message.sendAndWait.description,
		],
	};

	methods = {
		credentialTest: { ...notifyCredentialTests, ...storeCredentialTests },
	};

	// The approval webhooks are restart webhooks: n8n serves them only while an execution of
	// this node waits and never registers them anywhere, so there is nothing to set up.
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
		return approvalWebhook.call(this);
	}

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return router.call(this);
	}
}
