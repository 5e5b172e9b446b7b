import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

// A Postgres database for this package's state, with the fields of n8n's built-in Postgres
// credential (n8n's community-node lint forbids reusing the built-in type itself).
export class AiopsPostgresApi implements ICredentialType {
	name = 'aiopsPostgresApi';

	displayName = 'AIOps Postgres API';

	icon: Icon = { light: 'file:../icons/postgres.svg', dark: 'file:../icons/postgres.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-aiops/n8n-nodes-aiops#redis-and-postgres-credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Host',
			name: 'host',
			type: 'string',
			default: 'localhost',
		},
		{
			displayName: 'Database',
			name: 'database',
			type: 'string',
			default: 'postgres',
		},
		{
			displayName: 'User',
			name: 'user',
			type: 'string',
			default: 'postgres',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
		{
			displayName: 'Maximum Number of Connections',
			name: 'maxConnections',
			type: 'number',
			default: 10,
			description:
				'Connections this n8n process may open to the database for this package (one pool per credential)',
		},
		{
			displayName: 'Ignore SSL Issues (Insecure)',
			name: 'ignoreSslIssues',
			type: 'boolean',
			default: false,
			description: 'Whether to connect even if SSL certificate validation is not possible',
		},
		{
			displayName: 'SSL',
			name: 'ssl',
			type: 'options',
			displayOptions: { show: { ignoreSslIssues: [false] } },
			options: [
				{ name: 'Allow', value: 'allow' },
				{ name: 'Disable', value: 'disable' },
				{ name: 'Require', value: 'require' },
			],
			default: 'disable',
		},
		{
			displayName: 'Port',
			name: 'port',
			type: 'number',
			default: 5432,
		},
	];
}
