import type { ICredentialTestRequest, ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

// A Telegram bot (BotFather token), with the Bot API base URL for self-hosted Bot API servers.
export class AiopsTelegramApi implements ICredentialType {
	name = 'aiopsTelegramApi';

	displayName = 'AIOps Telegram API';

	icon: Icon = { light: 'file:../icons/telegram.svg', dark: 'file:../icons/telegram.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-aiops/n8n-nodes-aiops#notify-credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The bot token from @BotFather, e.g. 123456789:AAE…',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.telegram.org',
			description: 'The Bot API server; change it for a self-hosted Bot API server',
		},
	];

	// getMe answers with the bot's name when the token is valid
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}/bot{{$credentials.accessToken}}',
			url: '/getMe',
		},
	};
}
