// Recovery of alert intake executions that n8n's queue mode fails without retrying.
//
// What n8n 2.41.1 does (read in its source, measured in test/e2e/queue.e2e.test.ts): the webhook
// processor runs the trigger, saves the execution (status `new`, the trigger's items in its data)
// and queues a Bull job. A worker killed mid-execution stops renewing the job's lock; Bull runs
// with maxStalledCount 0, so the job is failed ("job stalled more than maxStalledCount"), the
// webhook processor waits a 30 s grace window and then saves the execution as `error` with EMPTY
// run data: the alerts it carried are gone from n8n. An execution that fails in a node (a store
// restarted mid-storm) keeps its data but is not retried either.
//
// The recovery (one small process next to n8n, reading n8n's own database):
//   1. snapshot: every intake execution (a workflow with an Alertmanager Trigger) that is still
//      `new`/`running` a few seconds after it was created has its trigger items copied into
//      aiops_recovery.intake_snapshot — in time, since n8n keeps them ≥ 45 s after a crash;
//   2. verdict: a snapshot whose execution succeeded (or is waiting) is dropped; one whose
//      execution ended `error`/`crashed` — and every recent failed intake execution that still
//      has its trigger items — is re-driven once: its alerts are posted again to the intake
//      webhook, as Alertmanager would on a re-send. Intake is idempotent (an occurrence counts
//      once; one recorded but not handled goes on once), so a re-drive is safe.
// A delivery's alerts are re-driven at most `maxAttempts` times (a payload that fails every time
// is not looped on). Claims are atomic in SQL, so several recovery processes never double.
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import pg from 'pg';

const TRIGGER_TYPE = 'n8n-nodes-aiops.alertmanagerTrigger';
const SCHEMA = 'aiops_recovery';

/** n8n stores execution data with `flatted`: objects and strings by index into one array. */
export function parseFlatted(text) {
	const input = JSON.parse(text);
	const revived = new Set();
	const revive = (obj) => {
		if (revived.has(obj)) return obj;
		revived.add(obj);
		for (const key of Object.keys(obj)) {
			const value = obj[key];
			if (typeof value !== 'string') continue;
			const target = input[Number(value)];
			obj[key] = target;
			if (target && typeof target === 'object') revive(target);
		}
		return obj;
	};
	const root = input[0];
	return root && typeof root === 'object' ? revive(root) : root;
}

/** The trigger node of an intake workflow, or undefined. */
function intakeTrigger(workflowData) {
	return (workflowData?.nodes ?? []).find((n) => n.type === TRIGGER_TYPE && !n.disabled);
}

/** The trigger's output items in stored execution data (queued, running, or failed in a node). */
export function triggerItems(data, trigger) {
	const ran = data?.resultData?.runData?.[trigger.name]?.[0]?.data?.main?.[0];
	if (Array.isArray(ran) && ran.length) return ran.map((i) => i.json);
	for (const entry of data?.executionData?.nodeExecutionStack ?? []) {
		if (entry?.node?.name !== trigger.name) continue;
		const queued = entry.data?.main?.[0];
		if (Array.isArray(queued) && queued.length) return queued.map((i) => i.json);
	}
	return [];
}

/** An Alertmanager webhook (version 4) carrying the alerts of trigger items again. */
export function deliveryFromItems(items) {
	const first = items[0] ?? {};
	return {
		version: '4',
		status: items.some((i) => i.status === 'firing') ? 'firing' : 'resolved',
		receiver: first.receiver ?? '',
		groupKey: first.groupKey ?? '',
		groupLabels: first.groupLabels ?? {},
		commonLabels: {},
		commonAnnotations: {},
		externalURL: first.externalURL ?? '',
		truncatedAlerts: 0,
		alerts: items.map((i) => ({
			status: i.status,
			labels: i.labels,
			annotations: i.annotations ?? {},
			startsAt: i.startsAt,
			endsAt: i.endsAt,
			generatorURL: i.generatorURL ?? '',
			fingerprint: i.fingerprint ?? '',
		})),
	};
}

