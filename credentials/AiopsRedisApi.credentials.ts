import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

// A Redis server for this package's state, with the fields of n8n's built-in Redis credential
// (n8n's community-node lint forbids reusing the built-in type itself).
export class AiopsRedisApi implements ICredentialType {
	name = 'aiopsRedisApi';

	displayName = 'AIOps Redis API';

	icon: Icon = { light: 'file:../icons/redis.svg', dark: 'file:../icons/redis.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-aiops/n8n-nodes-aiops#redis-and-postgres-credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
		{
			displayName: 'User',
			name: 'user',
			type: 'string',
			default: '',
			hint: 'Leave blank for password-only auth',
		},
		{
			displayName: 'Host',
			name: 'host',
			type: 'string',
			default: 'localhost',
		},
		{
			displayName: 'Port',
			name: 'port',
			type: 'number',
			default: 6379,
		},
		{
			displayName: 'Database Number',
			name: 'database',
			type: 'number',
			default: 0,
		},
		{
			displayName: 'SSL',
			name: 'ssl',
			type: 'boolean',
			default: false,
		},
		{
			displayName: 'Disable TLS Verification (Insecure)',
			name: 'disableTlsVerification',
			type: 'boolean',
			displayOptions: { show: { ssl: [true] } },
			default: false,
			description: 'Whether to accept a certificate that does not verify (e.g. self-signed)',
		},
	];
}
