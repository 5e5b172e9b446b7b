// Log pattern state in SQL (Postgres, or the embedded PGlite): one row per scope with a
// version; the compare-and-set is one statement (insert for version 0, else a conditional
// update), so it is atomic without a transaction.
import { migrate, qualified, type Migration, type SqlStore, type StoreLabel } from '../store';
import { emptyScopeState, type ScopeState } from './scope';
import { reviveState, type LogStateStore, type VersionedState } from './store';

export const LOG_PATTERNS_COMPONENT = 'logpatterns';

export const LOG_PATTERNS_MIGRATIONS: Migration[] = [
	{
		version: 1,
		name: 'log pattern scopes',
		statements: (s) => [
			`create table "${s}".log_pattern_scopes (
				scope text primary key,
				version bigint not null,
				state jsonb not null,
				updated_ms bigint not null
			)`,
		],
	},
];

export interface SqlLogStateOptions {
	/** schema of the table, created and migrated on first use; default `aiops` */
	schema?: string;
}

export class SqlLogStateStore implements LogStateStore {
	readonly label: StoreLabel;
	readonly address: string;
	private readonly schema: string;

	constructor(
		private readonly store: SqlStore,
		options: SqlLogStateOptions = {},
	) {
		this.schema = options.schema ?? 'aiops';
		this.label = store.kind === 'postgres' ? 'Postgres' : 'Embedded store';
		this.address = store.address;
	}

	private async table(): Promise<string> {
		await migrate(this.store, this.schema, LOG_PATTERNS_COMPONENT, LOG_PATTERNS_MIGRATIONS);
		return qualified(this.schema, 'log_pattern_scopes');
	}

	async load(scope: string): Promise<VersionedState> {
		const table = await this.table();
		const [row] = await this.store.query<{ version: string | number; state: unknown }>(
			`select version, state from ${table} where scope = $1`,
			[scope],
		);
		if (!row) return { state: emptyScopeState(), version: 0 };
		const state = typeof row.state === 'string' ? JSON.parse(row.state) : row.state;
		return { state: reviveState(state), version: Number(row.version) };
	}

	async compareAndSet(scope: string, expected: number, state: ScopeState): Promise<boolean> {
		const table = await this.table();
		const json = JSON.stringify(state);
		const rows =
			expected === 0
				? await this.store.query(
						`insert into ${table} (scope, version, state, updated_ms) values ($1, 1, $2::jsonb, $3)
						 on conflict (scope) do nothing returning version`,
						[scope, json, Date.now()],
					)
				: await this.store.query(
						`update ${table} set version = version + 1, state = $3::jsonb, updated_ms = $4
						 where scope = $1 and version = $2 returning version`,
						[scope, expected, json, Date.now()],
					);
		return rows.length === 1;
	}

	async reset(scope: string): Promise<boolean> {
		const table = await this.table();
		const rows = await this.store.query(`delete from ${table} where scope = $1 returning scope`, [
			scope,
		]);
		return rows.length > 0;
	}
}
