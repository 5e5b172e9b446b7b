// The remediation policy Repair Action reads: annotations on the app's workloads (allowed
// actions, max memory, max replicas, approval required), given to Deploy App as a map.
// They are applied under their own field manager, so changing the policy later is a small
// apply that never contends with the app's own fields.
import { InvalidInputError } from '../errors';
import type { KubeObject } from '../kube';

export const POLICY_FIELD_MANAGER = 'n8n-aiops-policy';

// a qualified name with an optional DNS-subdomain prefix, as annotation keys must be
const ANNOTATION_KEY =
	/^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

export function parsePolicyAnnotations(
	value: unknown,
	field: string,
): Record<string, string> | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value !== 'object' || Array.isArray(value)) {
		throw new InvalidInputError(`${field} must be an object of annotation names to values`, field);
	}
	const out: Record<string, string> = {};
	for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
		if (!ANNOTATION_KEY.test(k) || k.length > 316) {
			throw new InvalidInputError(
				`${field}: "${k}" is not a valid annotation name`,
				`${field}.${k}`,
			);
		}
		if (v !== null && typeof v === 'object') {
			throw new InvalidInputError(
				`${field}.${k} must be a string, number or boolean`,
				`${field}.${k}`,
			);
		}
		out[k] = String(v);
	}
	return Object.keys(out).length ? out : undefined;
}

/** The apply intent that sets the policy on one workload, and nothing else. */
export function policyIntent(workload: KubeObject, policy: Record<string, string>): KubeObject {
	return {
		apiVersion: workload.apiVersion,
		kind: workload.kind,
		metadata: {
			name: workload.metadata.name,
			...(workload.metadata.namespace ? { namespace: workload.metadata.namespace } : {}),
			annotations: policy,
		},
	};
}
