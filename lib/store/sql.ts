// The one small interface both SQL stores (Postgres through pg, embedded PGlite) offer, so the
// anomaly and incident stores are written once in plain Postgres SQL and run on either.
import { InvalidInputError } from '../errors';

export type SqlRow = Record<string, unknown>;

export interface SqlExecutor {
	/** One statement with $1… parameters; returns its rows. */
	query<R extends SqlRow = SqlRow>(text: string, params?: unknown[]): Promise<R[]>;
}

export interface SqlStore extends SqlExecutor {
	readonly kind: 'postgres' | 'embedded';
	/** Where the store is, for error messages: host:port/database or the embedded folder. */
	readonly address: string;
	/** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
	transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** A schema name safe to put in SQL text (lower-case identifier, at most 63 characters). */
export function schemaName(name: string, field = 'schema'): string {
	if (!IDENTIFIER.test(name)) {
		throw new InvalidInputError(
			`${field} must be a lower-case SQL identifier (letters, digits, _; at most 63), got ${JSON.stringify(name)}`,
			field,
		);
	}
	return name;
}

/** `"schema".table` for SQL text. */
export function qualified(schema: string, table: string): string {
	return `"${schemaName(schema)}".${table}`;
}
