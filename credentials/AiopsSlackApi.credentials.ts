import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

// Slack: a bot token (chat.postMessage, xoxb-…) or an incoming-webhook URL. Tested by the
// Notify node (auth.test for a token; an empty payload, which a live webhook refuses with
// `no_text`, for a URL — nothing is posted).
export class AiopsSlackApi implements ICredentialType {
	name = 'aiopsSlackApi';

	displayName = 'AIOps Slack API';

	icon: Icon = { light: 'file:../icons/slack.svg', dark: 'file:../icons/slack.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-aiops/n8n-nodes-aiops#notify-credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Connection',
			name: 'authType',
			type: 'options',
			options: [
				{
					name: 'Bot Token',
					value: 'botToken',
					description: 'Post with chat.postMessage to any channel the bot is in',
				},
				{
					name: 'Incoming Webhook URL',
					value: 'webhook',
					description: 'Post to the one channel the webhook was created for',
				},
			],
			default: 'botToken',
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { authType: ['botToken'] } },
			description: 'The bot user OAuth token (xoxb-…) with the chat:write scope',
		},
		{
			displayName: 'Webhook URL',
			name: 'webhookUrl',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 'https://hooks.slack.com/services/T…/B…/…',
			displayOptions: { show: { authType: ['webhook'] } },
			description: 'The incoming-webhook URL; it is a secret',
		},
		{
			displayName: 'API Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://slack.com/api',
			displayOptions: { show: { authType: ['botToken'] } },
			description: 'Change only for a Slack-compatible server or a test double',
		},
	];
}
