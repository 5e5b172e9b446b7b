// Approval requests that pause an n8n execution: the links (n8n's signed resume URLs, one pair
// per recipient so the decision can say whom the clicked link was sent to), the pages the
// approver sees, and the decision the node outputs. No n8n imports: the node supplies the URLs.
import { escapeHtml } from './escape';
import type { MessageAction } from './message';

export type TimeoutDecision = 'reject' | 'approve';

export interface ApprovalLabels {
	approve: string;
	reject: string;
}

export const DEFAULT_LABELS: ApprovalLabels = { approve: '✅ Approve', reject: '❌ Reject' };

/** The buttons: reject first, as n8n's own send-and-wait nodes order a double approval. */
export function approvalActions(
	urls: { approve: string; reject: string },
	labels: ApprovalLabels = DEFAULT_LABELS,
): MessageAction[] {
	return [
		{ label: labels.reject, url: urls.reject, style: 'danger' },
		{ label: labels.approve, url: urls.approve, style: 'primary' },
	];
}

/**
 * Chat apps and mail scanners fetch links to preview them. A GET from one of them must not
 * decide anything (n8n's own nodes use the `isbot` list for the same reason).
 */
const PREVIEWERS =
	/bot\b|crawler|spider|preview|whatsapp|facebookexternalhit|discord|skypeuripreview|linkedin|embedly|safelinks|microsoft office|proofpoint|mimecast|barracuda|headless/i;

export function isLinkPreviewer(userAgent: string | undefined): boolean {
	return !!userAgent && PREVIEWERS.test(userAgent);
}

export interface Decision {
	approved: boolean;
	decision: 'approved' | 'rejected';
	/** who decided: the identity header's value when configured, else the recipient of the link */
	by: string | null;
	/** the channel and recipient the clicked link was sent to, e.g. `email:ops@example.com` */
	via: string | null;
	/** when the decision was taken (the deadline, when it timed out) */
	at: string;
	timedOut: boolean;
}

export interface ApprovalRecord extends Decision {
	requestedAt: string;
	expiresAt: string;
}

export function decidedByClick(
	approved: boolean,
	via: string | null,
	identity: string | null,
	at: Date,
): Decision {
	return {
		approved,
		decision: approved ? 'approved' : 'rejected',
		by: identity || via,
		via,
		at: at.toISOString(),
		timedOut: false,
	};
}

export function decidedByTimeout(onTimeout: TimeoutDecision, expiresAt: Date): Decision {
	const approved = onTimeout === 'approve';
	return {
		approved,
		decision: approved ? 'approved' : 'rejected',
		by: 'timeout',
		via: null,
		at: expiresAt.toISOString(),
		timedOut: true,
	};
}

function page(title: string, body: string): string {
	return (
		'<!doctype html><html><head><meta charset="utf-8">' +
		'<meta name="viewport" content="width=device-width,initial-scale=1">' +
		'<meta name="robots" content="noindex">' +
		`<title>${escapeHtml(title)}</title></head>` +
		'<body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:640px;margin:48px auto;padding:0 16px;color:#1f2328">' +
		`${body}</body></html>`
	);
}

/**
 * The page a GET on a link shows: the request and one button that POSTs the decision to the
 * same (signed) URL. Link scanners fetch but do not submit forms, so only a person decides.
 */
export function confirmationPage(approve: boolean, summary: string): string {
	const verb = approve ? 'Approve' : 'Reject';
	const colour = approve ? '#1f883d' : '#cf222e';
	return page(
		`${verb}?`,
		`<h1 style="font-size:20px">${verb} this request?</h1>` +
			`<pre style="white-space:pre-wrap;background:#f6f8fa;padding:12px;border-radius:6px">${escapeHtml(summary)}</pre>` +
			'<form method="post">' +
			`<button type="submit" style="padding:10px 20px;border:0;border-radius:6px;background:${colour};color:#fff;font-size:16px;font-weight:600;cursor:pointer">${verb}</button>` +
			'</form>',
	);
}

/** The page after the decision was recorded. */
export function decisionRecordedPage(approved: boolean): string {
	const verb = approved ? 'approved' : 'rejected';
	return page(
		`Request ${verb}`,
		`<h1 style="font-size:20px">Request ${verb}</h1><p>Your answer was recorded; the workflow continues. You can close this page.</p>`,
	);
}

/** The page for a link of an earlier request of the same node (it decides nothing). */
export function staleLinkPage(): string {
	return page(
		'Link expired',
		'<h1 style="font-size:20px">This link belongs to an earlier request</h1><p>Nothing was changed. Use the links of the latest message.</p>',
	);
}
