// One pending approval per incident and action, on the real stores (Redis, Postgres, embedded
// PGlite): executions racing to ask for the same key make one request and the rest join it,
// counted; the key is released only by the request that holds it; a request past its deadline
// is replaced by the next asker.
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';

import {
	RedisApprovalRegistry,
	SqlApprovalRegistry,
	type ApprovalRegistry,
} from '../../lib/notify';
import { closeStores, openOn, type StoreKind } from '../support/storeCases';

const cleanups: Array<() => Promise<void>> = [];

afterAll(async () => {
	for (const cleanup of cleanups) await cleanup();
	await closeStores();
});

const stores: Array<[StoreKind, () => ApprovalRegistry]> = (
	['Redis', 'Postgres', 'PGlite'] as const
).map((kind) => [
	kind,
	() => {
		const opened = openOn<ApprovalRegistry>(
			kind,
			(connection, prefix) => new RedisApprovalRegistry(connection, prefix),
			(sql, schema) => new SqlApprovalRegistry(sql, schema),
		);
		cleanups.push(opened.cleanup);
		return opened.store;
	},
]);

describe.each(stores)('pending approvals on %s', (_name, open) => {
	it('the first asker holds the key until its deadline; later ones join it, counted', async () => {
		const registry = open();
		const first = randomUUID();
		const held = await registry.claim('approval|inc-1|rollback', first, 60_000);
		expect(held).toMatchObject({ requestId: first, joined: 0 });
		const deadline = Date.parse(held.expiresAt);
		expect(deadline).toBeGreaterThan(Date.now() + 50_000);
		const second = await registry.claim('approval|inc-1|rollback', randomUUID(), 60_000);
		expect(second).toEqual({ requestId: first, expiresAt: held.expiresAt, joined: 1 });
		expect((await registry.claim('approval|inc-1|rollback', randomUUID(), 60_000)).joined).toBe(2);
		// another action of the same incident, and another incident, are requests of their own
		const other = randomUUID();
		expect((await registry.claim('approval|inc-1|raise_memory', other, 60_000)).requestId).toBe(other);
		const third = randomUUID();
		expect((await registry.claim('approval|inc-2|rollback', third, 60_000)).requestId).toBe(third);
	});

	it('twenty executions asking at once: one request, nineteen joins', async () => {
		const registry = open();
		const ids = Array.from({ length: 20 }, () => randomUUID());
		const results = await Promise.all(ids.map((id) => registry.claim('approval|race|rollback', id, 60_000)));
		const holders = new Set(results.map((r) => r.requestId));
		expect(holders.size).toBe(1);
		expect(ids).toContain([...holders][0]);
		expect(results.map((r) => r.joined).sort((a, b) => a - b)).toEqual(
			Array.from({ length: 20 }, (_, i) => i),
		);
	});

	it('only the holding request releases the key; then the next occurrence asks anew', async () => {
		const registry = open();
		const holder = randomUUID();
		await registry.claim('approval|inc-3|rollback', holder, 60_000);
		await registry.release('approval|inc-3|rollback', 'not-the-holder');
		expect((await registry.claim('approval|inc-3|rollback', randomUUID(), 60_000)).requestId).toBe(holder);
		await registry.release('approval|inc-3|rollback', holder);
		const next = randomUUID();
		expect(await registry.claim('approval|inc-3|rollback', next, 60_000)).toMatchObject({
			requestId: next,
			joined: 0,
		});
	});

	it('the answer is kept on the key until the deadline; only the holding request records it', async () => {
		const registry = open();
		const holder = randomUUID();
		await registry.claim('approval|inc-5|rollback', holder, 60_000);
		const answer = { decision: 'approved' as const, by: 'ops@example.com', at: '2026-01-02T03:04:05.000Z' };
		await registry.answer('approval|inc-5|rollback', 'not-the-holder', { ...answer, decision: 'rejected' });
		expect((await registry.claim('approval|inc-5|rollback', randomUUID(), 60_000)).answer).toBeUndefined();
		await registry.answer('approval|inc-5|rollback', holder, answer);
		const later = await registry.claim('approval|inc-5|rollback', randomUUID(), 60_000);
		expect(later).toMatchObject({ requestId: holder, joined: 2, answer });
	});

	it('an answered request past its deadline no longer holds the key, nor its answer', async () => {
		const registry = open();
		const holder = randomUUID();
		await registry.claim('approval|inc-6|rollback', holder, 200);
		await registry.answer('approval|inc-6|rollback', holder, { decision: 'rejected', by: null, at: new Date().toISOString() });
		await delay(500);
		const next = randomUUID();
		const fresh = await registry.claim('approval|inc-6|rollback', next, 60_000);
		expect(fresh).toMatchObject({ requestId: next, joined: 0 });
		expect(fresh.answer).toBeUndefined();
	});

	it('a request past its deadline no longer holds the key', async () => {
		const registry = open();
		await registry.claim('approval|inc-4|rollback', randomUUID(), 200);
		await delay(500);
		const next = randomUUID();
		expect(await registry.claim('approval|inc-4|rollback', next, 60_000)).toMatchObject({
			requestId: next,
			joined: 0,
		});
	});
});
