// The notification section, written by Notify's Send: the message sent about the item and what
// each channel did with it. Send and Wait adds `approval`, the human decision.
import { isRecord, itemError, type Json } from './fields';

export interface NotificationSection {
	notification: {
		event: string;
		title: string;
		/** At least one channel took the message. */
		delivered: boolean;
		/** Every channel held it back as a repeat. */
		suppressed: boolean;
		channels: Json[];
	};
}

export interface ApprovalSection {
	approval: Json & { decision?: string; approved?: boolean };
}

export function writeNotification<T extends Json>(
	json: T,
	notification: NotificationSection['notification'],
): T & NotificationSection {
	return { ...json, notification };
}

export function writeApproval<T extends Json>(json: T, approval: Json): T & ApprovalSection {
	return { ...json, approval };
}

/** The item's notification; null when no Notify ran. */
export function readNotification(
	json: Json,
	itemIndex: number,
): NotificationSection['notification'] | null {
	const n = json.notification;
	if (n === undefined || n === null) return null;
	if (!isRecord(n)) throw itemError(itemIndex, 'notification', 'must be an object');
	if (typeof n.event !== 'string' || n.event === '') {
		throw itemError(itemIndex, 'notification.event', 'is missing');
	}
	return {
		event: n.event,
		title: typeof n.title === 'string' ? n.title : '',
		delivered: n.delivered === true,
		suppressed: n.suppressed === true,
		channels: Array.isArray(n.channels) ? (n.channels.filter(isRecord) as Json[]) : [],
	};
}
