// Every failure of a store becomes a StoreUnavailableError that names the store and where it
// is, so the node's error says "Redis at 10.0.0.5:6379 is unreachable" instead of "ECONNREFUSED".
import { InvalidInputError, StoreUnavailableError } from '../errors';

export type StoreLabel = 'Redis' | 'Postgres' | 'Embedded store';

const CONNECTION_CODES = new Set([
	'ECONNREFUSED',
	'ECONNRESET',
	'ETIMEDOUT',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EPIPE',
	'57P01', // admin_shutdown
	'57P02', // crash_shutdown
	'57P03', // cannot_connect_now
	'08000',
	'08003',
	'08006',
]);

const CONNECTION_MESSAGES =
	/connection (is )?(close|terminat|lost|end)|timeout|socket|MaxRetriesPerRequest|Stream isn't writeable|ECONN|getaddrinfo/i;

/** Whether an error means the connection (not the statement) failed. */
export function isConnectionError(error: unknown): boolean {
	const e = error as { code?: unknown; message?: unknown; name?: unknown } | undefined;
	if (!e) return false;
	if (typeof e.code === 'string' && CONNECTION_CODES.has(e.code)) return true;
	if (e.name === 'MaxRetriesPerRequestError') return true;
	return typeof e.message === 'string' && CONNECTION_MESSAGES.test(e.message);
}

export function storeFailure(
	store: StoreLabel,
	address: string,
	error: unknown,
): StoreUnavailableError {
	if (error instanceof StoreUnavailableError) return error;
	const reason = (error as Error)?.message || String(error);
	const what = isConnectionError(error) ? 'is unreachable' : 'failed';
	return new StoreUnavailableError(
		`${store} at ${address} ${what}: ${reason}`,
		store,
		address,
		error,
	);
}

/** Runs `fn`, turning whatever it throws into a StoreUnavailableError for this store. */
export async function guarded<T>(
	store: StoreLabel,
	address: string,
	fn: () => Promise<T>,
): Promise<T> {
	try {
		return await fn();
	} catch (error) {
		if (error instanceof InvalidInputError) throw error;
		throw storeFailure(store, address, error);
	}
}
