// Values read back from a store are checked like input. Whatever is there — written by this
// version, an older one, by hand, or damaged — an unreadable value is ignored with a warning that
// names the record and the field, never an exception that fails every item of the batch (and of
// every later batch of the same signature).
import { isConnectionError } from '../store';

/** The range of a JavaScript Date, in ms since the epoch. */
const MAX_MS = 8.64e15;

export class StoredRecord {
	readonly warnings: string[] = [];

	/** `record` names the record in warnings, e.g. `Redis key aiops:anomaly:{k}:meta`. */
	constructor(private readonly record: string) {}

	warn(field: string, value: unknown, meaning = 'not readable'): void {
		this.warnings.push(
			`${this.record}: ${field} ${JSON.stringify(typeof value === 'bigint' ? String(value) : value)} is ${meaning}; ignored (rewritten on the next write)`,
		);
	}

	/** A time in ms (a number or a numeric string); null when absent or unreadable. */
	ms(value: unknown, field: string): number | null {
		if (value === null || value === undefined || value === '') return null;
		// pg gives bigint columns as strings, PGlite as numbers or BigInts
		const n =
			typeof value === 'number' || typeof value === 'bigint' || typeof value === 'string'
				? Number(value)
				: NaN;
		if (Number.isFinite(n) && Math.abs(n) <= MAX_MS) return n;
		this.warn(field, value, 'not a time in ms');
		return null;
	}

	/** An ISO 8601 time (as Postgres writes timestamptz to JSON) in UTC; null when unreadable. */
	iso(value: unknown, field: string): string | null {
		if (value === null || value === undefined) return null;
		const ms = typeof value === 'string' ? Date.parse(value) : NaN;
		if (Number.isFinite(ms)) return new Date(ms).toISOString();
		this.warn(field, value, 'not a time');
		return null;
	}

	/** A count (whole number ≥ 0); 0 when absent or unreadable. */
	count(value: unknown, field: string): number {
		if (value === null || value === undefined || value === '') return 0;
		const n = Number(value);
		if (Number.isInteger(n) && n >= 0) return n;
		this.warn(field, value, 'not a count');
		return 0;
	}

	/** Parsed JSON text, or undefined when it does not parse. */
	json(raw: unknown, field: string): unknown {
		if (typeof raw !== 'string') return raw;
		try {
			return JSON.parse(raw);
		} catch {
			this.warn(field, raw.length > 80 ? `${raw.slice(0, 80)}…` : raw, 'not valid JSON');
			return undefined;
		}
	}
}

// SQLSTATEs a stored value can cause: data exceptions (22…: a time or number out of range, bad
// text), integrity (23…), cardinality (21000), a datatype mismatch, an error raised in PL/pgSQL.
const RECORD_ERROR = /^(2[123]|P0|42804)/;

function isRecordError(error: unknown): boolean {
	const code = (error as { code?: unknown } | undefined)?.code;
	return typeof code === 'string' && RECORD_ERROR.test(code);
}

/**
 * Runs one batch statement over inputs of many anomaly_keys. If it fails for a reason other than
 * the connection (a stored record it cannot read or write), each key runs alone, so the failure
 * stays with the items of the key whose record is bad: `failed` turns that key's error into the
 * one its items get. Results in input order.
 */
export async function confinedToKeys<T extends { anomaly_key: string }, R>(
	inputs: T[],
	run: (subset: T[]) => Promise<R[]>,
	failed: (key: string, error: Error) => Error,
): Promise<(R | Error)[]> {
	try {
		return await run(inputs);
	} catch (error) {
		const cause = (error as { cause?: unknown }).cause ?? error;
		const keys = [...new Set(inputs.map((x) => x.anomaly_key))].sort();
		if (isConnectionError(cause) || !isRecordError(cause)) throw error;
		if (keys.length < 2) return inputs.map(() => failed(keys[0], error as Error));
		const out: (R | Error)[] = new Array(inputs.length);
		for (const key of keys) {
			const positions = inputs.flatMap((x, i) => (x.anomaly_key === key ? [i] : []));
			const results = await run(positions.map((i) => inputs[i])).catch(
				(e: Error) => positions.map(() => failed(key, e)) as (R | Error)[],
			);
			positions.forEach((p, j) => (out[p] = results[j]));
		}
		return out;
	}
}
