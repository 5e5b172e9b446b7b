// npm run bench:core — throughput of the stateful core on the local Redis and Postgres, each
// against a baseline measured in the same run:
//   Record Occurrence (1000-item batches)  vs  the seed AnomalyCounter's algorithm (one alert at
//   a time, its command sequence)  and  raw pipelined ZADD (the floor: one command per alert);
//   Open or Join (1000-item batches)  vs  raw single-statement upserts of the same batches;
//   issue 15's floors: every alert a different signature vs raw pipelined ZADD of as many keys,
//   Open or Join vs a batched 1000-row upsert, and a single alert vs one raw upsert round trip.
// Uses its own key prefix and schema and removes them afterwards. Not a test: it prints figures.
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { Client } from 'pg';

import {
	DEFAULT_THRESHOLDS,
	RedisAnomalyStore,
	SqlAnomalyStore,
	recordOccurrences,
	type AnomalyStore,
} from '../lib/anomaly';
import { SqlIncidentStore, openOrJoinItems } from '../lib/incidents';
import {
	closePostgresPools,
	closeRedisClients,
	postgresStore,
	type RedisConnection,
} from '../lib/store';
import { deletePrefix } from '../test/support/stores';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const BATCH = 1000;
const KEYS_PER_BATCH = Number(process.env.BENCH_KEYS ?? 50);
const BATCHES = Number(process.env.BENCH_BATCHES ?? 20);
const SEED_ALERTS = Number(process.env.BENCH_SEED_ALERTS ?? 2000);

const run = randomBytes(4).toString('hex');
const prefix = `bench:${run}:`;
const schema = `bench_${run}`;
const NOW = Date.now();

function redisConnection(): RedisConnection {
	const u = new URL(REDIS_URL);
	return {
		host: u.hostname,
		port: Number(u.port || 6379),
		password: u.password || undefined,
		database: Number(u.pathname.slice(1) || 0),
	};
}

let sequence = 0;
/** One batch of Alertmanager Trigger items: BATCH new occurrences over KEYS_PER_BATCH keys. */
function batch(keys = KEYS_PER_BATCH): Record<string, unknown>[] {
	return Array.from({ length: BATCH }, (_, i) => {
		const n = sequence++;
		return {
			status: 'firing',
			anomaly_key: `k${i % keys}`,
			occurrence_id: `fp${n}@2026`,
			alert_fingerprint: `fp${n}`,
			startsAt: new Date(NOW - (n % 3_600_000)).toISOString(),
			labels: {
				alertname: 'KubePodCrashLooping',
				namespace: 'payments',
				pod: `checkout-6f7b9c-${n}`,
				severity: 'critical',
			},
			annotations: { summary: 'checkout is crash-looping' },
		};
	});
}

async function timed(label: string, units: number, fn: () => Promise<void>): Promise<number> {
	const start = process.hrtime.bigint();
	await fn();
	const seconds = Number(process.hrtime.bigint() - start) / 1e9;
	const rate = units / seconds;
	console.log(
		`  ${label.padEnd(58)} ${Math.round(rate).toString().padStart(9)} /s  (${units} in ${seconds.toFixed(2)} s)`,
	);
	return rate;
}

async function recordBatches(store: AnomalyStore, keys = KEYS_PER_BATCH): Promise<void> {
	for (let b = 0; b < BATCHES; b++) {
		const out = await recordOccurrences(store, batch(keys), {
			now: NOW,
			retentionDays: 30,
			thresholds: DEFAULT_THRESHOLDS,
			// the default of Record Anomaly 1.1: each new occurrence is claimed until handled
			claimLeaseSeconds: 600,
		});
		if (out.some((o) => !('ok' in o) || o.ok.duplicate))
			throw new Error('bench: an occurrence was not recorded');
	}
}

/** The seed AnomalyCounter.record_anomaly: one alert at a time, each command awaited. */
async function seedRecordAnomaly(redis: Redis, key: string, now: number): Promise<void> {
	const timeline = `${prefix}seed:timeline:${key}`;
	const ts = now / 1000;
	await redis.zadd(timeline, ts, String(ts));
	await redis.zremrangebyscore(timeline, '-inf', ts - 30 * 86400);
	await redis.expire(timeline, 35 * 86400);
	await redis.zcount(timeline, ts - 3600, '+inf');
	await redis.zcount(timeline, ts - 86400, '+inf');
	await redis.zcount(timeline, ts - 7 * 86400, '+inf');
	await redis.zcount(timeline, ts - 30 * 86400, '+inf');
	await redis.zrange(timeline, 0, 0, 'WITHSCORES');
	await redis.zrange(timeline, -1, -1, 'WITHSCORES');
	await redis.get(`${prefix}seed:repair_count:${key}`);
	await redis.get(`${prefix}seed:permanent_fix:${key}`);
	const metadata = `${prefix}seed:metadata:${key}`;
	if (!(await redis.exists(metadata))) {
		await redis.hset(metadata, { signature: '{}', first_seen: new Date(now).toISOString() });
		await redis.expire(metadata, 35 * 86400);
	}
}