const MIGRATION = `
create schema if not exists ${SCHEMA};
create table if not exists ${SCHEMA}.intake_snapshot (
	execution_id text primary key,
	webhook_path text not null,
	delivery jsonb not null,
	delivery_hash text not null,
	taken_at timestamptz not null default now(),
	redriven_at timestamptz
);
create index if not exists intake_snapshot_pending on ${SCHEMA}.intake_snapshot (taken_at) where redriven_at is null;
create index if not exists intake_snapshot_hash on ${SCHEMA}.intake_snapshot (delivery_hash);`;

/**
 * A recovery loop over n8n's database `n8nDatabaseUrl` (schema `n8nSchema`), re-driving to
 * `webhookBase` (the webhook processor) with `authorization` (the receiver credential's header).
 */
export function intakeRecovery({
	n8nDatabaseUrl,
	n8nSchema = 'public',
	webhookBase,
	authorization,
	snapshotAfterMs = 2_000,
	lookBackMinutes = 15,
	maxAttempts = 3,
	log = () => undefined,
}) {
	const pool = new pg.Pool({ connectionString: n8nDatabaseUrl, max: 2 });
	const t = (name) => `"${n8nSchema}"."${name}"`;
	let migrated;
	const stats = { snapshots: 0, redriven: 0, dropped: 0 };

	async function snapshotRunning() {
		const { rows } = await pool.query(
			`select e.id::text as id, e.status, d.data, d."workflowData" as wf
			   from ${t('execution_entity')} e join ${t('execution_data')} d on d."executionId" = e.id
			  where e.status in ('new', 'running')
			    and e."createdAt" < now() - make_interval(secs => $1::float8 / 1000)
			    and d."workflowData"::text like '%' || $2 || '%'
			    and not exists (select 1 from ${SCHEMA}.intake_snapshot s where s.execution_id = e.id::text)`,
			[snapshotAfterMs, TRIGGER_TYPE],
		);
		for (const row of rows) await keep(row);
	}

	async function keep(row, failed = false) {
		const workflow = typeof row.wf === 'string' ? JSON.parse(row.wf) : row.wf;
		const trigger = intakeTrigger(workflow);
		if (!trigger) return;
		let items = [];
		try {
			items = triggerItems(parseFlatted(row.data), trigger);
		} catch (error) {
			log(`execution ${row.id}: its data could not be read (${error.message})`);
		}
		if (!items.length) return;
		const delivery = deliveryFromItems(items);
		const hash = createHash('sha256').update(JSON.stringify(delivery.alerts)).digest('hex');
		const inserted = await pool.query(
			`insert into ${SCHEMA}.intake_snapshot (execution_id, webhook_path, delivery, delivery_hash)
			 values ($1, $2, $3, $4) on conflict do nothing`,
			[row.id, trigger.parameters?.path ?? '', JSON.stringify(delivery), hash],
		);
		if (inserted.rowCount) stats.snapshots++;
		if (failed)
			log(`execution ${row.id} failed with its items kept: ${items.length} alert(s) to re-drive`);
	}

	/** failed intake executions n8n kept the items of (a node failed, e.g. a store restart) */
	async function snapshotFailed() {
		const { rows } = await pool.query(
			`select e.id::text as id, e.status, d.data, d."workflowData" as wf
			   from ${t('execution_entity')} e join ${t('execution_data')} d on d."executionId" = e.id
			  where e.status in ('error', 'crashed')
			    and e."stoppedAt" > now() - make_interval(mins => $1)
			    and d."workflowData"::text like '%' || $2 || '%'
			    and not exists (select 1 from ${SCHEMA}.intake_snapshot s where s.execution_id = e.id::text)`,
			[lookBackMinutes, TRIGGER_TYPE],
		);
		for (const row of rows) await keep(row, true);
	}

	async function settle() {
		// executions that finished well (or wait for an approval) need nothing
		const dropped = await pool.query(
			`delete from ${SCHEMA}.intake_snapshot s using ${t('execution_entity')} e
			  where s.execution_id = e.id::text and s.redriven_at is null
			    and e.status in ('success', 'waiting', 'canceled')`,
		);
		stats.dropped += dropped.rowCount;
		// failed ones: claim atomically, then post the alerts again
		const { rows } = await pool.query(
			`update ${SCHEMA}.intake_snapshot s set redriven_at = now()
			   from ${t('execution_entity')} e
			  where s.execution_id = e.id::text and s.redriven_at is null
			    and e.status in ('error', 'crashed')
			    and (select count(*) from ${SCHEMA}.intake_snapshot o
			          where o.delivery_hash = s.delivery_hash and o.redriven_at is not null) < $1
			 returning s.execution_id, s.webhook_path, s.delivery`,
			[maxAttempts],
		);
		for (const row of rows) {
			try {
				const res = await fetch(`${webhookBase}/webhook/${row.webhook_path}`, {
					method: 'POST',
					headers: {
						'content-type': 'application/json',
						...(authorization ? { authorization } : {}),
					},
					body: JSON.stringify(row.delivery),
				});
				if (!res.ok) throw new Error(`HTTP ${res.status} ${await res.text()}`);
				stats.redriven++;
				log(
					`re-drove the ${row.delivery.alerts.length} alert(s) of failed execution ${row.execution_id}`,
				);
			} catch (error) {
				// not delivered: release the claim, the next round tries again
				await pool.query(
					`update ${SCHEMA}.intake_snapshot set redriven_at = null where execution_id = $1`,
					[row.execution_id],
				);
				log(`re-drive of execution ${row.execution_id} failed: ${error.message}`);
			}
		}
		await pool.query(
			`delete from ${SCHEMA}.intake_snapshot where taken_at < now() - make_interval(mins => $1)`,
			[lookBackMinutes * 4],
		);
	}

	async function round() {
		migrated ??= pool.query(MIGRATION).catch((error) => {
			migrated = undefined;
			throw error;
		});
		await migrated;
		await snapshotRunning();
		await snapshotFailed();
		await settle();
	}

	let timer;
	let running = false;
	return {
		stats,
		round,
		start(intervalMs = 3_000) {
			const tick = async () => {
				if (!running) {
					running = true;
					await round().catch((error) => log(`recovery round failed: ${error.message}`));
					running = false;
				}
				timer = setTimeout(tick, intervalMs);
			};
			timer = setTimeout(tick, 0);
		},
		async stop() {
			clearTimeout(timer);
			while (running) await new Promise((r) => setTimeout(r, 50));
			await pool.end();
		},
	};
}

