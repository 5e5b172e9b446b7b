// The webhook half of the trigger. n8n hands a version-1 trigger whose `options.binaryData` is
// set the request unread (its body parser is skipped), so everything is decided here, in an
// order that reveals nothing early: auth (headers only), size, Content-Encoding, charset, JSON,
// then the alerts. Every refusal is a 4xx naming the header or field and starts nothing.
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	AlertPayloadError,
	decodeDelivery,
	defaultBodyLimitBytes,
	DeliveryError,
	isAuthorized,
	matchesLabels,
	parseLabelMatchers,
	readAlertmanagerDelivery,
	readBodyStream,
	type ReceiverAuth,
} from '../../lib/alerts';

interface TriggerOptions {
	replicaLabels?: string;
	labelFilters?: string;
	maxBodyKb?: number;
}

type IncomingRequest = AsyncIterable<Buffer> & {
	rawBody?: Buffer;
	/** set by n8n's body reader once it has read (and decoded) the body itself */
	_body?: boolean;
	readableEnded?: boolean;
	headers: Record<string, string | string[] | undefined>;
};

function reply(
	this: IWebhookFunctions,
	status: number,
	message: string,
	field?: string,
): IWebhookResponseData {
	const res = this.getResponseObject();
	res.status(status).json({ status: 'error', message, ...(field ? { field } : {}) });
	return { noWebhookResponse: true };
}

async function receiverAuth(this: IWebhookFunctions): Promise<ReceiverAuth> {
	if (this.getNodeParameter('authentication', 'credential') === 'none') return { type: 'none' };
	const credential = await this.getCredentials<{
		authType: string;
		token?: string;
		user?: string;
		password?: string;
	}>('alertmanagerReceiverApi');
	return credential.authType === 'basic'
		? { type: 'basic', user: credential.user ?? '', password: credential.password ?? '' }
		: { type: 'bearer', token: credential.token ?? '' };
}

/** The settings; workflows saved before the raw-body intake kept them under `options`. */
function triggerOptions(this: IWebhookFunctions): TriggerOptions {
	const current = this.getNodeParameter('alertOptions', {}) as TriggerOptions;
	const legacy = this.getNodeParameter('options', {}) as TriggerOptions & { binaryData?: boolean };
	return { ...legacy, ...current };
}

/** The bytes as sent, and whether n8n already undid their Content-Encoding. */
async function rawBody(
	req: IncomingRequest,
	limit: number,
): Promise<{ bytes: Buffer; decoded: boolean }> {
	if (Buffer.isBuffer(req.rawBody)) return { bytes: req.rawBody, decoded: req._body === true };
	if (req.readableEnded) return { bytes: Buffer.alloc(0), decoded: true };
	return { bytes: await readBodyStream(req, limit), decoded: false };
}

/** Reads and discards what is left of the body, so a refusal never resets the connection. */
async function drain(req: IncomingRequest): Promise<void> {
	if (Buffer.isBuffer(req.rawBody) || req.readableEnded) return;
	await readBodyStream(req, Number.MAX_SAFE_INTEGER).catch(() => undefined);
}

function header(req: IncomingRequest, name: string): string | undefined {
	const value = req.headers[name];
	return Array.isArray(value) ? value.join(', ') : value;
}

export async function receiveAlerts(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const req = this.getRequestObject() as unknown as IncomingRequest;
	if (!isAuthorized(await receiverAuth.call(this), header(req, 'authorization'))) {
		await drain(req);
		return reply.call(
			this,
			401,
			'Unauthorized: the Authorization header does not match the receiver credential',
			'Authorization',
		);
	}
	const options = triggerOptions.call(this);
	const limit = options.maxBodyKb ? options.maxBodyKb * 1024 : defaultBodyLimitBytes();

	let matchers;
	try {
		matchers = parseLabelMatchers(options.labelFilters ?? '');
	} catch (error) {
		await drain(req);
		// the node is misconfigured, not the delivery: Alertmanager should retry once it is fixed
		return reply.call(this, 500, `Bad trigger configuration: ${(error as Error).message}`);
	}

	let delivery;
	try {
		const { bytes, decoded } = await rawBody(req, limit);
		const body = decodeDelivery(
			bytes,
			{
				contentType: header(req, 'content-type'),
				contentEncoding: decoded ? undefined : header(req, 'content-encoding'),
			},
			limit,
		);
		delivery = readAlertmanagerDelivery(body.value, {
			replicaLabels: (options.replicaLabels ?? '')
				.split(',')
				.map((l) => l.trim())
				.filter(Boolean),
			warnings: body.warnings,
		});
	} catch (error) {
		if (error instanceof DeliveryError) {
			await drain(req);
			return reply.call(this, error.status, `Bad delivery: ${error.message}`, error.field);
		}
		if (error instanceof AlertPayloadError)
			return reply.call(this, 400, `Bad Alertmanager payload: ${error.message}`, error.field);
		throw new NodeOperationError(this.getNode(), error as Error);
	}

	const { refused } = delivery;
	if (delivery.alerts.length === 0 && refused.length > 0) {
		// nothing in the delivery can be an alert
		return reply.call(
			this,
			400,
			`Bad Alertmanager payload: ${refused[0].message}${refused.length > 1 ? ` (and ${refused.length - 1} more)` : ''}`,
			refused[0].field,
		);
	}
	const emit = this.getNodeParameter('emit', 'both') as 'both' | 'firing' | 'resolved';
	const alerts = delivery.alerts.filter(
		(alert) =>
			(emit === 'both' || alert.status === emit) && matchesLabels(alert.dedupedLabels, matchers),
	);
	const answer: IDataObject = { status: 'ok', alerts: alerts.length };
	if (refused.length > 0) answer.refused = refused as unknown as IDataObject[];
	// Nothing matched: acknowledge so Alertmanager does not retry; nothing runs.
	if (alerts.length === 0) return { webhookResponse: answer };
	return {
		webhookResponse: answer,
		workflowData: [this.helpers.returnJsonArray(alerts as unknown as IDataObject[])],
	};
}
