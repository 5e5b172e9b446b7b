// A client-node KubeConfig from one of the three ways this package's Kubernetes credential
// can point at a cluster: kubeconfig text (with a context choice), the in-cluster service
// account of the pod n8n runs in, or a server URL with a bearer token and CA.
import { KubeConfig } from '@kubernetes/client-node';

import { InvalidInputError } from '../errors';

export type KubeCredential =
	| { mode: 'kubeconfig'; kubeconfig: string; context?: string }
	| { mode: 'inCluster' }
	| { mode: 'token'; server: string; token: string; caCert?: string; insecure?: boolean };

export interface KubeConfigOptions {
	/** where the service account files live (tests point this at a folder; default the pod's) */
	inClusterRoot?: string;
}

/** PEM text is what users paste; kubeconfig files carry base64. Accept both. */
function caData(ca: string): string {
	const text = ca.trim();
	return text.includes('-----BEGIN')
		? Buffer.from(`${text}\n`).toString('base64')
		: text.replace(/\s+/g, '');
}

export function kubeConfigFrom(cred: KubeCredential, opts: KubeConfigOptions = {}): KubeConfig {
	const kc = new KubeConfig();
	switch (cred.mode) {
		case 'kubeconfig': {
			if (!cred.kubeconfig?.trim())
				throw new InvalidInputError('Kubeconfig is empty', 'kubeconfig');
			try {
				kc.loadFromString(cred.kubeconfig);
			} catch (error) {
				throw new InvalidInputError(
					`Kubeconfig is not valid YAML: ${(error as Error).message}`,
					'kubeconfig',
				);
			}
			const names = kc.getContexts().map((c) => c.name);
			if (cred.context) {
				if (!names.includes(cred.context)) {
					throw new InvalidInputError(
						`Context "${cred.context}" is not in the kubeconfig; it has: ${names.join(', ') || 'none'}`,
						'context',
					);
				}
				kc.setCurrentContext(cred.context);
			} else if (!kc.getCurrentContext() || !names.includes(kc.getCurrentContext())) {
				if (names.length !== 1) {
					throw new InvalidInputError(
						`The kubeconfig has no current-context; choose one of: ${names.join(', ') || 'none'}`,
						'context',
					);
				}
				kc.setCurrentContext(names[0]);
			}
			if (!kc.getCurrentCluster()?.server) {
				throw new InvalidInputError(
					`Context "${kc.getCurrentContext()}" names no cluster with a server`,
					'kubeconfig',
				);
			}
			return kc;
		}
		case 'inCluster': {
			const root = opts.inClusterRoot ?? '';
			if (!process.env.KUBERNETES_SERVICE_HOST || !process.env.KUBERNETES_SERVICE_PORT) {
				throw new InvalidInputError(
					'In-cluster credentials need KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT: n8n is not running in a Kubernetes pod',
					'mode',
				);
			}
			kc.loadFromCluster(root);
			return kc;
		}
		case 'token': {
			if (!/^https?:\/\//.test(cred.server ?? '')) {
				throw new InvalidInputError(
					'Server must be an http(s) URL, e.g. https://10.0.0.1:6443',
					'server',
				);
			}
			if (!cred.token) throw new InvalidInputError('Token is empty', 'token');
			if (cred.server.startsWith('http:') && !cred.insecure) {
				throw new InvalidInputError(
					'A plain http:// server needs "Skip TLS Verification" (client-node refuses it otherwise)',
					'server',
				);
			}
			kc.loadFromClusterAndUser(
				{
					name: 'cluster',
					server: cred.server.replace(/\/+$/, ''),
					skipTLSVerify: !!cred.insecure,
					...(cred.caCert?.trim() ? { caData: caData(cred.caCert) } : {}),
				},
				{ name: 'user', token: cred.token },
			);
			return kc;
		}
		default:
			throw new InvalidInputError(
				`Unknown credential mode "${(cred as { mode: string }).mode}"`,
				'mode',
			);
	}
}
