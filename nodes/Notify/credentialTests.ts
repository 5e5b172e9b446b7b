// Credential tests the Notify node runs for credentials that have no single HTTP request to
// test with (Telegram and LINE test themselves declaratively).
import type {
	ICredentialTestFunctions,
	ICredentialsDecrypted,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import {
	channelContext,
	checkSlackCredential,
	checkSmtpCredential,
	fetchTransport,
	networkError,
	redact,
} from '../../lib/notify';
import { weakSecret } from '../../lib/credentials';
import { smtpCredential } from './actions/message/common';

async function result(
	run: () => Promise<string>,
	secrets: unknown[],
): Promise<INodeCredentialTestResult> {
	try {
		return { status: 'OK', message: await run() };
	} catch (error) {
		return {
			status: 'Error',
			message: redact(
				networkError(error),
				secrets.map((s) => (s ? String(s) : undefined)),
			),
		};
	}
}

export const notifyCredentialTests = {
	async aiopsSlackCredentialTest(
		this: ICredentialTestFunctions,
		credential: ICredentialsDecrypted,
	): Promise<INodeCredentialTestResult> {
		const data = credential.data ?? {};
		const slack =
			data.authType === 'webhook'
				? { authType: 'webhook' as const, webhookUrl: String(data.webhookUrl ?? '') }
				: {
						authType: 'botToken' as const,
						accessToken: String(data.accessToken ?? ''),
						baseUrl: data.baseUrl ? String(data.baseUrl) : undefined,
					};
		return result(
			() => checkSlackCredential(slack, channelContext({ http: fetchTransport })),
			[data.accessToken, data.webhookUrl],
		);
	},

	async aiopsSmtpCredentialTest(
		this: ICredentialTestFunctions,
		credential: ICredentialsDecrypted,
	): Promise<INodeCredentialTestResult> {
		const smtp = smtpCredential(credential.data ?? {});
		return result(async () => {
			await checkSmtpCredential(smtp);
			return `Connected to ${smtp.host}:${smtp.port}`;
		}, [smtp.password]);
	},

	async aiopsWebhookSecretTest(
		this: ICredentialTestFunctions,
		credential: ICredentialsDecrypted,
	): Promise<INodeCredentialTestResult> {
		// no server to reach: whether the secret resists guessing
		const problem = weakSecret(String(credential.data?.secret ?? ''), 'The signing secret');
		return problem
			? { status: 'Error', message: problem }
			: { status: 'OK', message: 'The secret is strong enough to sign with' };
	},
};
