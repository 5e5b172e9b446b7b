// Which workload an alert is about, from the labels that kube-state-metrics and
// kube-prometheus rules put on it; pod names are reduced to their controller's name so that a
// restarted pod is the same problem as the one it replaced.

const WORKLOAD_LABELS = ['deployment', 'statefulset', 'daemonset', 'cronjob', 'job_name'] as const;

// Kubernetes' generated suffixes use rand.SafeEncodeString's alphabet: no vowels, no 0/1/3.
const SAFE_SUFFIX = /^[bcdfghjklmnpqrstvwxz2456789]{5}$/;
const ANY_SUFFIX = /^[a-z0-9]{5}$/;
// pod-template-hash: a safe-encoded 32-bit hash, 6 to 10 characters in practice.
const TEMPLATE_HASH = /^[a-z0-9]{6,10}$/;
const VOWEL = /[aeiou]/;
const ORDINAL = /^(0|[1-9][0-9]*)$/;

/** The kind of controller a generated pod name points at (empty when none fits). */
export type PodControllerKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | '';

/** The controller a pod name was generated from, and its kind; the pod name itself if none fits. */
export function controllerFromPodName(pod: string): { kind: PodControllerKind; name: string } {
	const parts = pod.split('-');
	if (parts.length >= 3) {
		// Deployment pod: <name>-<pod-template-hash>-<5 chars>
		const hash = parts[parts.length - 2];
		const suffix = parts[parts.length - 1];
		if (TEMPLATE_HASH.test(hash) && !VOWEL.test(hash) && ANY_SUFFIX.test(suffix)) {
			return { kind: 'Deployment', name: parts.slice(0, -2).join('-') };
		}
	}
	if (parts.length >= 2) {
		const last = parts[parts.length - 1];
		// StatefulSet pod: <name>-<ordinal>; DaemonSet pod: <name>-<5 safe chars>
		if (ORDINAL.test(last)) return { kind: 'StatefulSet', name: parts.slice(0, -1).join('-') };
		if (SAFE_SUFFIX.test(last)) return { kind: 'DaemonSet', name: parts.slice(0, -1).join('-') };
	}
	return { kind: '', name: pod };
}

/** The controller name a pod name was generated from, or the pod name if none fits. */
export function workloadFromPodName(pod: string): string {
	return controllerFromPodName(pod).name;
}

export function workloadFromLabels(labels: Record<string, string>): string {
	for (const name of WORKLOAD_LABELS) {
		if (labels[name]) return labels[name];
	}
	if (labels.pod) return workloadFromPodName(labels.pod);
	return labels.service || labels.job || '';
}

const KIND_OF_LABEL: Record<(typeof WORKLOAD_LABELS)[number], string> = {
	deployment: 'Deployment',
	statefulset: 'StatefulSet',
	daemonset: 'DaemonSet',
	cronjob: 'CronJob',
	job_name: 'Job',
};

/**
 * The workload as workloadFromLabels names it, with its kind when the labels tell it (the
 * label that named it, or the shape of the pod name); kind is empty for service/job names.
 */
export function workloadRefFromLabels(labels: Record<string, string>): {
	kind: string;
	name: string;
} {
	for (const name of WORKLOAD_LABELS) {
		if (labels[name]) return { kind: KIND_OF_LABEL[name], name: labels[name] };
	}
	if (labels.pod) return controllerFromPodName(labels.pod);
	return { kind: '', name: labels.service || labels.job || '' };
}
