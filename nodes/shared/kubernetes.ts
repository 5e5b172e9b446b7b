// The Kubernetes credential as nodes use it: its data as a lib/kube credential, a client for
// it, and the credential test every Kubernetes node offers (GET /version, then a
// SelfSubjectAccessReview of every verb the nodes use).
import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IExecuteFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import type { KubeClientOptions, KubeCredential } from '../../lib/kube';
import { KubeClient, describeMissingAccess, missingAccess, serverVersion } from '../../lib/kube';

export const KUBERNETES_CREDENTIAL = 'aiopsKubernetesApi';

export function kubeCredentialFrom(data: ICredentialDataDecryptedObject): KubeCredential {
	switch (data.authentication) {
		case 'inCluster':
			return { mode: 'inCluster' };
		case 'token':
			return {
				mode: 'token',
				server: String(data.server ?? ''),
				token: String(data.token ?? ''),
				caCert: String(data.caCert ?? ''),
				insecure: data.insecure === true,
			};
		default:
			return {
				mode: 'kubeconfig',
				kubeconfig: String(data.kubeconfig ?? ''),
				context: String(data.context ?? '') || undefined,
			};
	}
}

export async function kubeClient(
	this: IExecuteFunctions,
	opts: KubeClientOptions = {},
): Promise<KubeClient> {
	const data = await this.getCredentials(KUBERNETES_CREDENTIAL);
	return KubeClient.fromCredential(kubeCredentialFrom(data), opts);
}

/**
 * The client, or null when the node has no Kubernetes credential: Repair Action then plans
 * without changing anything, so the shipped workflows run before a cluster is connected.
 */
export async function optionalKubeClient(
	this: IExecuteFunctions,
	opts: KubeClientOptions = {},
): Promise<KubeClient | null> {
	if (!this.getNode().credentials?.[KUBERNETES_CREDENTIAL]) return null;
	return kubeClient.call(this, opts);
}

export async function kubernetesConnectionTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	try {
		const client = KubeClient.fromCredential(kubeCredentialFrom(credential.data ?? {}), {
			timeoutMs: 10_000,
		});
		const version = await serverVersion(client);
		const connected = `Connected to Kubernetes ${version.gitVersion} at ${client.server}`;
		// reaching the server is half of it: the nodes also need their verbs on their resources
		const missing = await missingAccess(client);
		if (missing.length === 0) return { status: 'OK', message: connected };
		return {
			status: 'Error',
			message: `${connected}, but ${describeMissingAccess(missing)}. Bind the ClusterRoles in templates/rbac/ (repair-action.yaml, deploy-app.yaml) to this user or service account.`,
		};
	} catch (error) {
		return { status: 'Error', message: (error as Error).message };
	}
}