// `node scripts/queue-recovery.mjs` — the recovery as its own process (deploy/ runs it this way):
// AIOPS_N8N_DATABASE_URL, AIOPS_WEBHOOK_BASE, AIOPS_RECEIVER_AUTHORIZATION (e.g. "Bearer …").
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	const env = process.env;
	for (const name of ['AIOPS_N8N_DATABASE_URL', 'AIOPS_WEBHOOK_BASE']) {
		if (!env[name]) {
			process.stderr.write(`queue-recovery: set ${name}\n`);
			process.exit(2);
		}
	}
	const recovery = intakeRecovery({
		n8nDatabaseUrl: env.AIOPS_N8N_DATABASE_URL,
		n8nSchema: env.DB_POSTGRESDB_SCHEMA || 'public',
		webhookBase: env.AIOPS_WEBHOOK_BASE.replace(/\/$/, ''),
		authorization: env.AIOPS_RECEIVER_AUTHORIZATION,
		log: (msg) => process.stdout.write(`[aiops recovery] ${msg}\n`),
	});
	recovery.start(Number(env.AIOPS_RECOVERY_INTERVAL_MS || 3000));
	for (const signal of ['SIGINT', 'SIGTERM'])
		process.on(signal, () => recovery.stop().then(() => process.exit(0)));
}