async function main(): Promise<void> {
	console.log(
		`bench:core — ${BATCHES} batches of ${BATCH} alerts over ${KEYS_PER_BATCH} keys per batch; Redis ${REDIS_URL}, Postgres ${DATABASE_URL}`,
	);
	const redis = new Redis(REDIS_URL);
	const pg = new Client({ connectionString: DATABASE_URL });
	await pg.connect();
	const u = new URL(DATABASE_URL);
	const sql = postgresStore({
		host: u.hostname,
		port: Number(u.port || 5432),
		database: u.pathname.slice(1),
		user: decodeURIComponent(u.username || 'postgres'),
		password: u.password || undefined,
	});
	try {
		console.log('Redis');
		const redisStore = new RedisAnomalyStore(redisConnection(), { prefix });
		await recordBatches(redisStore); // warm-up: scripts loaded, keys exist
		const record = await timed(
			'Record Occurrence (this package, 1000-item batches)',
			BATCH * BATCHES,
			() => recordBatches(redisStore),
		);
		const recordWorst = await timed(
			'Record Occurrence, every alert a different key',
			BATCH * BATCHES,
			() => recordBatches(redisStore, BATCH),
		);
		const seed = await timed(
			'seed algorithm (one alert at a time, 12 commands)',
			SEED_ALERTS,
			async () => {
				for (let i = 0; i < SEED_ALERTS; i++)
					await seedRecordAnomaly(redis, `k${i % KEYS_PER_BATCH}`, NOW + i);
			},
		);
		const zadd = await timed(
			'raw pipelined ZADD (floor: one command per alert)',
			BATCH * BATCHES,
			async () => {
				for (let b = 0; b < BATCHES; b++) {
					const p = redis.pipeline();
					for (let i = 0; i < BATCH; i++)
						p.zadd(`${prefix}raw:{k${i % KEYS_PER_BATCH}}`, NOW + i, `m${b}-${i}`);
					await p.exec();
				}
			},
		);

		const zaddDistinct = await timed(
			'raw pipelined ZADD, every alert a different key (floor)',
			BATCH * BATCHES,
			async () => {
				for (let b = 0; b < BATCHES; b++) {
					const p = redis.pipeline();
					for (let i = 0; i < BATCH; i++) p.zadd(`${prefix}raw:{d${i}}`, NOW + i, `m${b}-${i}`);
					await p.exec();
				}
			},
		);

		console.log('Postgres');
		const sqlAnomaly = new SqlAnomalyStore(sql, { schema });
		await recordBatches(sqlAnomaly);
		const recordPg = await timed(
			'Record Occurrence (this package, 1000-item batches)',
			BATCH * BATCHES,
			() => recordBatches(sqlAnomaly),
		);

		const incidents = new SqlIncidentStore(sql, { schema });
		const openOrJoin = async (keys = KEYS_PER_BATCH) => {
			for (let b = 0; b < BATCHES; b++) {
				const out = await openOrJoinItems(incidents, batch(keys), {
					now: NOW,
					windowMinutes: 10,
					resolvedItems: 'resolve',
				});
				if (out.some((o) => !('ok' in o))) throw new Error('bench: an item failed');
			}
		};
		await openOrJoin();
		const incidentRate = await timed(
			'Open or Join (this package, 1000-item batches)',
			BATCH * BATCHES,
			() => openOrJoin(),
		);
		await openOrJoin(BATCH);
		const incidentDistinct = await timed(
			'Open or Join, every alert a different key',
			BATCH * BATCHES,
			() => openOrJoin(BATCH),
		);
		const singles = Math.min(BATCH * BATCHES, 2000);
		const incidentSingle = await timed('Open or Join, one alert per call', singles, async () => {
			for (let i = 0; i < singles; i++) {
				const [one] = batch().slice(0, 1);
				const out = await openOrJoinItems(incidents, [one], {
					now: NOW,
					windowMinutes: 10,
					resolvedItems: 'resolve',
				});
				if (!('ok' in out[0])) throw new Error('bench: an item failed');
			}
		});
		await pg.query(
			`create table "${schema}".raw_incidents (anomaly_key text primary key, aggregated_count int, last_seen_at timestamptz)`,
		);
		const rawUpsert = async () => {
			for (let b = 0; b < BATCHES; b++) {
				const keys = batch().map((i) => i.anomaly_key as string);
				await pg.query(
					`insert into "${schema}".raw_incidents as r (anomaly_key, aggregated_count, last_seen_at)
					select k, count(*), now() from unnest($1::text[]) as k group by k
					on conflict (anomaly_key) do update set aggregated_count = r.aggregated_count + excluded.aggregated_count,
						last_seen_at = excluded.last_seen_at`,
					[keys],
				);
			}
		};
		await rawUpsert();
		const raw = await timed(
			"raw single statement: upsert the batch's counters (50 rows)",
			BATCH * BATCHES,
			rawUpsert,
		);
		await pg.query(
			`create table "${schema}".raw_occurrences (anomaly_key text, occurrence_id text, primary key (anomaly_key, occurrence_id))`,
		);
		const rawDedupUpsert = async () => {
			for (let b = 0; b < BATCHES; b++) {
				const items = batch();
				await pg.query(
					`with ins as (
						insert into "${schema}".raw_occurrences select * from unnest($1::text[], $2::text[])
						on conflict do nothing returning anomaly_key
					)
					insert into "${schema}".raw_incidents as r (anomaly_key, aggregated_count, last_seen_at)
					select anomaly_key, count(*), now() from ins group by anomaly_key
					on conflict (anomaly_key) do update set aggregated_count = r.aggregated_count + excluded.aggregated_count,
						last_seen_at = excluded.last_seen_at`,
					[items.map((i) => i.anomaly_key), items.map((i) => i.occurrence_id)],
				);
			}
		};
		await rawDedupUpsert();
		const rawDedup = await timed(
			'raw single statement: insert each alert + upsert counters',
			BATCH * BATCHES,
			rawDedupUpsert,
		);
		const rawRows = await timed(
			'raw batched 1000-row upsert, one statement per batch (floor)',
			BATCH * BATCHES,
			async () => {
				for (let b = 0; b < BATCHES; b++) {
					await pg.query(
						`insert into "${schema}".raw_incidents as r (anomaly_key, aggregated_count, last_seen_at)
						select k, 1, now() from unnest($1::text[]) as k
						on conflict (anomaly_key) do update set aggregated_count = r.aggregated_count + 1,
							last_seen_at = excluded.last_seen_at`,
						[Array.from({ length: BATCH }, (_, i) => `row${i}`)],
					);
				}
			},
		);
		const rowUpserts = Math.min(BATCH * BATCHES, 5000);
		const rawRow = await timed(
			'raw upsert statement per alert (one round trip each)',
			rowUpserts,
			async () => {
				for (let i = 0; i < rowUpserts; i++) {
					await pg.query(
						`insert into "${schema}".raw_incidents as r (anomaly_key, aggregated_count, last_seen_at) values ($1, 1, now())
					on conflict (anomaly_key) do update set aggregated_count = r.aggregated_count + 1, last_seen_at = now()`,
						[`k${i % KEYS_PER_BATCH}`],
					);
				}
			},
		);

		const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
		console.log('Ratios');
		console.log(
			`  Record Occurrence (Redis) / seed algorithm          ${ratio(record, seed)}   (target ≥ 20×)`,
		);
		console.log(
			`  Record Occurrence (Redis) / raw pipelined ZADD      ${ratio(record, zadd)}   (target ≥ 0.3×)`,
		);
		console.log(
			`  … every alert a different key / raw pipelined ZADD  ${ratio(recordWorst, zadd)}`,
		);
		console.log(
			`  … every alert a different key / ZADD as many keys   ${ratio(recordWorst, zaddDistinct)}   (target ≥ 0.5×)`,
		);
		console.log(`  Record Occurrence (Postgres) / seed algorithm       ${ratio(recordPg, seed)}`);
		console.log(
			`  Open or Join / batched 1000-row upsert              ${ratio(incidentRate, rawRows)}   (target ≥ 0.2×)`,
		);
		console.log(
			`  … every alert a different key / 1000-row upsert     ${ratio(incidentDistinct, rawRows)}   (target ≥ 0.2×)`,
		);
		console.log(
			`  Open or Join, one alert / one raw upsert round trip ${ratio(incidentSingle, rawRow)}   (target ≥ 0.9×)`,
		);
		console.log(
			`  Open or Join / raw upsert per alert (single stmt)   ${ratio(incidentRate, rawRow)}   (target ≥ 0.3×)`,
		);
		console.log(
			`  Open or Join / raw insert-each + upsert statement   ${ratio(incidentRate, rawDedup)}`,
		);
		console.log(
			`  Open or Join / raw batch upsert of counters only    ${ratio(incidentRate, raw)}`,
		);
	} finally {
		// clean up even if a step failed, and always let the process end
		await deletePrefix(prefix).catch((e) => console.error('cleanup (Redis):', e.message));
		await pg
			.query(`drop schema if exists "${schema}" cascade`)
			.catch((e) => console.error('cleanup (Postgres):', e.message));
		redis.disconnect();
		await pg.end().catch(() => undefined);
		await closeRedisClients();
		await closePostgresPools();
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
