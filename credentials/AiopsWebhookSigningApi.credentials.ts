import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

// The shared secret that signs Notify's webhook deliveries (HMAC-SHA256 over
// `timestamp.body`); the receiver holds the same secret. Tested by the Notify node (length).
export class AiopsWebhookSigningApi implements ICredentialType {
	name = 'aiopsWebhookSigningApi';

	displayName = 'AIOps Webhook Signing Secret API';

	icon: Icon = { light: 'file:../icons/webhook.svg', dark: 'file:../icons/webhook.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-aiops/n8n-nodes-aiops#verifying-webhook-signatures';

	properties: INodeProperties[] = [
		{
			displayName: 'Signing Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'At least 16 characters; e.g. the output of `openssl rand -hex 32`',
		},
	];
}
