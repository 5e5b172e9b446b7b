// What a repair is aimed at: a workload (namespace, kind, name), optionally one container and
// one pod. Taken from an alert (the item contract's reading of it) the way lib/alerts derives
// the workload, or given outright.
import { workloadRefFromLabels } from '../alerts';
import type { AlertContext } from '../contract';
import { InvalidInputError } from '../errors';
import { WORKLOAD_KINDS, type WorkloadKind } from './actions';

export interface RepairTarget {
	namespace: string;
	kind: WorkloadKind;
	name: string;
	/** The container a memory raise applies to; empty: the only container, or the alert's. */
	container: string;
	/** The pod a Delete Pod removes (from the alert's `pod` label). */
	pod: string;
}

/** Parts of a target given as node parameters; empty strings mean "from the item". */
export interface TargetOverrides {
	namespace?: string;
	kind?: string;
	name?: string;
	container?: string;
	pod?: string;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function label(value: string, field: string, what: string): string {
	if (value.length > 63 || !DNS1123_LABEL.test(value)) {
		throw new InvalidInputError(
			`${field} must be a Kubernetes ${what} (lower-case letters, digits and '-', at most 63 characters), got ${JSON.stringify(value)}`,
			field,
		);
	}
	return value;
}

function subdomain(value: string, field: string): string {
	if (value.length > 253 || !DNS1123_SUBDOMAIN.test(value)) {
		throw new InvalidInputError(
			`${field} must be a Kubernetes object name (lower-case letters, digits, '-' and '.', at most 253 characters), got ${JSON.stringify(value)}`,
			field,
		);
	}
	return value;
}

/** The kind, case-insensitively (`deployment`, `Deployment`, `deploy`). */
export function workloadKind(value: string, field = 'kind'): WorkloadKind {
	const v = value.trim().toLowerCase();
	const aliases: Record<string, WorkloadKind> = {
		deploy: 'Deployment',
		sts: 'StatefulSet',
		ds: 'DaemonSet',
	};
	const kind = WORKLOAD_KINDS.find((k) => k.toLowerCase() === v) ?? aliases[v];
	if (!kind) {
		throw new InvalidInputError(
			`${field} must be one of ${WORKLOAD_KINDS.join(', ')}, got ${JSON.stringify(value)}`,
			field,
		);
	}
	return kind;
}

/**
 * The target of an alert: parameters first, then the alert's deduplicated labels and its
 * identity (signature, workload). `defaultKind` applies when nothing tells the kind (a
 * workload named by `service` or `job`).
 */
export function targetFromAlert(
	alert: AlertContext,
	overrides: TargetOverrides = {},
	defaultKind: WorkloadKind = 'Deployment',
): RepairTarget {
	const labels = alert.labels;
	const signature = alert.identity?.signature;
	const ref = workloadRefFromLabels(labels);
	const pick = (...values: (string | undefined)[]) =>
		values.find((v) => v !== undefined && v.trim() !== '')?.trim() ?? '';

	const namespace = pick(overrides.namespace, labels.namespace, signature?.namespace);
	const name = pick(overrides.name, ref.name, alert.identity?.workload);
	const kindText = pick(overrides.kind, overrides.name ? undefined : ref.kind);
	if (!namespace) {
		throw new InvalidInputError(
			'no namespace: the item has no `namespace` label and the Namespace parameter is empty',
			'namespace',
		);
	}
	if (!name) {
		throw new InvalidInputError(
			'no workload: the item names none (labels deployment, statefulset, daemonset or pod) and the Workload Name parameter is empty',
			'name',
		);
	}
	const container = pick(overrides.container, labels.container, signature?.container);
	const pod = pick(overrides.pod, labels.pod);
	return {
		namespace: label(namespace, 'namespace', 'namespace name'),
		kind: kindText ? workloadKind(kindText) : defaultKind,
		name: subdomain(name, 'name'),
		container: container ? label(container, 'container', 'container name') : '',
		pod: pod ? subdomain(pod, 'pod') : '',
	};
}

/** One string per workload: the lease, cooldowns and breakers are kept under it. */
export function targetKey(t: Pick<RepairTarget, 'namespace' | 'kind' | 'name'>): string {
	return `${t.namespace}/${t.kind.toLowerCase()}/${t.name}`;
}

export function describeTarget(t: Pick<RepairTarget, 'namespace' | 'kind' | 'name'>): string {
	return `${t.kind.toLowerCase()}/${t.name} in namespace ${t.namespace}`;
}
