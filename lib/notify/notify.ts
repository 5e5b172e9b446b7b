// Sending one message to several channels at once. Every channel gets its own result; one
// failing (or throwing) never hides the others. Optional repeat suppression claims a key per
// (event, incident, channel, target) before sending and gives it back when the send fails.
import { sendEmail, type EmailTarget, type SmtpCredential } from './channels/email';
import { sendLine, type LineCredential, type LineTarget } from './channels/line';
import { sendSlack, type SlackCredential } from './channels/slack';
import { sendTelegram, type TelegramCredential, type TelegramTarget } from './channels/telegram';
import { displayUrl, sendWebhook, type WebhookTarget } from './channels/webhook';
import {
	networkError,
	redact,
	type ChannelContext,
	type ChannelName,
	type DeliveryResult,
} from './delivery';
import type { OutgoingMessage } from './message';
import { wellFormed } from './wellFormed';

export type ChannelSpec =
	| { channel: 'telegram'; credential: TelegramCredential; target: TelegramTarget }
	| { channel: 'slack'; credential: SlackCredential; target: { channel: string } }
	| { channel: 'email'; credential: SmtpCredential; target: EmailTarget }
	| { channel: 'line'; credential: LineCredential; target: LineTarget }
	| { channel: 'webhook'; target: WebhookTarget };

/** The recipient as one string (results, suppression keys, approval `via`). */
export function targetOf(spec: ChannelSpec): string {
	switch (spec.channel) {
		case 'telegram':
			return spec.target.chatId;
		case 'slack':
			return spec.credential.authType === 'botToken' ? spec.target.channel : 'incoming webhook';
		case 'email':
			return spec.target.to.join(', ');
		case 'line':
			return spec.target.to;
		case 'webhook':
			return displayUrl(spec.target.url);
	}
}

function secretsOf(spec: ChannelSpec): Array<string | undefined> {
	switch (spec.channel) {
		case 'telegram':
			return [spec.credential.accessToken];
		case 'slack':
			return spec.credential.authType === 'botToken'
				? [spec.credential.accessToken]
				: [spec.credential.webhookUrl];
		case 'email':
			return [spec.credential.password];
		case 'line':
			return [spec.credential.channelAccessToken];
		case 'webhook':
			return [spec.target.signingSecret, spec.target.url];
	}
}

export async function sendToChannel(
	spec: ChannelSpec,
	message: OutgoingMessage,
	ctx: ChannelContext,
): Promise<DeliveryResult> {
	// the one place every delivery passes: no channel ever sees an unpaired surrogate
	spec = { ...spec, target: wellFormed(spec.target) } as ChannelSpec;
	message = wellFormed(message);
	try {
		switch (spec.channel) {
			case 'telegram':
				return await sendTelegram(spec.credential, spec.target, message, ctx);
			case 'slack':
				return await sendSlack(spec.credential, spec.target.channel, message, ctx);
			case 'email':
				return await sendEmail(spec.credential, spec.target, message, ctx);
			case 'line':
				return await sendLine(spec.credential, spec.target, message, ctx);
			case 'webhook':
				return await sendWebhook(spec.target, message, ctx);
		}
	} catch (error) {
		// a sender should not throw; if one does, it still becomes this channel's result
		return failedResult(spec.channel, targetOf(spec), redact(networkError(error), secretsOf(spec)));
	}
}

export function failedResult(channel: ChannelName, target: string, error: string): DeliveryResult {
	return {
		channel,
		target,
		delivered: false,
		messageId: null,
		error,
		httpCode: null,
		attempts: 0,
		truncated: false,
	};
}

/** Claims "send once per window" keys; implemented on the package's stores (suppression.ts). */
export interface RepeatGuard {
	/** a token when this key may be sent now, null when it was sent within the window */
	claim(key: string): Promise<string | null>;
	/** gives the key back (the send failed), if the token still holds it */
	release(key: string, token: string): Promise<void>;
}

export interface SendOptions {
	guard?: RepeatGuard;
	/** identifies what is being notified (event + incident); required with a guard */
	repeatKey?: string;
}

export function repeatKeyFor(base: string, spec: ChannelSpec): string {
	return `${base}|${spec.channel}|${targetOf(spec)}`;
}

/**
 * Sends to every channel in parallel; one result per channel, in the order given. When the
 * repeat guard's store fails, the message is sent anyway (a duplicate is better than a missed
 * alert) and the result carries a warning.
 */
export async function sendToChannels(
	specs: ChannelSpec[],
	message: OutgoingMessage,
	ctx: ChannelContext,
	options: SendOptions = {},
): Promise<DeliveryResult[]> {
	const { guard, repeatKey } = options;
	return Promise.all(
		specs.map(async (spec) => {
			if (!guard || !repeatKey) return sendToChannel(spec, message, ctx);
			const key = repeatKeyFor(repeatKey, spec);
			let token: string | null;
			try {
				token = await guard.claim(key);
			} catch (error) {
				const result = await sendToChannel(spec, message, ctx);
				return { ...result, warning: `repeat suppression skipped: ${(error as Error).message}` };
			}
			if (token === null) {
				return { ...failedResult(spec.channel, targetOf(spec), ''), error: null, suppressed: true };
			}
			const result = await sendToChannel(spec, message, ctx);
			if (!result.delivered) await guard.release(key, token).catch(() => undefined);
			return result;
		}),
	);
}
