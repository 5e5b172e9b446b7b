import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

// The secret Alertmanager's webhook_config http_config sends: a bearer token
// (authorization.credentials) or basic auth (basic_auth.username/password).
export class AlertmanagerReceiverApi implements ICredentialType {
	name = 'alertmanagerReceiverApi';

	displayName = 'Alertmanager Receiver Auth API';

	icon: Icon = {
		light: 'file:../icons/alertmanager.svg',
		dark: 'file:../icons/alertmanager.dark.svg',
	};

	documentationUrl =
		'https://github.com/n8n-nodes-aiops/n8n-nodes-aiops#alertmanager-receiver-auth';

	properties: INodeProperties[] = [
		{
			displayName: 'Authentication',
			name: 'authType',
			type: 'options',
			options: [
				{ name: 'Bearer Token', value: 'bearer' },
				{ name: 'Basic Auth', value: 'basic' },
			],
			default: 'bearer',
			description:
				'How Alertmanager authenticates: webhook_config.http_config.authorization or basic_auth',
		},
		{
			displayName: 'Token',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { authType: ['bearer'] } },
			description: 'The value of authorization.credentials in the Alertmanager receiver',
		},
		{
			displayName: 'User',
			name: 'user',
			type: 'string',
			default: '',
			required: true,
			displayOptions: { show: { authType: ['basic'] } },
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { authType: ['basic'] } },
		},
	];
}
