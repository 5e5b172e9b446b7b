// The guard stores (Redis, Postgres, PGlite) behave alike: lease, cooldown, rate limit, the
// 7-day raise cap, backoff and breaker, all over a controllable clock.
import fc from 'fast-check';

import {
	admitRefusal,
	attemptWindows,
	DEFAULT_GUARD_RULES,
	HOUR_MS,
	MINUTE_MS,
	DAY_MS,
	type AdmitRequest,
	type AdmitResult,
	type GuardStore,
} from '../../lib/repair/guards';
import { RedisGuardStore } from '../../lib/repair/redisGuardStore';
import { SqlGuardStore } from '../../lib/repair/sqlGuardStore';
import {
	closeEmbeddedStores,
	closePostgresPools,
	closeRedisClients,
	embeddedStore,
	postgresStore,
} from '../../lib/store';
import {
	deletePrefix,
	dropSchema,
	postgresConnection,
	redisConnection,
	testPrefix,
	testSchema,
	tmpFolder,
} from '../support/stores';
import type { RepairAction } from '../../lib/repair/actions';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
const rules = DEFAULT_GUARD_RULES;
let folder: ReturnType<typeof tmpFolder>;
let seq = 0;

function request(target: string, action: RepairAction, now: number, record = true): AdmitRequest {
	return {
		target,
		action,
		now,
		cooldownMs: rules.cooldownMs,
		windows: attemptWindows(action, rules),
		record,
		attemptId: `a${++seq}`,
	};
}

beforeAll(() => {
	folder = tmpFolder('repair-guards');
});
afterAll(async () => {
	await closeRedisClients();
	await closePostgresPools();
	await closeEmbeddedStores();
	folder.remove();
});

const stores: [string, () => { store: GuardStore; cleanup: () => Promise<void> }][] = [
	[
		'Redis',
		() => {
			const prefix = testPrefix();
			return {
				store: new RedisGuardStore(redisConnection(), { prefix }),
				cleanup: () => deletePrefix(prefix),
			};
		},
	],
	[
		'Postgres',
		() => {
			const schema = testSchema();
			return {
				store: new SqlGuardStore(postgresStore(postgresConnection()), { schema }),
				cleanup: () => dropSchema(schema),
			};
		},
	],
	[
		'PGlite',
		() => {
			const schema = testSchema();
			return {
				store: new SqlGuardStore(embeddedStore({ folder: folder.path }), { schema }),
				cleanup: async () => undefined,
			};
		},
	],
];

