// n8n in queue mode on this machine: a main process (editor, schedules, webhook registration),
// one webhook processor (`n8n webhook`, answers the production webhooks) and N workers
// (`n8n worker`, run the executions from the Redis queue), all on one Postgres database for n8n's
// own data and one Redis for the queue. Used by `AIOPS_QUEUE_WORKERS=N npm start`
// (scripts/start.mjs), the queue e2e tests and bench/queue.
//
// Every process gets its own user folder with the package installed (each scans its own
// <user folder>/.n8n/nodes), its own event log (N8N_EVENTBUS_LOGWRITER_LOGFULLPATH: a restarted
// worker would otherwise mark another's running executions crashed) and its own task-runner
// broker port; all share N8N_ENCRYPTION_KEY.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';

import { importAndPublish, installCommunityPackage, n8nEnv } from './n8n-local.mjs';

/** A free local port (bound, released, handed over). */
export async function freePort() {
	const server = createServer();
	await new Promise((r) => server.listen(0, '127.0.0.1', r));
	const { port } = server.address();
	await new Promise((r) => server.close(r));
	return port;
}

/** Creates the database named in `url` if it does not exist (connecting to `postgres`). */
export async function ensureDatabase(url) {
	const target = new URL(url);
	const name = decodeURIComponent(target.pathname.slice(1));
	if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
	const admin = new URL(url);
	admin.pathname = '/postgres';
	const client = new pg.Client({ connectionString: admin.href });
	await client.connect();
	try {
		const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
		if (!rowCount)
			await client.query(`create database "${name}"`).catch((error) => {
				if (error.code !== '42P04') throw error; // created meanwhile
			});
	} finally {
		await client.end();
	}
}

/** n8n's settings for its own data in Postgres and its queue in Redis. */
export function queueSettings({ n8nDatabaseUrl, redisUrl, bullPrefix, encryptionKey }) {
	const db = new URL(n8nDatabaseUrl);
	const redis = new URL(redisUrl);
	return {
		EXECUTIONS_MODE: 'queue',
		N8N_ENCRYPTION_KEY: encryptionKey,
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: db.hostname,
		DB_POSTGRESDB_PORT: db.port || '5432',
		DB_POSTGRESDB_DATABASE: decodeURIComponent(db.pathname.slice(1)),
		DB_POSTGRESDB_USER: decodeURIComponent(db.username || 'postgres'),
		DB_POSTGRESDB_PASSWORD: decodeURIComponent(db.password || ''),
		QUEUE_BULL_REDIS_HOST: redis.hostname,
		QUEUE_BULL_REDIS_PORT: redis.port || '6379',
		QUEUE_BULL_REDIS_DB: redis.pathname.slice(1) || '0',
		...(redis.password ? { QUEUE_BULL_REDIS_PASSWORD: decodeURIComponent(redis.password) } : {}),
		QUEUE_BULL_PREFIX: bullPrefix,
		// production webhooks are answered by the webhook processor only
		N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
	};
}

function spawnN8n({ runtime, role, env, echo }) {
	const command = role === 'main' ? 'start' : role.replace(/-\d+$/, '');
	const child = spawn(runtime.node, [runtime.n8n, command], {
		env,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	const keep = (d) => {
		output = (output + d).slice(-400_000);
		if (echo) for (const line of String(d).split('\n')) if (line) echo(`[${role}] ${line}`);
	};
	child.stdout.on('data', keep);
	child.stderr.on('data', keep);
	const exited = new Promise((resolve) => child.once('exit', resolve));
	return { role, child, exited, logs: () => output };
}

async function stopProcess(proc, signal = 'SIGTERM') {
	if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
	proc.child.kill(signal);
	const killer = setTimeout(() => proc.child.kill('SIGKILL'), 20_000);
	await proc.exited;
	clearTimeout(killer);
}

async function waitFor(what, check, { timeoutMs = 240_000, procs = [] } = {}) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (await check().catch(() => false)) return;
		const dead = procs.find((p) => p.child.exitCode !== null);
		if (dead)
			throw new Error(
				`n8n ${dead.role} exited while waiting for ${what}:\n${dead.logs().slice(-3000)}`,
			);
		await new Promise((r) => setTimeout(r, 300));
	}
	const tails = procs.map((p) => `--- ${p.role}\n${p.logs().slice(-1500)}`).join('\n');
	throw new Error(`timed out waiting for ${what}\n${tails}`);
}

const answers = (url) => fetch(url).then((r) => r.ok);

