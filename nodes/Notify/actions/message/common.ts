// What both operations share: the channel and recipient parameters, the credentials they map
// to, and the delivery options.
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { InvalidInputError } from '../../../../lib/errors';
import {
	CHANNELS,
	parseAddresses,
	type ChannelName,
	type ChannelSpec,
	type SlackCredential,
	type SmtpTlsMode,
} from '../../../../lib/notify';

export const channelProperties: INodeProperties[] = [
	{
		displayName: 'Channels',
		name: 'channels',
		type: 'multiOptions',
		options: [
			{ name: 'Email (SMTP)', value: 'email' },
			{ name: 'LINE (Messaging API)', value: 'line' },
			{ name: 'Slack', value: 'slack' },
			{ name: 'Telegram', value: 'telegram' },
			{ name: 'Webhook (JSON)', value: 'webhook' },
		],
		default: ['telegram'],
		required: true,
		description:
			'Where to send; each channel is sent to independently and reported on its own in the output',
	},
	{
		displayName: 'Telegram Chat ID',
		name: 'telegramChatId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '-1001234567890 or @ops_channel',
		displayOptions: { show: { channels: ['telegram'] } },
		description: 'The chat, group or channel the bot posts to (the bot must be a member)',
	},
	{
		displayName: 'Slack Channel',
		name: 'slackChannel',
		type: 'string',
		default: '',
		placeholder: '#ops or C0123456789',
		displayOptions: { show: { channels: ['slack'] } },
		description:
			'The channel for a bot token (the bot must be in it); ignored with an incoming-webhook URL, which has its own channel',
	},
	{
		displayName: 'Email From',
		name: 'emailFrom',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'AIOps <aiops@example.com>',
		displayOptions: { show: { channels: ['email'] } },
	},
	{
		displayName: 'Email To',
		name: 'emailTo',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'oncall@example.com, sre@example.com',
		displayOptions: { show: { channels: ['email'] } },
		description: 'Comma-separated addresses',
	},
	{
		displayName: 'LINE To',
		name: 'lineTo',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'U4af4980629…, C…, R…',
		displayOptions: { show: { channels: ['line'] } },
		description: 'The user, group or room ID to push to',
	},
	{
		displayName: 'Webhook URL',
		name: 'webhookUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://hooks.example.com/aiops',
		displayOptions: { show: { channels: ['webhook'] } },
		description: 'Receives a JSON POST: event, title, text, html, data (and links for approvals)',
	},
	{
		displayName: 'Sign Webhook Requests',
		name: 'webhookSign',
		type: 'boolean',
		default: false,
		displayOptions: { show: { channels: ['webhook'] } },
		description:
			'Whether to add an HMAC-SHA256 signature and timestamp headers (AIOps Webhook Signing Secret credential) so the receiver can verify the sender and reject replays',
	},
];

/** Options both operations offer, for their Options collection. */
export const deliveryOptionProperties: INodeProperties[] = [
	{
		displayName: 'Email Subject',
		name: 'emailSubject',
		type: 'string',
		default: '',
		description: 'Default: the first line of the message',
	},
	{
		displayName: 'Max Attempts',
		name: 'maxAttempts',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 10 },
		default: 4,
		description:
			'Attempts per channel in all; 429 waits what the service asks, 5xx and network errors back off 1 s, 2 s, 4 s …',
	},
	{
		displayName: 'Max Retry Wait (Seconds)',
		name: 'maxRetryWaitSeconds',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 60,
		description:
			'A channel that asks to wait longer than this (429 retry_after / Retry-After) fails instead of holding the execution',
	},
	{
		displayName: 'Request Timeout (Seconds)',
		name: 'requestTimeoutSeconds',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 15,
	},
	{
		displayName: 'Silent',
		name: 'silent',
		type: 'boolean',
		default: false,
		description: 'Whether Telegram and LINE deliver without a notification sound',
	},
	{
		displayName: 'Telegram Topic ID',
		name: 'telegramThreadId',
		type: 'number',
		default: 0,
		description: 'A forum topic (message_thread_id) of the Telegram group; 0 for none',
	},
	{
		displayName: 'Template',
		name: 'template',
		type: 'string',
		typeOptions: { rows: 10 },
		default: '',
		placeholder:
			'🔴 <b>{{labels.alertname}}</b> in {{labels.namespace}}\n{{annotations.description}}',
		description:
			"Handlebars template replacing the event's default; the item's JSON is the context. {{value}} is escaped for every channel; tags b, i, s, code, pre, a href give styling.",
	},
];

export interface CommonOptions extends IDataObject {
	emailSubject?: string;
	maxAttempts?: number;
	maxRetryWaitSeconds?: number;
	requestTimeoutSeconds?: number;
	silent?: boolean;
	telegramThreadId?: number;
	template?: string;
}

function text(this: IExecuteFunctions, name: string, itemIndex: number): string {
	return String(this.getNodeParameter(name, itemIndex, '') ?? '').trim();
}

function required(this: IExecuteFunctions, name: string, itemIndex: number, what: string): string {
	const value = text.call(this, name, itemIndex);
	if (!value) throw new InvalidInputError(`${what} is empty`, name);
	return value;
}

