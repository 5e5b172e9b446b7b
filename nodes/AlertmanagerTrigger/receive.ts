// The webhook half of the trigger: authenticate, parse, filter. Everything it decides about an
// alert comes from lib/alerts; this file only maps n8n's request and parameters onto it.
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import {
	AlertPayloadError,
	isAuthorized,
	matchesLabels,
	parseAlertmanagerWebhook,
	parseLabelMatchers,
	type ReceiverAuth,
} from '../../lib/alerts';

interface TriggerOptions {
	replicaLabels?: string;
	labelFilters?: string;
	maxBodyKb?: number;
}

function reply(this: IWebhookFunctions, status: number, message: string): IWebhookResponseData {
	const res = this.getResponseObject();
	res.status(status).json({ status: 'error', message });
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
		? {
				type: 'basic',
				user: credential.user ?? '',
				password: credential.password ?? '',
			}
		: { type: 'bearer', token: credential.token ?? '' };
}

function decodeBody(this: IWebhookFunctions): { body: unknown } | { error: string } {
	const req = this.getRequestObject() as unknown as {
		rawBody?: Buffer;
		body?: unknown;
	};
	// n8n keeps the raw bytes for webhooks; decode them ourselves so a body that is not JSON, or
	// sent without a JSON content type, gets our 400 with a reason instead of an empty object.
	if (req.rawBody && req.rawBody.length > 0) {
		try {
			return { body: JSON.parse(req.rawBody.toString('utf8')) };
		} catch (error) {
			return { error: `body is not valid JSON: ${(error as Error).message}` };
		}
	}
	return { body: this.getBodyData() };
}

function bodySize(this: IWebhookFunctions): number {
	const req = this.getRequestObject() as unknown as { rawBody?: Buffer };
	if (req.rawBody) return req.rawBody.length;
	const length = Number(this.getHeaderData()['content-length']);
	return Number.isFinite(length) ? length : JSON.stringify(this.getBodyData() ?? '').length;
}

export async function receiveAlerts(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const headers = this.getHeaderData() as IDataObject;
	if (!isAuthorized(await receiverAuth.call(this), headers.authorization as string | undefined)) {
		return reply.call(
			this,
			401,
			'Unauthorized: the Authorization header does not match the receiver credential',
		);
	}
	const emit = this.getNodeParameter('emit', 'both') as 'both' | 'firing' | 'resolved';
	const options = this.getNodeParameter('options', {}) as TriggerOptions;
	const maxBytes = (options.maxBodyKb ?? 1024) * 1024;
	if (bodySize.call(this) > maxBytes) {
		return reply.call(
			this,
			400,
			`Payload too large: the body exceeds ${options.maxBodyKb ?? 1024} KB (option Max Body Size)`,
		);
	}

	const decoded = decodeBody.call(this);
	if ('error' in decoded)
		return reply.call(this, 400, `Bad Alertmanager payload: ${decoded.error}`);

	let alerts;
	try {
		const matchers = parseLabelMatchers(options.labelFilters ?? '');
		const replicaLabels = (options.replicaLabels ?? '')
			.split(',')
			.map((l) => l.trim())
			.filter(Boolean);
		alerts = parseAlertmanagerWebhook(decoded.body, { replicaLabels }).filter(
			(alert) =>
				(emit === 'both' || alert.status === emit) && matchesLabels(alert.dedupedLabels, matchers),
		);
	} catch (error) {
		if (error instanceof AlertPayloadError)
			return reply.call(this, 400, `Bad Alertmanager payload: ${error.message}`);
		return reply.call(this, 400, `Bad trigger configuration: ${(error as Error).message}`);
	}

	if (alerts.length === 0) {
		// Acknowledge so Alertmanager does not retry; nothing matched, so nothing runs.
		return { webhookResponse: { status: 'ok', alerts: 0 } };
	}
	return {
		workflowData: [this.helpers.returnJsonArray(alerts as unknown as IDataObject[])],
	};
}