describe.each(stores)('guard store on %s', (_name, open) => {
	let store: GuardStore;
	let cleanup: () => Promise<void>;
	beforeEach(() => {
		({ store, cleanup } = open());
	});
	afterEach(async () => {
		await cleanup();
	});

	it('gives a lease to one holder until it expires or is released', async () => {
		const a = await store.acquireLease('ns/deployment/web', 'exec-1', T0, 10_000);
		expect(a).toEqual({ acquired: true, holder: 'exec-1', expiresAt: T0 + 10_000 });
		const b = await store.acquireLease('ns/deployment/web', 'exec-2', T0 + 5_000, 10_000);
		expect(b).toEqual({ acquired: false, holder: 'exec-1', expiresAt: T0 + 10_000 });
		// another target is independent
		expect((await store.acquireLease('ns/deployment/api', 'exec-2', T0, 10_000)).acquired).toBe(
			true,
		);
		// only the holder releases
		expect(await store.releaseLease('ns/deployment/web', 'exec-2')).toBe(false);
		// expired: the next caller takes it
		const c = await store.acquireLease('ns/deployment/web', 'exec-3', T0 + 10_000, 10_000);
		expect(c).toEqual({ acquired: true, holder: 'exec-3', expiresAt: T0 + 20_000 });
		expect(await store.releaseLease('ns/deployment/web', 'exec-1')).toBe(false);
		expect(await store.releaseLease('ns/deployment/web', 'exec-3')).toBe(true);
		expect(
			(await store.acquireLease('ns/deployment/web', 'exec-4', T0 + 11_000, 10_000)).acquired,
		).toBe(true);
	});

	it('grants a lease to exactly one of 10 simultaneous callers', async () => {
		const results = await Promise.all(
			Array.from({ length: 10 }, (_, i) =>
				store.acquireLease('ns/deployment/race', `exec-${i}`, T0, 60_000),
			),
		);
		const winners = results.filter((r) => r.acquired);
		expect(winners).toHaveLength(1);
		for (const r of results.filter((x) => !x.acquired)) {
			// the holder is named, unless it committed after this statement's snapshot
			if (r.holder) expect(r.holder).toBe(winners[0].holder);
		}
	});

	it('enforces the cooldown and the hourly rate limit per target and action', async () => {
		const t = 'ns/deployment/web';
		expect(await store.admit(request(t, 'restart', T0))).toEqual({ ok: true });
		const early = await store.admit(request(t, 'restart', T0 + MINUTE_MS));
		expect(early).toEqual({ ok: false, code: 'cooldown', until: T0 + rules.cooldownMs, last: T0 });
		expect(admitRefusal(early, request(t, 'restart', 0), rules)?.code).toBe('cooldown');
		// another action on the same target has its own cooldown
		expect(await store.admit(request(t, 'scale', T0 + MINUTE_MS))).toEqual({ ok: true });
		expect(await store.admit(request(t, 'restart', T0 + 10 * MINUTE_MS))).toEqual({ ok: true });
		expect(await store.admit(request(t, 'restart', T0 + 20 * MINUTE_MS))).toEqual({ ok: true });
		// a fourth within the hour: refused until the first leaves the window
		const fourth = await store.admit(request(t, 'restart', T0 + 30 * MINUTE_MS));
		expect(fourth).toEqual({ ok: false, code: 'window', until: T0 + HOUR_MS, count: 3, window: 0 });
		const refusal = admitRefusal(fourth, request(t, 'restart', 0), rules)!;
		expect(refusal.code).toBe('rate_limit');
		expect(refusal.reason).toContain('3 restart attempt(s) in the last 1 hour (limit 3)');
		expect(await store.admit(request(t, 'restart', T0 + HOUR_MS))).toEqual({ ok: true });
	});

	it('does not record an attempt that only checks (dry run)', async () => {
		const t = 'ns/deployment/dry';
		for (let i = 0; i < 5; i++)
			expect(await store.admit(request(t, 'restart', T0, false))).toEqual({ ok: true });
		expect(await store.admit(request(t, 'restart', T0))).toEqual({ ok: true });
	});

	it('admits exactly maxPerHour of 10 simultaneous attempts (no cooldown)', async () => {
		const results = await Promise.all(
			Array.from({ length: 10 }, () =>
				store.admit({ ...request('ns/deployment/burst', 'restart', T0), cooldownMs: 0 }),
			),
		);
		expect(results.filter((r) => r.ok)).toHaveLength(rules.maxPerHour);
	});

	it('caps memory raises per 7 days and says PERMANENT_FIX', async () => {
		const t = 'ns/deployment/leaky';
		expect(await store.admit(request(t, 'raise_memory', T0))).toEqual({ ok: true });
		expect(await store.admit(request(t, 'raise_memory', T0 + 2 * DAY_MS))).toEqual({ ok: true });
		const third = await store.admit(request(t, 'raise_memory', T0 + 3 * DAY_MS));
		expect(third).toEqual({
			ok: false,
			code: 'window',
			until: T0 + 7 * DAY_MS,
			count: 2,
			window: 1,
		});
		const refusal = admitRefusal(third, request(t, 'raise_memory', 0), rules)!;
		expect(refusal).toMatchObject({ code: 'raise_limit', permanent_fix: true, needs_human: true });
		expect(refusal.reason).toMatch(/^PERMANENT_FIX: probable memory leak/);
		expect(await store.admit(request(t, 'raise_memory', T0 + 7 * DAY_MS))).toEqual({ ok: true });
	});

	it('backs off exponentially after failures and opens the breaker after 3', async () => {
		const t = 'ns/deployment/broken';
		const noCooldown = (r: AdmitRequest) => ({ ...r, cooldownMs: 0, windows: [] });
		let now = T0;
		expect(await store.admit(noCooldown(request(t, 'restart', now)))).toEqual({ ok: true });
		let s = await store.recordResult(t, 'restart', false, now, rules);
		expect(s).toMatchObject({ targetFailures: 1, actionFailures: 1, retryAfter: now + MINUTE_MS });
		expect(await store.admit(noCooldown(request(t, 'restart', now + 30_000)))).toEqual({
			ok: false,
			code: 'backoff',
			until: now + MINUTE_MS,
			failures: 1,
		});
		now += MINUTE_MS;
		expect(await store.admit(noCooldown(request(t, 'restart', now)))).toEqual({ ok: true });
		s = await store.recordResult(t, 'restart', false, now, rules);
		expect(s).toMatchObject({
			targetFailures: 2,
			actionFailures: 2,
			retryAfter: now + 2 * MINUTE_MS,
		});
		// a different action is not in backoff, but its failure counts for the target's breaker
		expect(await store.admit(noCooldown(request(t, 'rollback', now)))).toEqual({ ok: true });
		s = await store.recordResult(t, 'rollback', false, now, rules);
		expect(s).toEqual({
			targetFailures: 3,
			actionFailures: 1,
			retryAfter: now + MINUTE_MS,
			breakerUntil: now + HOUR_MS,
		});
		const open = await store.admit(noCooldown(request(t, 'scale', now + 30 * MINUTE_MS)));
		expect(open).toEqual({ ok: false, code: 'breaker_open', until: now + HOUR_MS, failures: 3 });
		expect(admitRefusal(open, request(t, 'scale', 0), rules)).toMatchObject({
			code: 'breaker_open',
			needs_human: true,
		});
		// after an hour one attempt goes through (half-open); another failure re-opens at once
		const later = now + HOUR_MS;
		expect(await store.admit(noCooldown(request(t, 'scale', later)))).toEqual({ ok: true });
		s = await store.recordResult(t, 'scale', false, later, rules);
		expect(s.breakerUntil).toBe(later + HOUR_MS);
		// a success closes everything
		const much = later + 2 * HOUR_MS;
		expect(await store.admit(noCooldown(request(t, 'scale', much)))).toEqual({ ok: true });
		s = await store.recordResult(t, 'scale', true, much, rules);
		expect(s).toEqual({ targetFailures: 0, actionFailures: 0, retryAfter: 0, breakerUntil: 0 });
		expect(await store.admit(noCooldown(request(t, 'restart', much)))).toEqual({ ok: true });
	});

	it('caps the backoff at its maximum', async () => {
		const t = 'ns/deployment/capped';
		const r = { ...rules, breakerThreshold: 100 };
		let s;
		for (let i = 0; i < 10; i++) s = await store.recordResult(t, 'restart', false, T0, r);
		expect(s!.retryAfter).toBe(T0 + rules.backoffMaxMs);
	});
});

