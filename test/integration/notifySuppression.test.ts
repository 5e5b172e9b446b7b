// Repeat suppression on the real stores (Redis, Postgres, embedded PGlite): one send per key and
// window even under concurrent claims, the key given back when the send failed, and the end
// to end effect through sendToChannels against a local service.
import { setTimeout as delay } from 'node:timers/promises';

import {
	RedisRepeatGuard,
	SqlRepeatGuard,
	channelContext,
	fetchTransport,
	renderMessage,
	sendToChannels,
	type RepeatGuard,
} from '../../lib/notify';
import {
	closeEmbeddedStores,
	closePostgresPools,
	closeRedisClients,
	embeddedStore,
	postgresStore,
} from '../../lib/store';
import { startFakeService } from '../support/fakeChannels';
import {
	deletePrefix,
	dropSchema,
	postgresConnection,
	redisConnection,
	testPrefix,
	testSchema,
	tmpFolder,
} from '../support/stores';

const folder = tmpFolder('aiops-notify');
const cleanups: Array<() => Promise<void>> = [];

afterAll(async () => {
	for (const cleanup of cleanups) await cleanup();
	await Promise.all([closeEmbeddedStores(), closeRedisClients(), closePostgresPools()]);
	folder.remove();
});

const stores: Array<[string, (windowMs: number) => RepeatGuard]> = [
	[
		'Redis',
		(windowMs) => {
			const prefix = testPrefix();
			cleanups.push(() => deletePrefix(prefix));
			return new RedisRepeatGuard(redisConnection(), windowMs, prefix);
		},
	],
	[
		'Postgres',
		(windowMs) => {
			const schema = testSchema();
			cleanups.push(() => dropSchema(schema));
			return new SqlRepeatGuard(postgresStore(postgresConnection()), windowMs, schema);
		},
	],
	[
		'embedded PGlite',
		(windowMs) =>
			new SqlRepeatGuard(embeddedStore({ folder: folder.path }), windowMs, testSchema()),
	],
];

describe.each(stores)('repeat guard on %s', (_name, open) => {
	it('claims a key once per window; another key is independent', async () => {
		const guard = open(60_000);
		const token = await guard.claim('alert_fired|inc-1|telegram|-100');
		expect(token).toMatch(/^[0-9a-f-]{36}$/);
		expect(await guard.claim('alert_fired|inc-1|telegram|-100')).toBeNull();
		expect(await guard.claim('alert_fired|inc-1|slack|#ops')).not.toBeNull();
		expect(await guard.claim('escalation|inc-1|telegram|-100')).not.toBeNull();
	});

	it('twenty executions claiming at once: exactly one wins', async () => {
		const guard = open(60_000);
		const tokens = await Promise.all(
			Array.from({ length: 20 }, () => guard.claim('race|inc-2|line|U1')),
		);
		expect(tokens.filter((t) => t !== null)).toHaveLength(1);
	});

	it('gives the key back only to the claim that holds it', async () => {
		const guard = open(60_000);
		const token = (await guard.claim('k|release'))!;
		await guard.release('k|release', 'not-the-token');
		expect(await guard.claim('k|release')).toBeNull();
		await guard.release('k|release', token);
		expect(await guard.claim('k|release')).not.toBeNull();
	});

	it('lets the key be claimed again once the window has passed', async () => {
		const guard = open(200);
		expect(await guard.claim('k|window')).not.toBeNull();
		await delay(500);
		expect(await guard.claim('k|window')).not.toBeNull();
	});
});

describe('sendToChannels with repeat suppression', () => {
	it('sends once per key and window, and sends again after a failed attempt', async () => {
		const service = await startFakeService({
			status: 200,
			body: { ok: true, result: { message_id: 3 } },
		});
		try {
			const schema = testSchema();
			cleanups.push(() => dropSchema(schema));
			const guard = new SqlRepeatGuard(postgresStore(postgresConnection()), 60_000, schema);
			const specs = [
				{
					channel: 'telegram' as const,
					credential: { accessToken: '7000000004:AAHsuppressionToken', baseUrl: service.url },
					target: { chatId: '-100' },
				},
			];
			const message = renderMessage('alert_fired', { labels: { alertname: 'X' } });
			const ctx = channelContext({
				http: fetchTransport,
				sleep: async () => undefined,
				retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 },
			});
			const send = () =>
				sendToChannels(specs, message, ctx, { guard, repeatKey: 'alert_fired|inc-9' });

			service.reply({ status: 500, body: { ok: false, description: 'Internal Server Error' } });
			expect((await send())[0]).toMatchObject({ delivered: false });
			expect((await send())[0]).toMatchObject({ delivered: true, messageId: '3' });
			const repeated = (await send())[0];
			expect(repeated).toMatchObject({
				delivered: false,
				suppressed: true,
				error: null,
				attempts: 0,
			});
			expect(service.requests).toHaveLength(2);
		} finally {
			await service.close();
		}
	});

	it('sends anyway, with a warning, when the store is down', async () => {
		const service = await startFakeService({
			status: 200,
			body: { ok: true, result: { message_id: 4 } },
		});
		try {
			const broken: RepeatGuard = {
				claim: async () => {
					throw new Error('Redis at 127.0.0.1:1 is unreachable: connect ECONNREFUSED');
				},
				release: async () => undefined,
			};
			const [result] = await sendToChannels(
				[
					{
						channel: 'telegram',
						credential: { accessToken: 'x'.repeat(10), baseUrl: service.url },
						target: { chatId: '1' },
					},
				],
				renderMessage('alert_fired', {}),
				channelContext({ http: fetchTransport }),
				{ guard: broken, repeatKey: 'k' },
			);
			expect(result).toMatchObject({
				delivered: true,
				warning:
					'repeat suppression skipped: Redis at 127.0.0.1:1 is unreachable: connect ECONNREFUSED',
			});
		} finally {
			await service.close();
		}
	});
});
