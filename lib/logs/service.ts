// The operations of Log Patterns over any LogStateStore, per scope: learn (compare-and-set,
// replayed on conflict), match (read only), list, reset.
import { setTimeout as sleep } from 'node:timers/promises';

import { StoreUnavailableError } from '../errors';
import type { Template } from './miner';
import { TemplateMiner } from './miner';
import type { LogLine, RunResult, ScopeOptions } from './scope';
import { runScope } from './scope';
import type { LogStateStore } from './store';

export interface LearnOptions extends ScopeOptions {
	/** compare-and-set attempts before giving up (default 20) */
	maxAttempts?: number;
}

export interface ScopeLearnResult extends RunResult {
	/** how many times the run was computed (1 = no other run wrote in between) */
	attempts: number;
}

/**
 * Learns lines into a scope at time `now`: read the state, run, write if nobody else wrote in
 * between, else run again on what they wrote.
 */
export async function learnInScope(
	store: LogStateStore,
	scope: string,
	lines: LogLine[],
	now: number,
	options: LearnOptions = {},
): Promise<ScopeLearnResult> {
	const maxAttempts = options.maxAttempts ?? 20;
	for (let attempt = 1; attempt <= maxAttempts; attempt++) {
		const { state, version } = await store.load(scope);
		const result = runScope(state, lines, now, options, true);
		if (await store.compareAndSet(scope, version, result.state))
			return { ...result, attempts: attempt };
		// another run wrote this scope meanwhile: back off a little (jittered) and replay on it
		await sleep(Math.round(Math.random() * Math.min(200, 5 * 2 ** attempt)));
	}
	throw new StoreUnavailableError(
		`Scope "${scope}" changed under this run ${maxAttempts} times in a row; gave up (too many concurrent learners?)`,
		store.label,
		store.address,
	);
}

/** Classifies lines against the scope's templates; nothing is written. */
export async function matchInScope(
	store: LogStateStore,
	scope: string,
	lines: LogLine[],
	now: number,
	options: ScopeOptions = {},
): Promise<RunResult> {
	const { state } = await store.load(scope);
	return runScope(state, lines, now, options, false);
}

/** The scope's templates, oldest first. */
export async function listTemplates(
	store: LogStateStore,
	scope: string,
	options: ScopeOptions = {},
): Promise<Template[]> {
	const { state } = await store.load(scope);
	return new TemplateMiner(options.miner, state.miner).templates();
}

export async function resetScope(store: LogStateStore, scope: string): Promise<boolean> {
	return store.reset(scope);
}
