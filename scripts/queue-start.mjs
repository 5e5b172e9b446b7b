// `AIOPS_QUEUE_WORKERS=N npm start`: the same start as scripts/start.mjs, in n8n's queue mode —
// main + one webhook processor + N workers (scripts/queue-mode.mjs) on the local Redis and
// Postgres, n8n's data in a database of its own (created if missing), the shipped workflows on
// the Redis/Postgres stores (scripts/workflow-stores.mjs), and the intake recovery
// (scripts/queue-recovery.mjs) beside them. Ctrl-C stops every process it started.
//
//   AIOPS_REDIS_URL     default redis://127.0.0.1:6379 (the queue and the Redis store)
//   AIOPS_POSTGRES_URL  default postgres://postgres@127.0.0.1:5432 (server of both databases)
//   AIOPS_N8N_DATABASE  default aiops_n8n (n8n's own data)   AIOPS_STORE_DATABASE default aiops
//   AIOPS_WEBHOOK_PORT  default N8N_PORT + 2 (the webhook processor; main keeps N8N_PORT)
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { ownerEnv, packTarball } from './n8n-local.mjs';
import { ensureDatabase, queueSettings, startQueueCluster } from './queue-mode.mjs';
import { intakeRecovery } from './queue-recovery.mjs';
import { repointUrls, switchStores } from './workflow-stores.mjs';

const REDIS_CREDENTIAL = { id: 'aiopsRedisStore1', name: 'AIOps Redis (queue mode)' };
const POSTGRES_CREDENTIAL = { id: 'aiopsPgStore0001', name: 'AIOps Postgres (queue mode)' };

function databaseUrl(server, name) {
	const url = new URL(server);
	url.pathname = `/${name}`;
	return url.href;
}

/** Runs until SIGINT/SIGTERM, then stops every process and exits; never returns. */
export async function runQueueMode({
	runtime,
	userFolder,
	host,
	port,
	secrets,
	credentials,
	workflows,
	publish,
	log,
}) {
	const workers = Number(process.env.AIOPS_QUEUE_WORKERS);
	if (!Number.isInteger(workers) || workers < 1) {
		log(
			`AIOPS_QUEUE_WORKERS must be a whole number of workers (1 or more), not "${process.env.AIOPS_QUEUE_WORKERS}"`,
		);
		process.exit(2);
	}
	const env = process.env;
	const redisUrl = env.AIOPS_REDIS_URL ?? 'redis://127.0.0.1:6379';
	const server = env.AIOPS_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
	const n8nDatabaseUrl = databaseUrl(server, env.AIOPS_N8N_DATABASE ?? 'aiops_n8n');
	const storeUrl = new URL(databaseUrl(server, env.AIOPS_STORE_DATABASE ?? 'aiops'));
	const webhookPort = Number(env.AIOPS_WEBHOOK_PORT ?? port + 2);

	// one encryption key for every process, kept with the other secrets of this data folder
	const keyFile = join(userFolder, 'aiops-queue-key');
	if (!existsSync(keyFile))
		writeFileSync(keyFile, randomBytes(24).toString('base64url'), { mode: 0o600 });
	const encryptionKey = readFileSync(keyFile, 'utf8').trim();

	log(
		`queue mode: n8n's data in ${n8nDatabaseUrl.replace(/\/\/[^@]*@/, '//')}, stores in Redis ${redisUrl} and Postgres ${storeUrl.pathname.slice(1)}`,
	);
	await ensureDatabase(n8nDatabaseUrl);
	await ensureDatabase(storeUrl.href);
	const redis = new URL(redisUrl);
	const storeCredentials = [
		{
			...REDIS_CREDENTIAL,
			type: 'aiopsRedisApi',
			data: {
				host: redis.hostname,
				port: Number(redis.port || 6379),
				database: Number(redis.pathname.slice(1) || 0),
				...(redis.password ? { password: decodeURIComponent(redis.password) } : {}),
			},
		},
		{
			...POSTGRES_CREDENTIAL,
			type: 'aiopsPostgresApi',
			data: {
				host: storeUrl.hostname,
				port: Number(storeUrl.port || 5432),
				database: storeUrl.pathname.slice(1),
				user: decodeURIComponent(storeUrl.username || 'postgres'),
				password: decodeURIComponent(storeUrl.password || ''),
				ssl: 'disable',
			},
		},
	];
	const webhookBase = `http://${host}:${webhookPort}`;
	const shared = workflows.map((wf) =>
		repointUrls(
			switchStores(wf, { redis: REDIS_CREDENTIAL, postgres: POSTGRES_CREDENTIAL }),
			`http://127.0.0.1:${port}/webhook/`,
			`${webhookBase}/webhook/`,
		),
	);
	log(`starting main + 1 webhook processor + ${workers} worker(s)`);
	const cluster = await startQueueCluster({
		runtime,
		tarball: await packTarball(),
		folder: join(userFolder, 'queue'),
		workers,
		host,
		mainPort: port,
		webhookPort,
		settings: queueSettings({ n8nDatabaseUrl, redisUrl, bullPrefix: 'aiops-bull', encryptionKey }),
		extraEnv: { N8N_LOG_LEVEL: env.N8N_LOG_LEVEL ?? 'info', ...ownerEnv(secrets.owner) },
		credentials: [...credentials, ...storeCredentials],
		workflows: shared,
		publish,
		echo: (line) => process.stdout.write(`${line}\n`),
	});
	const recovery = intakeRecovery({
		n8nDatabaseUrl,
		webhookBase,
		authorization: `Bearer ${secrets.alertmanagerToken}`,
		log: (m) => log(`recovery: ${m}`),
	});
	recovery.start();

	log(
		`n8n (queue mode) is running: open ${cluster.mainUrl}/ and sign in as ${secrets.owner.email} / ${secrets.owner.password}`,
	);
	log(`Alertmanager posts to the webhook processor: ${webhookBase}/webhook/alertmanager`);
	log(`  with the header  Authorization: Bearer ${secrets.alertmanagerToken}`);
	for (const wf of shared)
		for (const node of wf.nodes ?? [])
			if (node.webhookId && node.parameters?.path)
				log(`  ${wf.name} → ${node.name}: POST ${webhookBase}/webhook/${node.parameters.path}`);

	let stopping = false;
	const stop = async (code) => {
		if (stopping) return;
		stopping = true;
		log('stopping every n8n process of the queue-mode start');
		await recovery.stop().catch(() => undefined);
		await cluster.stop();
		process.exit(code);
	};
	for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stop(0));
	for (const proc of Object.values(cluster.procs))
		proc.child.on('exit', (code, signal) => {
			if (!stopping) log(`n8n ${proc.role} exited (${signal ?? code}); the others keep running`);
		});
	await new Promise(() => undefined);
}
