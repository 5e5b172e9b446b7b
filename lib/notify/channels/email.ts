// Email over SMTP (nodemailer): an HTML part with the styled message and approval buttons, and
// a plain-text part with the same text. SMTP 4xx replies and lost connections are transient
// (retried with backoff); 5xx replies and authentication failures are final.
import nodemailer from 'nodemailer';

import { InvalidInputError } from '../../errors';
import {
	deliver,
	type AttemptOutcome,
	type ChannelContext,
	type DeliveryResult,
} from '../delivery';
import { escapeHtml } from '../escape';
import { emailHtmlBody } from '../format';
import { plainText, truncateSpans, truncateText } from '../markup';
import type { OutgoingMessage } from '../message';
import { foldLineBreaks } from '../wellFormed';

/** Mail has no hard limit; this keeps a runaway template from sending megabytes. */
export const EMAIL_TEXT_LIMIT = 50_000;
export const SUBJECT_LIMIT = 200;

export type SmtpTlsMode = 'starttls' | 'tls' | 'none';

export interface SmtpCredential {
	host: string;
	port: number;
	/** tls: implicit TLS (usually 465); starttls: upgrade required (587); none: plain SMTP */
	tlsMode: SmtpTlsMode;
	user?: string;
	password?: string;
	/** accept a certificate that does not verify (self-signed); insecure */
	allowUnauthorizedCerts?: boolean;
	/** the name this client gives in EHLO (default: the machine's host name) */
	clientHostname?: string;
}

export interface EmailTarget {
	from: string;
	to: string[];
	/** default: the message title */
	subject?: string;
}

const ADDRESS =
	/^(?:[^<>@\s,;]+@[^<>@\s,;]+\.[^<>@\s,;]+|[^<>]*<[^<>@\s,;]+@[^<>@\s,;]+\.[^<>@\s,;]+>)$/;

/** A comma, semicolon or newline separated list of addresses (`a@x.io` or `Name <a@x.io>`). */
export function parseAddresses(text: string, field: string): string[] {
	const list = text
		.split(/[,;\n]/)
		.map((a) => a.trim())
		.filter((a) => a.length > 0);
	if (list.length === 0) throw new InvalidInputError(`${field} has no email address`, field);
	for (const address of list) {
		// a control character in a display name would start a header of its own
		// eslint-disable-next-line no-control-regex
		if (/[\u0000-\u001f\u007f\u0085\u2028\u2029]/.test(address)) {
			throw new InvalidInputError(
				`${field}: "${JSON.stringify(address).slice(1, -1)}" contains a control character`,
				field,
			);
		}
		if (!ADDRESS.test(address)) {
			throw new InvalidInputError(`${field}: "${address}" is not an email address`, field);
		}
	}
	return list;
}

function transport(credential: SmtpCredential, timeoutMs: number) {
	return nodemailer.createTransport({
		host: credential.host,
		port: credential.port,
		secure: credential.tlsMode === 'tls',
		requireTLS: credential.tlsMode === 'starttls',
		ignoreTLS: credential.tlsMode === 'none',
		auth: credential.user ? { user: credential.user, pass: credential.password ?? '' } : undefined,
		tls: { rejectUnauthorized: !credential.allowUnauthorizedCerts, servername: credential.host },
		name: credential.clientHostname || undefined,
		connectionTimeout: timeoutMs,
		greetingTimeout: timeoutMs,
		socketTimeout: timeoutMs,
	});
}

const BUTTON_STYLE: Record<string, string> = {
	primary:
		'display:inline-block;padding:10px 18px;margin:0 8px 8px 0;border-radius:6px;background:#1f883d;color:#ffffff;text-decoration:none;font-weight:600',
	danger:
		'display:inline-block;padding:10px 18px;margin:0 8px 8px 0;border-radius:6px;background:#cf222e;color:#ffffff;text-decoration:none;font-weight:600',
};