/** The channels parameter of an item, checked. */
export function selectedChannels(this: IExecuteFunctions, itemIndex: number): ChannelName[] {
	const value = this.getNodeParameter('channels', itemIndex, []) as unknown;
	const list = (Array.isArray(value) ? value : String(value).split(','))
		.map((c) => String(c).trim())
		.filter((c) => c.length > 0);
	if (list.length === 0) throw new InvalidInputError('No channel is selected', 'channels');
	for (const channel of list) {
		if (!(CHANNELS as readonly string[]).includes(channel)) {
			throw new InvalidInputError(
				`Unknown channel "${channel}": use ${CHANNELS.join(', ')}`,
				'channels',
			);
		}
	}
	return [...new Set(list)] as ChannelName[];
}

/** Credentials read once per execution (n8n decrypts them on every call). */
export function credentialReader(this: IExecuteFunctions) {
	const cache = new Map<string, Promise<IDataObject>>();
	return (type: string): Promise<IDataObject> => {
		let data = cache.get(type);
		if (!data) {
			data = this.getCredentials(type) as Promise<IDataObject>;
			cache.set(type, data);
		}
		return data;
	};
}

function slackCredential(data: IDataObject): SlackCredential {
	return data.authType === 'webhook'
		? { authType: 'webhook', webhookUrl: String(data.webhookUrl ?? '') }
		: {
				authType: 'botToken',
				accessToken: String(data.accessToken ?? ''),
				baseUrl: data.baseUrl ? String(data.baseUrl) : undefined,
			};
}

export function smtpCredential(data: IDataObject) {
	const mode = String(data.tlsMode ?? 'starttls');
	return {
		host: String(data.host ?? ''),
		port: Number(data.port ?? 587),
		tlsMode: (['starttls', 'tls', 'none'].includes(mode) ? mode : 'starttls') as SmtpTlsMode,
		user: data.user ? String(data.user) : undefined,
		password: data.password ? String(data.password) : undefined,
		allowUnauthorizedCerts: data.disableTlsVerification === true,
		clientHostname: data.clientHostname ? String(data.clientHostname) : undefined,
	};
}

/**
 * One ChannelSpec per selected channel for an item, from its parameters and the credentials.
 * With `perRecipient`, an email to several addresses becomes one spec per address (approval
 * links are personal).
 */
export async function channelSpecs(
	this: IExecuteFunctions,
	itemIndex: number,
	credentials: (type: string) => Promise<IDataObject>,
	options: CommonOptions,
	webhookData: unknown,
	perRecipient = false,
): Promise<ChannelSpec[]> {
	const specs: ChannelSpec[] = [];
	for (const channel of selectedChannels.call(this, itemIndex)) {
		switch (channel) {
			case 'telegram': {
				const data = await credentials('aiopsTelegramApi');
				specs.push({
					channel,
					credential: {
						accessToken: String(data.accessToken ?? ''),
						baseUrl: data.baseUrl ? String(data.baseUrl) : undefined,
					},
					target: {
						chatId: required.call(this, 'telegramChatId', itemIndex, 'Telegram Chat ID'),
						threadId: options.telegramThreadId || undefined,
						silent: options.silent === true,
					},
				});
				break;
			}
			case 'slack': {
				const credential = slackCredential(await credentials('aiopsSlackApi'));
				const slackChannel = text.call(this, 'slackChannel', itemIndex);
				if (credential.authType === 'botToken' && !slackChannel) {
					throw new InvalidInputError(
						'Slack Channel is empty (a bot token needs a channel)',
						'slackChannel',
					);
				}
				specs.push({ channel, credential, target: { channel: slackChannel } });
				break;
			}
			case 'email': {
				const credential = smtpCredential(await credentials('aiopsSmtpApi'));
				const from = parseAddresses(
					required.call(this, 'emailFrom', itemIndex, 'Email From'),
					'emailFrom',
				);
				const to = parseAddresses(required.call(this, 'emailTo', itemIndex, 'Email To'), 'emailTo');
				const subject = options.emailSubject?.trim() || undefined;
				for (const recipients of perRecipient ? to.map((a) => [a]) : [to]) {
					specs.push({ channel, credential, target: { from: from[0], to: recipients, subject } });
				}
				break;
			}
			case 'line': {
				const data = await credentials('aiopsLineMessagingApi');
				specs.push({
					channel,
					credential: {
						channelAccessToken: String(data.channelAccessToken ?? ''),
						baseUrl: data.baseUrl ? String(data.baseUrl) : undefined,
					},
					target: {
						to: required.call(this, 'lineTo', itemIndex, 'LINE To'),
						silent: options.silent === true,
					},
				});
				break;
			}
			case 'webhook': {
				const url = required.call(this, 'webhookUrl', itemIndex, 'Webhook URL');
				if (!/^https?:\/\/[^\s]+$/i.test(url)) {
					throw new InvalidInputError(`Webhook URL "${url}" is not an http(s) URL`, 'webhookUrl');
				}
				const sign = this.getNodeParameter('webhookSign', itemIndex, false) as boolean;
				const signingSecret = sign
					? String((await credentials('aiopsWebhookSigningApi')).secret ?? '')
					: undefined;
				specs.push({ channel, target: { url, signingSecret, data: webhookData } });
				break;
			}
		}
	}
	return specs;
}
