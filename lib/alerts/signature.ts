// The problem signature: what stays the same when the same problem happens again (volatile
// labels such as pod, instance or the Prometheus replica never enter it), and its short key.
import { createHash } from 'node:crypto';

import { workloadFromLabels } from './workload';

export interface Signature {
	alert_name: string;
	namespace: string;
	workload: string;
	container: string;
	error_type: string;
}

export function signatureFromLabels(labels: Record<string, string>): Signature {
	return {
		alert_name: labels.alertname ?? '',
		namespace: labels.namespace ?? '',
		workload: workloadFromLabels(labels),
		container: labels.container ?? '',
		error_type: labels.reason || labels.error_type || '',
	};
}

// Python's json.dumps(obj, sort_keys=True), which the seed AnomalyCounter hashed: ", " and ": "
// separators, non-ASCII escaped as \uXXXX. Keeping its bytes keeps keys comparable with it.
function pythonJsonString(value: string): string {
	return JSON.stringify(value).replace(
		/[\u0080-\uffff]/g,
		(c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'),
	);
}

export function canonicalSignatureJson(signature: Signature | Record<string, string>): string {
	const entries = Object.keys(signature)
		.sort()
		.map(
			(k) =>
				`${pythonJsonString(k)}: ${pythonJsonString(String((signature as Record<string, string>)[k]))}`,
		);
	return `{${entries.join(', ')}}`;
}

/** First 16 hex characters of sha256 over the signature's canonical JSON. */
export function anomalyKey(signature: Signature): string {
	return createHash('sha256')
		.update(canonicalSignatureJson(signature), 'utf8')
		.digest('hex')
		.slice(0, 16);
}
