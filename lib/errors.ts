// Error kinds the domain layer raises. Nodes map them onto n8n's error classes
// (nodes/shared/items.ts): bad input → NodeOperationError, a failing store or API → NodeApiError.

/** An item or parameter breaks a rule; `field` names it (e.g. `alerts[0].startsAt`, `spec.name`). */
export class InvalidInputError extends Error {
	constructor(
		message: string,
		readonly field: string,
	) {
		super(message);
		this.name = 'InvalidInputError';
	}
}

/** A store (Redis, Postgres, embedded PGlite) could not be reached or failed mid-operation. */
export class StoreUnavailableError extends Error {
	constructor(
		message: string,
		readonly store: string,
		readonly address: string,
		readonly cause?: unknown,
	) {
		super(message);
		this.name = 'StoreUnavailableError';
	}
}

/**
 * A record in a store cannot be used (an unreadable value, a wrong type): only the items that
 * read it fail with this; `record` names it.
 */
export class StoreRecordError extends Error {
	constructor(
		message: string,
		readonly record: string,
		readonly cause?: unknown,
	) {
		super(message);
		this.name = 'StoreRecordError';
	}
}

/** A remote API (Kubernetes, Prometheus, a chat service) answered with an error or not at all. */
export class UpstreamError extends Error {
	constructor(
		message: string,
		readonly service: string,
		readonly httpCode?: number,
		readonly body?: unknown,
	) {
		super(message);
		this.name = 'UpstreamError';
	}
}
