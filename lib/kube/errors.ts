// What can go wrong talking to Kubernetes, as error kinds a caller can tell apart: an API
// answer (with the Status the server sent, and the verb and resource we asked for), a
// resource type the cluster does not serve (a CRD not installed), and a wait that ran out.
import { UpstreamError } from '../errors';

/** metav1.Status, the body of every API error answer. */
export interface KubeStatus {
	kind?: string;
	apiVersion?: string;
	status?: string;
	message?: string;
	reason?: string;
	details?: {
		name?: string;
		group?: string;
		kind?: string;
		causes?: { reason?: string; message?: string; field?: string }[];
		retryAfterSeconds?: number;
	};
	code?: number;
}

/** What a request was about, so errors can say "cannot patch deployments.apps "web" in namespace x". */
export interface RequestTarget {
	verb: string;
	/** plural resource with its group, e.g. `deployments.apps`, `pods/log` */
	resource: string;
	namespace?: string;
	name?: string;
}

export function describeTarget(t: RequestTarget): string {
	let text = `${t.verb} ${t.resource}`;
	if (t.name) text += ` "${t.name}"`;
	if (t.namespace) text += ` in namespace "${t.namespace}"`;
	return text;
}

/** The API server answered with an error status. */
export class KubeApiError extends UpstreamError {
	readonly code: number;
	readonly reason: string;

	constructor(
		readonly target: RequestTarget,
		code: number,
		readonly status: KubeStatus | undefined,
		text?: string,
	) {
		const reason = status?.reason ?? httpReason(code);
		const serverMessage = status?.message ?? text?.trim() ?? '';
		const message =
			code === 403
				? // name the missing permission first: it is what the user has to grant
					`Kubernetes denied ${describeTarget(target)} (403 Forbidden: the credential lacks "${target.verb}" on "${target.resource}"): ${serverMessage}`
				: `Kubernetes ${describeTarget(target)} failed (${code} ${reason}): ${serverMessage}`;
		super(message, 'Kubernetes', code, status ?? text);
		this.name = 'KubeApiError';
		this.code = code;
		this.reason = reason;
	}

	/** A resourceVersion conflict (retryable), not a server-side apply field conflict. */
	get isVersionConflict(): boolean {
		return (
			this.code === 409 &&
			this.reason === 'Conflict' &&
			!(this.status?.details?.causes ?? []).some((c) => c.reason === 'FieldManagerConflict')
		);
	}

	get isFieldManagerConflict(): boolean {
		return (
			this.code === 409 &&
			(this.status?.details?.causes ?? []).some((c) => c.reason === 'FieldManagerConflict')
		);
	}
}

/** The cluster does not serve this kind: its CustomResourceDefinition is not installed. */
export class CrdNotInstalledError extends UpstreamError {
	constructor(
		readonly apiVersion: string,
		readonly kind: string,
	) {
		super(
			`${kind} (${apiVersion}) is not served by this cluster: its CustomResourceDefinition is not installed`,
			'Kubernetes',
			404,
		);
		this.name = 'CrdNotInstalledError';
	}
}

/** No answer within the time allowed, or the connection failed. */
export class KubeUnreachableError extends UpstreamError {
	constructor(
		message: string,
		readonly cause?: unknown,
	) {
		super(message, 'Kubernetes');
		this.name = 'KubeUnreachableError';
	}
}

/** A rollout did not finish in time; `lastStatus` is what kubectl would have printed last. */
export class RolloutTimeoutError extends UpstreamError {
	constructor(
		readonly workload: string,
		readonly timeoutMs: number,
		readonly lastStatus: string,
		/** the workload's .status when the wait gave up */
		readonly lastObjectStatus?: unknown,
	) {
		super(
			`timed out waiting for the condition: ${workload} not rolled out after ${Math.round(timeoutMs / 1000)}s; last status: ${lastStatus}`,
			'Kubernetes',
		);
		this.name = 'RolloutTimeoutError';
	}
}

/** kubectl's rollout status stops with an error (progress deadline exceeded, object deleted). */
export class RolloutFailedError extends UpstreamError {
	constructor(
		readonly workload: string,
		message: string,
	) {
		super(message, 'Kubernetes');
		this.name = 'RolloutFailedError';
	}
}

function httpReason(code: number): string {
	const reasons: Record<number, string> = {
		400: 'BadRequest',
		401: 'Unauthorized',
		403: 'Forbidden',
		404: 'NotFound',
		405: 'MethodNotAllowed',
		409: 'Conflict',
		410: 'Expired',
		415: 'UnsupportedMediaType',
		422: 'Invalid',
		429: 'TooManyRequests',
		500: 'InternalError',
		503: 'ServiceUnavailable',
		504: 'Timeout',
	};
	return reasons[code] ?? `HTTP${code}`;
}
