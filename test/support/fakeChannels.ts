// Local stand-ins for the notification services: an HTTP server that records every request
// exactly (method, URL, headers, raw body) and answers from a script, and a real SMTP server
// (smtp-server) whose mails are parsed with mailparser.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface RecordedRequest {
	method: string;
	url: string;
	headers: IncomingHttpHeaders;
	body: string;
	json: unknown;
}

export interface FakeReply {
	status: number;
	body?: unknown;
	headers?: Record<string, string>;
}

/**
 * An HTTP service answering each request with the next scripted reply (or `fallback` when the
 * script is used up). Replies given as objects are sent as JSON, strings as text/plain.
 */
export async function startFakeService(fallback: FakeReply = { status: 200, body: { ok: true } }) {
	const requests: RecordedRequest[] = [];
	const script: FakeReply[] = [];
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const body = Buffer.concat(chunks).toString('utf8');
			let json: unknown;
			try {
				json = JSON.parse(body);
			} catch {
				json = undefined;
			}
			requests.push({
				method: req.method ?? '',
				url: req.url ?? '',
				headers: req.headers,
				body,
				json,
			});
			const reply = script.shift() ?? fallback;
			const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
			res.writeHead(reply.status, {
				'content-type': typeof reply.body === 'string' ? 'text/plain' : 'application/json',
				...reply.headers,
			});
			res.end(text);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		requests,
		/** queue replies for the next requests */
		reply: (...replies: FakeReply[]) => script.push(...replies),
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

export interface FakeSmtp {
	port: number;
	mails: ParsedMail[];
	envelopes: Array<{ from: string; to: string[] }>;
	/** SMTP replies to give instead of accepting the next RCPT TO, e.g. `451` or `550` */
	rejectNext: (...codes: number[]) => void;
	close: () => Promise<void>;
}

/** A real SMTP server: STARTTLS with smtp-server's test certificate, or implicit TLS. */
export async function startFakeSmtp(
	options: { secure?: boolean; noStartTls?: boolean; user?: string; password?: string } = {},
): Promise<FakeSmtp> {
	const mails: ParsedMail[] = [];
	const envelopes: FakeSmtp['envelopes'] = [];
	const rejections: number[] = [];
	const serverOptions: SMTPServerOptions = {
		secure: options.secure ?? false,
		authOptional: !options.user,
		disabledCommands: options.noStartTls ? ['STARTTLS'] : [],
		logger: false,
		onAuth(auth, _session, callback) {
			if (auth.username === options.user && auth.password === options.password) {
				callback(null, { user: auth.username });
			} else {
				callback(
					Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }),
				);
			}
		},
		onRcptTo(_address, _session, callback) {
			const code = rejections.shift();
			if (code) {
				callback(
					Object.assign(new Error(code >= 500 ? 'Mailbox unavailable' : 'Try again later'), {
						responseCode: code,
					}),
				);
			} else callback();
		},
		onData(stream, session, callback) {
			simpleParser(stream)
				.then((mail) => {
					mails.push(mail);
					envelopes.push({
						from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
						to: session.envelope.rcptTo.map((r) => r.address),
					});
					callback();
				})
				.catch(callback);
		},
	};
	const server = new SMTPServer(serverOptions);
	server.on('error', () => undefined);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.server.address() as AddressInfo;
	return {
		port,
		mails,
		envelopes,
		rejectNext: (...codes) => rejections.push(...codes),
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
