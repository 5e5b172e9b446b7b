// What the senders get: a rendered message, plus links for approval requests.
import type { RenderedMessage } from './templates';

export interface MessageAction {
	label: string;
	url: string;
	/** approve (primary) or reject (danger): Slack button styles, email button colours */
	style: 'primary' | 'danger';
}

export interface OutgoingMessage extends RenderedMessage {
	/** links shown as buttons where the channel has them, as text elsewhere */
	actions?: MessageAction[];
}
