import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

// An SMTP server for mail notifications, shaped like n8n's SMTP credential with an explicit
// TLS mode. Tested by the Notify node (connect, TLS, authenticate; no mail is sent).
export class AiopsSmtpApi implements ICredentialType {
	name = 'aiopsSmtpApi';

	displayName = 'AIOps SMTP API';

	icon: Icon = { light: 'file:../icons/email.svg', dark: 'file:../icons/email.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-aiops/n8n-nodes-aiops#notify-credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'User',
			name: 'user',
			type: 'string',
			default: '',
			description: 'Leave empty for a relay that needs no authentication',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
		{
			displayName: 'Host',
			name: 'host',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'smtp.example.com',
		},
		{
			displayName: 'Port',
			name: 'port',
			type: 'number',
			default: 587,
		},
		{
			displayName: 'TLS',
			name: 'tlsMode',
			type: 'options',
			options: [
				{
					name: 'STARTTLS (Required)',
					value: 'starttls',
					description: 'Plain connection upgraded to TLS before login, usually port 587',
				},
				{
					name: 'TLS From the Start',
					value: 'tls',
					description: 'Implicit TLS, usually port 465',
				},
				{
					name: 'None',
					value: 'none',
					description: 'No encryption, for a local relay only',
				},
			],
			default: 'starttls',
		},
		{
			displayName: 'Ignore Certificate Errors (Insecure)',
			name: 'disableTlsVerification',
			type: 'boolean',
			default: false,
			description: 'Whether to accept a certificate that does not verify (e.g. self-signed)',
		},
		{
			displayName: 'Client Host Name',
			name: 'clientHostname',
			type: 'string',
			default: '',
			description: 'The name given in EHLO; empty uses the machine host name',
		},
	];
}
