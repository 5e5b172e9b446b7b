import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

// A LINE Messaging API channel (long-lived channel access token). LINE Notify was shut down on
// 31 March 2025; this is the API that replaces it.
export class AiopsLineMessagingApi implements ICredentialType {
	name = 'aiopsLineMessagingApi';

	displayName = 'AIOps LINE Messaging API';

	icon: Icon = { light: 'file:../icons/line.svg', dark: 'file:../icons/line.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-aiops/n8n-nodes-aiops#notify-credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Channel Access Token',
			name: 'channelAccessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'From the LINE Developers console, Messaging API tab',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.line.me',
			description: 'Change only for a test double',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.channelAccessToken}}' } },
	};

	// the bot's own profile: answers 200 for a valid token
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/v2/bot/info',
		},
	};
}
