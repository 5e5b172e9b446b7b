// Versioned, idempotent schema migrations, run by the package itself. Each schema has one table
// of applied versions (per component: anomaly, incidents …). Two executions starting at once
// serialise on a transaction-scoped advisory lock, so each version is applied exactly once.
import { qualified, schemaName, type SqlStore } from './sql';

export interface Migration {
	version: number;
	name: string;
	/** Statements to run, in order, given the schema name (already validated). */
	statements: (schema: string) => string[];
}

export const MIGRATIONS_TABLE = 'aiops_migrations';

/** Applies the missing versions now (no per-process cache); returns the versions applied. */
export async function runMigrations(
	store: SqlStore,
	schema: string,
	component: string,
	migrations: Migration[],
): Promise<number[]> {
	return store.transaction(async (tx) => {
		// Held until commit: a second execution waits here, then sees the versions applied.
		await tx.query('select pg_advisory_xact_lock(hashtext($1))', [`n8n-nodes-aiops:${schema}`]);
		await tx.query(`create schema if not exists "${schema}"`);
		await tx.query(
			`create table if not exists ${qualified(schema, MIGRATIONS_TABLE)} (
				component text not null,
				version integer not null,
				name text not null,
				applied_at timestamptz not null default now(),
				primary key (component, version)
			)`,
		);
		const rows = await tx.query<{ version: number }>(
			`select version from ${qualified(schema, MIGRATIONS_TABLE)} where component = $1`,
			[component],
		);
		const applied = new Set(rows.map((r) => Number(r.version)));
		const done: number[] = [];
		for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
			if (applied.has(m.version)) continue;
			for (const statement of m.statements(schema)) await tx.query(statement);
			await tx.query(
				`insert into ${qualified(schema, MIGRATIONS_TABLE)} (component, version, name) values ($1, $2, $3)`,
				[component, m.version, m.name],
			);
			done.push(m.version);
		}
		return done;
	});
}

// The migrations run in this process, by store, schema and component.
const runs = new Map<string, Promise<number[]>>();

/**
 * Brings `schema` up to the latest of `migrations` for `component`. Runs at most once per
 * process per store, schema and component (later calls reuse the result); returns the
 * versions this call applied.
 */
export async function migrate(
	store: SqlStore,
	schema: string,
	component: string,
	migrations: Migration[],
): Promise<number[]> {
	schemaName(schema);
	const latest = Math.max(0, ...migrations.map((m) => m.version));
	const key = `${store.kind}|${store.address}|${schema}|${component}|${latest}`;
	let run = runs.get(key);
	if (!run) {
		run = runMigrations(store, schema, component, migrations);
		runs.set(key, run);
		run.then(
			() => runs.set(key, Promise.resolve([])),
			() => runs.delete(key),
		);
	}
	return run;
}