// The admission decision agrees with a plain model of the rules on random histories: cooldown
// between two attempts of an action, at most maxPerHour per hour, at most 2 raises per 7 days.
describe.each(stores.slice(0, 2))('guard store on %s against the model', (_name, open) => {
	it('admits exactly what the rules allow (property)', async () => {
		const { store, cleanup } = open();
		const actions: RepairAction[] = ['restart', 'scale', 'raise_memory'];
		const seen = new Set<string>();
		let run = 0;
		try {
			await fc.assert(
				fc.asyncProperty(
					fc.array(
						fc.record({
							dt: fc.integer({ min: 0, max: 3 * DAY_MS }),
							a: fc.integer({ min: 0, max: 2 }),
						}),
						{
							minLength: 1,
							maxLength: 25,
						},
					),
					fc.integer({ min: 0, max: 20 }),
					async (steps, cooldownMin) => {
						const target = `ns/deployment/model-${run++}`;
						const admitted: Record<string, number[]> = {};
						let now = T0;
						for (const step of steps) {
							// small gaps mostly, so cooldown and windows are exercised
							now += step.dt % 4 === 0 ? step.dt : step.dt % (90 * MINUTE_MS);
							const action = actions[step.a];
							const req = { ...request(target, action, now), cooldownMs: cooldownMin * MINUTE_MS };
							const got = await store.admit(req);
							const past = admitted[action] ?? [];
							const last = past[past.length - 1];
							let want: AdmitResult = { ok: true };
							if (last !== undefined && last + req.cooldownMs > now) {
								want = { ok: false, code: 'cooldown', until: last + req.cooldownMs, last };
							} else {
								for (const [w, win] of req.windows.entries()) {
									const inside = past.filter((t) => t > now - win.ms);
									if (inside.length >= win.max) {
										want = {
											ok: false,
											code: 'window',
											until: inside[inside.length - win.max] + win.ms,
											count: inside.length,
											window: w,
										};
										break;
									}
								}
							}
							expect(got).toEqual(want);
							seen.add(got.ok ? 'ok' : got.code);
							if (got.ok) admitted[action] = [...past, now];
						}
					},
				),
				{ numRuns: 25 },
			);
			// the histories reached every kind of decision
			expect([...seen].sort()).toEqual(['cooldown', 'ok', 'window']);
		} finally {
			await cleanup();
		}
	});
});
