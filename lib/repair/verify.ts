// Verification after a change: the pod a Delete Pod removed is gone, the workload's rollout
// completes by the rule `kubectl rollout status` uses (lib/kube waitForRollout), and optionally
// an HTTP health URL answers 2xx — all within one timeout. Waiting is real time.
import { UpstreamError } from '../errors';
import {
	RolloutFailedError,
	RolloutTimeoutError,
	waitForDeletion,
	waitForRollout,
	type KubeClient,
} from '../kube';
import type { PreparedChange } from './change';
import type { RepairTarget } from './target';
import { workloadRef } from './workload';

/** GETs a URL and answers its HTTP status (the node passes n8n's HTTP helper). */
export type HttpGet = (url: string, timeoutMs: number) => Promise<number>;

export interface VerifyOptions {
	timeoutMs: number;
	healthUrl?: string;
	httpGet?: HttpGet;
	/** pause between two health checks (default 2 s) */
	healthIntervalMs?: number;
}

export interface Verification {
	ok: boolean;
	/** why it failed, in words */
	reason?: string;
	/** kubectl's last rollout status line */
	rollout?: string;
	health?: { url: string; status: number | null; attempts: number };
	duration_ms: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function checkHealth(
	url: string,
	get: HttpGet,
	deadline: number,
	intervalMs: number,
): Promise<{ ok: boolean; status: number | null; attempts: number; error?: string }> {
	let attempts = 0;
	let status: number | null = null;
	let error: string | undefined;
	for (;;) {
		attempts++;
		try {
			status = await get(url, Math.max(1000, Math.min(10_000, deadline - Date.now())));
			error = undefined;
			if (status >= 200 && status < 300) return { ok: true, status, attempts };
		} catch (e) {
			status = null;
			error = (e as Error).message;
		}
		if (Date.now() + intervalMs >= deadline) return { ok: false, status, attempts, error };
		await sleep(intervalMs);
	}
}

export async function verifyChange(
	client: KubeClient,
	target: RepairTarget,
	change: PreparedChange,
	opts: VerifyOptions,
): Promise<Verification> {
	const started = Date.now();
	const deadline = started + opts.timeoutMs;
	const done = (v: Omit<Verification, 'duration_ms'>): Verification => ({
		...v,
		duration_ms: Date.now() - started,
	});
	let rollout: string | undefined;
	try {
		if (change.awaitDeletion) {
			const gone = await waitForDeletion(
				client,
				{ apiVersion: 'v1', kind: 'Pod', ...change.awaitDeletion },
				Math.max(1, deadline - Date.now()),
			);
			if (!gone) {
				return done({
					ok: false,
					reason: `pod ${change.awaitDeletion.name} was still there after ${Math.round(opts.timeoutMs / 1000)}s`,
				});
			}
		}
		if (change.verify === 'rollout') {
			const r = await waitForRollout(client, workloadRef(target), {
				timeoutMs: Math.max(1, deadline - Date.now()),
			});
			rollout = r.message;
		}
	} catch (error) {
		if (
			error instanceof RolloutTimeoutError ||
			error instanceof RolloutFailedError ||
			error instanceof UpstreamError
		) {
			return done({
				ok: false,
				reason: `verification failed: ${error.message}`,
				rollout: (error as RolloutTimeoutError).lastStatus,
			});
		}
		throw error;
	}
	if (opts.healthUrl) {
		if (!opts.httpGet) throw new Error('a health URL needs an HTTP client');
		const h = await checkHealth(
			opts.healthUrl,
			opts.httpGet,
			deadline,
			opts.healthIntervalMs ?? 2000,
		);
		const health = { url: opts.healthUrl, status: h.status, attempts: h.attempts };
		if (!h.ok) {
			return done({
				ok: false,
				rollout,
				health,
				reason: `verification failed: health URL ${opts.healthUrl} ${h.status === null ? `did not answer (${h.error})` : `answered ${h.status}`} after ${h.attempts} attempt(s) within ${Math.round(opts.timeoutMs / 1000)}s`,
			});
		}
		return done({ ok: true, rollout, health });
	}
	return done({ ok: true, rollout });
}