/** The HTML and text parts and the subject (exported for tests and previews). */
export function emailContent(message: OutgoingMessage, subject?: string) {
	const { spans, truncated } = truncateSpans(message.spans, EMAIL_TEXT_LIMIT);
	const actions = message.actions ?? [];
	const buttons = actions.length
		? `<p>${actions
				.map(
					(a) =>
						`<a href="${escapeHtml(a.url)}" style="${BUTTON_STYLE[a.style]}">${escapeHtml(a.label)}</a>`,
				)
				.join('')}</p>`
		: '';
	const title = oneLine(subject?.trim() || message.title);
	const html =
		'<!doctype html><html><head><meta charset="utf-8">' +
		`<title>${escapeHtml(title)}</title></head>` +
		'<body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:14px;color:#1f2328">' +
		`<div style="white-space:pre-wrap">${emailHtmlBody(spans)}</div>${buttons}` +
		'<p style="color:#59636e;font-size:12px">Sent by n8n-nodes-aiops</p></body></html>';
	const links = actions.map((a) => `${a.label}: ${a.url}`).join('\n');
	const text = plainText(spans) + (links ? `\n\n${links}` : '');
	return { subject: subjectHeader(title), html, text, truncated };
}

/** A header value on one line: line breaks fold to spaces, other control characters too. */
function oneLine(text: string): string {
	// eslint-disable-next-line no-control-regex
	return foldLineBreaks(text).replace(/[\u0000-\u0008\u000e-\u001f\u007f]/g, ' ');
}

/**
 * The Subject header: cut visibly (…) at the limit, and written as RFC 2047 encoded words when
 * it contains `=?`, which mail clients would otherwise decode as an encoded word somebody else
 * wrote. Encoded as a whole, it displays literally. (Other subjects are left to nodemailer,
 * which encodes non-ASCII text.)
 */
export function subjectHeader(title: string): string {
	const subject = truncateText(title, SUBJECT_LIMIT, '…').text;
	return subject.includes('=?') ? encodedWords(subject) : subject;
}

/** `=?UTF-8?B?…?=` words of at most 75 characters, never splitting a character (RFC 2047 §2, §5). */
export function encodedWords(text: string): string {
	const MAX_BYTES = 45; // 60 base64 characters + `=?UTF-8?B?` + `?=` = 72
	const words: string[] = [];
	let chunk = '';
	for (const char of text) {
		if (Buffer.byteLength(chunk + char, 'utf8') > MAX_BYTES) {
			words.push(chunk);
			chunk = '';
		}
		chunk += char;
	}
	if (chunk) words.push(chunk);
	return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join(' ');
}

type SmtpError = Error & {
	code?: string;
	responseCode?: number;
	response?: string;
	command?: string;
};

function smtpOutcome(error: SmtpError): AttemptOutcome {
	const code = error.responseCode;
	const text = error.response || error.message;
	return {
		ok: false,
		// 4xx replies are transient by definition (RFC 5321 §4.2.1); no reply means the
		// connection failed, worth another attempt unless authentication was refused
		retry: code !== undefined ? code >= 400 && code < 500 : error.code !== 'EAUTH',
		error: `SMTP: ${text}`,
		httpCode: code,
	};
}

export async function sendEmail(
	credential: SmtpCredential,
	target: EmailTarget,
	message: OutgoingMessage,
	ctx: ChannelContext,
): Promise<DeliveryResult> {
	const content = emailContent(message, target.subject);
	return deliver(
		{
			channel: 'email',
			target: target.to.join(', '),
			truncated: content.truncated,
			secrets: [credential.password],
			attempt: async () => {
				const mailer = transport(credential, ctx.timeoutMs);
				try {
					const info = await mailer.sendMail({
						from: target.from,
						to: target.to,
						subject: content.subject,
						text: content.text,
						html: content.html,
					});
					return { ok: true, messageId: info.messageId ?? null, httpCode: 250 };
				} catch (error) {
					return smtpOutcome(error as SmtpError);
				} finally {
					mailer.close();
				}
			},
		},
		ctx,
	);
}

/** Connects, greets, upgrades and authenticates as configured (credential test). */
export async function checkSmtpCredential(
	credential: SmtpCredential,
	timeoutMs = 15_000,
): Promise<void> {
	const mailer = transport(credential, timeoutMs);
	try {
		await mailer.verify();
	} finally {
		mailer.close();
	}
}
