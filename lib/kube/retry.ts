// Retrying what is worth retrying: a resourceVersion conflict (409, someone wrote between our
// read and our write), throttling (429) and transient server errors (500, 502, 503, 504).
// A server-side apply field conflict is not retried: the same request would conflict again.
import { KubeApiError } from './errors';

export interface RetryOptions {
	attempts?: number;
	/** first back-off; doubles per attempt (default 100 ms) */
	baseDelayMs?: number;
	/** called before each retry (for logging or counting) */
	onRetry?: (error: KubeApiError, attempt: number) => void;
}

const TRANSIENT = new Set([429, 500, 502, 503, 504]);

export function isRetryable(error: unknown): error is KubeApiError {
	return error instanceof KubeApiError && (error.isVersionConflict || TRANSIENT.has(error.code));
}

export async function withRetry<T>(fn: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
	const attempts = opts.attempts ?? 5;
	const base = opts.baseDelayMs ?? 100;
	for (let attempt = 1; ; attempt++) {
		try {
			return await fn();
		} catch (error) {
			if (attempt >= attempts || !isRetryable(error)) throw error;
			opts.onRetry?.(error, attempt);
			const hinted = (error.status?.details?.retryAfterSeconds ?? 0) * 1000;
			await new Promise((resolve) =>
				setTimeout(resolve, Math.max(hinted, base * 2 ** (attempt - 1))),
			);
		}
	}
}