/**
 * Starts main + one webhook processor + `workers` workers. `folder` holds one user folder per
 * process; `webhooks` are production webhook paths to wait for on the webhook processor.
 * Returns the URLs, the processes and `stop()`, `killWorker(i)`, `startWorker(i)`.
 */
export async function startQueueCluster({
	runtime,
	tarball,
	folder,
	workers = 2,
	host = '127.0.0.1',
	mainPort,
	webhookPort,
	settings,
	extraEnv = {},
	credentials = [],
	workflows = [],
	publish = () => true,
	webhooks = [],
	echo,
}) {
	mainPort ??= await freePort();
	webhookPort ??= await freePort();
	const webhookBase = `http://${host}:${webhookPort}`;
	const roles = [
		'main',
		'webhook',
		...Array.from({ length: workers }, (_, i) => `worker-${i + 1}`),
	];
	const envs = {};
	for (const role of roles) {
		const userFolder = join(folder, role);
		mkdirSync(userFolder, { recursive: true });
		await installCommunityPackage(userFolder, tarball);
		const port = role === 'main' ? mainPort : role === 'webhook' ? webhookPort : await freePort();
		const env = n8nEnv({ userFolder, port, brokerPort: await freePort(), host, extra: {} });
		envs[role] = {
			...env,
			...settings,
			// resume links of send-and-wait and every production URL name the webhook processor
			WEBHOOK_URL: `${webhookBase}/`,
			N8N_EDITOR_BASE_URL: `http://${host}:${mainPort}/`,
			N8N_EVENTBUS_LOGWRITER_LOGFULLPATH: join(userFolder, `n8nEventLog-${role}.log`),
			...(role.startsWith('worker')
				? {
						QUEUE_HEALTH_CHECK_ACTIVE: 'true',
						QUEUE_HEALTH_CHECK_PORT: String(port),
						N8N_WORKER_SERVER_ADDRESS: host,
					}
				: {}),
			...extraEnv,
		};
	}
	// import into the shared database before anything runs (publishing needs a restart otherwise)
	await importAndPublish({ runtime, env: envs.main, credentials, workflows, publish });

	const procs = {};
	const cluster = {
		mainUrl: `http://${host}:${mainPort}`,
		webhookUrl: webhookBase,
		procs,
		envs,
		logs: () =>
			Object.values(procs)
				.map((p) => `--- ${p.role}\n${p.logs().slice(-3000)}`)
				.join('\n'),
		async stop() {
			await Promise.all(Object.values(procs).map((p) => stopProcess(p)));
		},
		/** kill -9 of a worker, as a crash would */
		async killWorker(index) {
			const proc = procs[`worker-${index}`];
			proc.child.kill('SIGKILL');
			await proc.exited;
		},
		/** a worker stopped the way Kubernetes stops a pod (SIGTERM: it finishes what it runs) */
		async stopWorker(index) {
			await stopProcess(procs[`worker-${index}`]);
		},
		async startWorker(index) {
			const role = `worker-${index}`;
			procs[role] = spawnN8n({ runtime, role, env: envs[role], echo });
			await waitFor(
				`${role} health`,
				() => answers(`http://${host}:${envs[role].QUEUE_HEALTH_CHECK_PORT}/healthz`),
				{
					procs: [procs[role]],
				},
			);
		},
	};
	try {
		procs.main = spawnN8n({ runtime, role: 'main', env: envs.main, echo });
		// main runs the migrations; the others start once the schema is there
		await waitFor('main /healthz', () => answers(`${cluster.mainUrl}/healthz`), {
			procs: [procs.main],
		});
		await waitFor('main REST API', () => answers(`${cluster.mainUrl}/rest/settings`), {
			procs: [procs.main],
		});
		procs.webhook = spawnN8n({ runtime, role: 'webhook', env: envs.webhook, echo });
		await Promise.all(
			roles
				.filter((r) => r.startsWith('worker'))
				.map((r) => cluster.startWorker(Number(r.split('-')[1]))),
		);
		await waitFor('webhook processor /healthz', () => answers(`${webhookBase}/healthz`), {
			procs: [procs.webhook],
		});
		for (const path of webhooks) {
			// a registered production webhook answers the CORS preflight with 204 and runs nothing
			await waitFor(
				`webhook ${path} on the webhook processor`,
				async () =>
					(
						await fetch(`${webhookBase}/webhook/${path}`, {
							method: 'OPTIONS',
							headers: { Origin: webhookBase, 'Access-Control-Request-Method': 'POST' },
						})
					).status === 204,
				{ procs: Object.values(procs) },
			);
		}
	} catch (error) {
		await cluster.stop();
		throw error;
	}
	return cluster;
}
