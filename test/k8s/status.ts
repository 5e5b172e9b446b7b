// metav1.Status objects with the API server's exact messages (apimachinery
// pkg/api/errors/errors.go). Field order matters to clients that print the raw body:
// kind, apiVersion, metadata, status, message, reason, details, code.

export interface StatusCause {
	reason?: string;
	message?: string;
	field?: string;
}

export interface StatusDetails {
	name?: string;
	group?: string;
	kind?: string;
	uid?: string;
	causes?: StatusCause[];
	retryAfterSeconds?: number;
}

export interface Status {
	kind: 'Status';
	apiVersion: 'v1';
	metadata: Record<string, never>;
	status: 'Failure' | 'Success';
	message?: string;
	reason?: string;
	details?: StatusDetails;
	/** omitted on the Success status a DELETE answers with */
	code?: number;
}

/** Thrown by handlers; the server answers with `status` as the body and `status.code`. */
export class StatusError extends Error {
	constructor(readonly status: Status) {
		super(status.message ?? status.reason ?? 'Failure');
	}
}

export interface GroupResource {
	group: string;
	resource: string;
}

/** `deployments.apps` or `pods` (core group), as the server names a resource in messages. */
export function qualified(gr: GroupResource): string {
	return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

function failure(
	code: number,
	reason: string,
	message: string,
	details?: StatusDetails,
): StatusError {
	const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure' };
	if (message) status.message = message;
	status.reason = reason;
	if (details) status.details = details;
	status.code = code;
	return new StatusError(status);
}

function gd(gr: GroupResource, name?: string): StatusDetails {
	const details: StatusDetails = {};
	if (name) details.name = name;
	if (gr.group) details.group = gr.group;
	details.kind = gr.resource;
	return details;
}

export const errors = {
	notFound: (gr: GroupResource, name: string) =>
		failure(404, 'NotFound', `${qualified(gr)} "${name}" not found`, gd(gr, name)),
	/** What the server answers for a path it does not serve (e.g. a CRD that is not installed). */
	resourceNotFound: () =>
		failure(404, 'NotFound', 'the server could not find the requested resource', {}),
	alreadyExists: (gr: GroupResource, name: string) =>
		failure(409, 'AlreadyExists', `${qualified(gr)} "${name}" already exists`, gd(gr, name)),
	conflict: (gr: GroupResource, name: string) =>
		failure(
			409,
			'Conflict',
			`Operation cannot be fulfilled on ${qualified(gr)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
			gd(gr, name),
		),
	applyConflict: (message: string, causes: StatusCause[]) =>
		failure(409, 'Conflict', message, { causes }),
	forbidden: (gr: GroupResource, name: string | undefined, reason: string) =>
		failure(
			403,
			'Forbidden',
			name
				? `${qualified(gr)} "${name}" is forbidden: ${reason}`
				: `${qualified(gr)} is forbidden: ${reason}`,
			gd(gr, name),
		),
	/** `Deployment.apps "web" is invalid: <field errors>` (one error plain, several in brackets). */
	invalid: (kind: string, group: string, name: string, causes: StatusCause[]) => {
		const errs = causes.map((c) => `${c.field}: ${c.message}`);
		const text = errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`;
		const qualifiedKind = group ? `${kind}.${group}` : kind;
		return failure(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${text}`, {
			name,
			...(group ? { group } : {}),
			kind,
			causes,
		});
	},
	badRequest: (message: string) => failure(400, 'BadRequest', message),
	unauthorized: () => failure(401, 'Unauthorized', 'Unauthorized'),
	methodNotAllowed: () =>
		failure(
			405,
			'MethodNotAllowed',
			'the server does not allow this method on the requested resource',
		),
	gone: (message: string) => failure(410, 'Expired', message),
	unsupportedMediaType: (contentType: string, accepted: string[]) =>
		failure(
			415,
			'UnsupportedMediaType',
			`the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
			{ causes: [{ reason: 'UnexpectedServerResponse', message: contentType }] },
		),
	tooManyRequests: (retryAfterSeconds = 1) =>
		failure(
			429,
			'TooManyRequests',
			'the server has received too many requests and has asked us to try again later',
			{
				retryAfterSeconds,
			},
		),
	internal: (message: string) =>
		failure(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] }),
	serviceUnavailable: (message: string) => failure(503, 'ServiceUnavailable', message),
	timeout: (message: string) => failure(504, 'Timeout', message),
};

/** A DELETE that removed the object at once answers with this. */
export function successStatus(gr: GroupResource, name: string, uid: string): Status {
	return {
		kind: 'Status',
		apiVersion: 'v1',
		metadata: {},
		status: 'Success',
		details: { name, ...(gr.group ? { group: gr.group } : {}), kind: gr.resource, uid },
	};
}
