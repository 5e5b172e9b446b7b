// n8n 2.41.1 in queue mode as `AIOPS_QUEUE_WORKERS=2 npm start` runs it (scripts/queue-mode.mjs):
// main + one webhook processor + two workers, n8n's data in a Postgres database of its own,
// the queue and the anomaly store on a Redis of this test's own, incidents on a Postgres of this
// test's own (both restarted by the fault cases), the recovery of failed intake executions
// (scripts/queue-recovery.mjs) running beside it. One cluster for every case of this file.
//
// Each case sends a storm of 2,000 occurrences over 200 signatures (4,000+ alerts: HA pairs and
// re-sends) with 8 deliveries in flight, and ends with every occurrence counted once in Redis,
// aggregated once into exactly one open incident per signature in Postgres, and reported new
// once to the steps after Record Anomaly. AIOPS_QUEUE_KILL_RUNS=N repeats the kill case N times.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

import { RedisAnomalyStore } from '../../lib/anomaly';
import { closeRedisClients } from '../../lib/store';
import { parseAlertmanagerWebhook } from '../../lib/alerts';
import { ensureDatabase, queueSettings, startQueueCluster } from '../../scripts/queue-mode.mjs';
import { intakeRecovery } from '../../scripts/queue-recovery.mjs';
import { n8nRuntime, ownerEnv, packTarball } from '../../scripts/n8n-local.mjs';
import { startOwnPostgres, startOwnRedis, type OwnService } from '../support/ownServices';
import { intakeWorkflow, queueCredentials } from '../support/queueWorkflow';
import { alertStorm, sendStorm, type Storm } from '../support/storm';
import { DATABASE_URL } from '../support/stores';
import { OWNER } from './support/n8n';
import { startReceiver } from './support/receiver';

const TOKEN = 'queue-e2e-token';
const AUTH = `Bearer ${TOKEN}`;
const KILL_RUNS = Number(process.env.AIOPS_QUEUE_KILL_RUNS ?? 1);
// the bound: recovered within two minutes without a re-send (n8n itself needs ~45-75 s
// to fail the stalled job; generous on a loaded machine)
const RECOVERY_BOUND_MS = 120_000;

