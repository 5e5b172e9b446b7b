// Where a scope's state lives. One document per scope with a version: a run reads it, computes
// the next state (scope.ts) and writes it only if the version is still the one it read —
// compare-and-set in one atomic step of the store (a Lua script in Redis, one statement in
// SQL). A run that loses replays its lines on the newer state (service.ts), so two runs in
// one scope lose nothing and never make the same template twice.
import type { StoreLabel } from '../store';
import type { ScopeState } from './scope';

export interface VersionedState {
	state: ScopeState;
	/** 0 when the scope has no state yet */
	version: number;
}

export interface LogStateStore {
	readonly label: StoreLabel;
	/** where it is: host:port, host:port/database or the embedded folder */
	readonly address: string;
	/** The scope's state and version (an empty state at version 0 when there is none). */
	load(scope: string): Promise<VersionedState>;
	/** Writes `state` as version expected + 1 if the stored version is `expected`; false if not. */
	compareAndSet(scope: string, expected: number, state: ScopeState): Promise<boolean>;
	/** Deletes the scope's state; whether there was one. */
	reset(scope: string): Promise<boolean>;
}

/** The state as read back from JSON, with the fields a newer or older writer may lack. */
export function reviveState(json: unknown): ScopeState {
	const s = (json ?? {}) as Partial<ScopeState>;
	return {
		miner: {
			clusters: s.miner?.clusters ?? [],
			aliases: s.miner?.aliases ?? {},
		},
		lines: s.lines ?? 0,
		since: s.since ?? null,
		lastRunAt: s.lastRunAt ?? null,
		rates: s.rates ?? {},
		cursors: s.cursors ?? {},
	};
}