describe('n8n queue mode: main + webhook processor + 2 workers', () => {
	let redis: OwnService;
	let postgres: OwnService;
	let cluster: Awaited<ReturnType<typeof startQueueCluster>>;
	let recovery: ReturnType<typeof intakeRecovery>;
	let receiver: Awaited<ReturnType<typeof startReceiver>>;
	const folder = mkdtempSync(join(tmpdir(), 'aiops-queue-'));
	const n8nDatabase = `aiops_queue_${randomBytes(4).toString('hex')}`;
	const sharedDatabase = (name: string) => {
		const url = new URL(DATABASE_URL);
		url.pathname = `/${name}`;
		return url.href;
	};
	const n8nDatabaseUrl = sharedDatabase(n8nDatabase);
	const recoveryLog: string[] = [];

	beforeAll(async () => {
		[redis, postgres, receiver] = await Promise.all([
			startOwnRedis(),
			startOwnPostgres(),
			startReceiver(),
		]);
		await ensureDatabase(n8nDatabaseUrl);
		await ensureDatabase(`${postgres.url}/aiops`);
		const [runtime, tarball] = await Promise.all([n8nRuntime(), packTarball()]);
		cluster = await startQueueCluster({
			runtime,
			tarball,
			folder,
			workers: 2,
			settings: queueSettings({
				n8nDatabaseUrl,
				redisUrl: redis.url,
				bullPrefix: 'bull',
				encryptionKey: 'aiops-queue-e2e-key',
			}),
			extraEnv: {
				...ownerEnv(OWNER),
				N8N_LOG_LEVEL: 'warn',
				EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'none',
			},
			credentials: queueCredentials({
				token: TOKEN,
				redis: { host: '127.0.0.1', port: redis.port },
				postgres: { host: '127.0.0.1', port: postgres.port, database: 'aiops' },
			}),
			workflows: [intakeWorkflow(receiver.url)],
			webhooks: ['alertmanager'],
		});
		recovery = intakeRecovery({
			n8nDatabaseUrl,
			webhookBase: cluster.webhookUrl,
			authorization: AUTH,
			log: (m: string) => recoveryLog.push(`${new Date().toISOString()} ${m}`),
		});
		recovery.start(2_000);
	});

	afterAll(async () => {
		await recovery?.stop();
		await closeRedisClients();
		await cluster?.stop();
		await receiver?.close();
		await Promise.all([redis?.stop(), postgres?.stop()]);
		rmSync(folder, { recursive: true, force: true });
		const admin = new Client({ connectionString: sharedDatabase('postgres') });
		await admin.connect();
		await admin
			.query(`drop database if exists "${n8nDatabase}" with (force)`)
			.catch(() => undefined);
		await admin.end();
	});

	/** occurrence ids the workflow reported new, with how often each came */
	function reported(storm: CaseStorm): Map<string, number> {
		const counts = new Map<string, number>();
		for (const r of receiver.received) {
			for (const id of (r.body as { occurrence_id?: string[] }).occurrence_id ?? []) {
				if (!storm.occurrenceIds.has(id)) continue;
				counts.set(id, (counts.get(id) ?? 0) + 1);
			}
		}
		return counts;
	}

	async function waitForReports(storm: CaseStorm, timeoutMs: number) {
		const deadline = Date.now() + timeoutMs;
		while (reported(storm).size < storm.occurrences && Date.now() < deadline)
			await new Promise((r) => setTimeout(r, 1_000));
		return reported(storm);
	}

	/** the end state every case must reach: once, once, once, and one open incident per key */
	async function expectExact(storm: CaseStorm) {
		const counts = reported(storm);
		expect(counts.size).toBe(storm.occurrences);
		expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);

		const keys = storm.keys;
		const store = new RedisAnomalyStore(
			{ host: '127.0.0.1', port: redis.port, database: 0 },
			{ prefix: 'aiops:' },
		);
		const snaps = await store.snapshots(keys, Date.now());
		const perKey = keys.map((k) => {
			const s = snaps.get(k);
			return s instanceof Error ? -1 : s!.counts[0];
		});
		expect(perKey.filter((n) => n !== storm.occurrences / storm.signatures)).toEqual([]);

		const pg = new Client({ connectionString: `${postgres.url}/aiops` });
		await pg.connect();
		try {
			const { rows } = await pg.query(
				`select i.anomaly_key, count(*) filter (where i.status = 'open')::int as open,
				        (select count(*)::int from aiops.incident_occurrences o where o.anomaly_key = i.anomaly_key) as occurrences
				   from aiops.incidents i where i.anomaly_key = any($1) group by i.anomaly_key`,
				[keys],
			);
			expect(rows).toHaveLength(storm.signatures);
			expect(
				rows.filter((r) => r.open !== 1 || r.occurrences !== storm.occurrences / storm.signatures),
			).toEqual([]);
		} finally {
			await pg.end();
		}
	}

	type CaseStorm = Storm & { keys: string[]; occurrenceIds: Set<string> };

	function storm(tag: string): CaseStorm {
		const s = alertStorm({ tag });
		// the anomaly keys and occurrence ids of the storm's alerts, as the trigger computes them
		const keys = new Set<string>();
		const occurrenceIds = new Set<string>();
		for (const body of s.bodies)
			for (const alert of parseAlertmanagerWebhook(JSON.parse(body))) {
				keys.add(alert.anomaly_key);
				occurrenceIds.add(alert.occurrence_id);
			}
		expect(keys.size).toBe(s.signatures);
		expect(occurrenceIds.size).toBe(s.occurrences);
		return Object.assign(s, { keys: [...keys], occurrenceIds });
	}

	const send = (s: CaseStorm, onProgress?: (n: number) => void) =>
		sendStorm(`${cluster.webhookUrl}/webhook/alertmanager`, AUTH, s.bodies, {
			concurrency: 8,
			onProgress,
		});

	it('a storm without faults: every occurrence counted, aggregated and reported new exactly once', async () => {
		const s = storm('Plain');
		const sent = await send(s);
		expect(sent.accepted).toBe(s.bodies.length);
		await waitForReports(s, 180_000);
		await expectExact(s);
	});

	for (let run = 1; run <= KILL_RUNS; run++) {
		it(`kill -9 of a worker mid-storm (run ${run}/${KILL_RUNS}): recovered within two minutes without a re-send, then a re-send changes nothing`, async () => {
			const s = storm(`Kill${run}`);
			let killed: Promise<void> | undefined;
			let killedAt = 0;
			await send(s, (n) => {
				if (!killed && n >= s.bodies.length / 3) {
					killedAt = Date.now();
					killed = cluster.killWorker(1);
				}
			});
			await killed;
			const sentAt = Date.now();
			const counts = await waitForReports(s, RECOVERY_BOUND_MS + 30_000);
			const recoveredIn = Date.now() - killedAt;
			process.stdout.write(
				`[queue e2e] kill run ${run}: ${counts.size}/${s.occurrences} reported ${Math.round((Date.now() - sentAt) / 1000)} s after the storm, ${Math.round(recoveredIn / 1000)} s after the kill; recovery: ${JSON.stringify(recovery.stats)}\n`,
			);
			await expectExact(s);
			expect(recoveredIn).toBeLessThan(RECOVERY_BOUND_MS + (sentAt - killedAt));
			await cluster.startWorker(1);
			// Alertmanager re-sends everything afterwards: nothing changes
			const again = await send(s);
			expect(again.accepted).toBe(s.bodies.length);
			await new Promise((r) => setTimeout(r, 10_000));
			await expectExact(s);
		});
	}

	it('a restart of the Postgres store mid-storm ends exact', async () => {
		const s = storm('PgRestart');
		let restarted: Promise<void> | undefined;
		await send(s, (n) => {
			if (!restarted && n >= s.bodies.length / 3) restarted = postgres.restart(2_000);
		});
		await restarted;
		await waitForReports(s, RECOVERY_BOUND_MS);
		await expectExact(s);
	});

	it('a restart of Redis (queue and anomaly store) mid-storm ends exact', async () => {
		const s = storm('RedisRestart');
		let restarted: Promise<void> | undefined;
		await send(s, (n) => {
			if (!restarted && n >= s.bodies.length / 3) restarted = redis.restart(2_000);
		});
		await restarted;
		await waitForReports(s, RECOVERY_BOUND_MS);
		await expectExact(s);
	});
});
