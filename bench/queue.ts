// npm run bench:queue — what queue mode buys: completed deliveries per second and n8n CPU per
// delivery for one n8n process (the floor, measured in the same run), then queue mode with 1 and
// 2 workers (main + one webhook processor), the same intake workflow (test/support/queueWorkflow:
// trigger → Record Anomaly on Redis → Aggregate Incident on Postgres → report) and the same storm
// shape (20 alerts per delivery: 10 pods × an HA pair, every 10th delivery re-sent).
// A delivery is complete when the receiver has its new occurrences. CPU is user+system time of
// every n8n process and its children (task runners) from /proc, so other load on the machine does
// not enter it; rates do depend on that load, hence the ratios against the floor.
//
//   npm run bench:queue [-- --deliveries 120 --concurrency 8]
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import {
	importAndPublish,
	installCommunityPackage,
	n8nEnv,
	n8nRuntime,
	packTarball,
} from '../scripts/n8n-local.mjs';
import {
	ensureDatabase,
	freePort,
	queueSettings,
	startQueueCluster,
} from '../scripts/queue-mode.mjs';
import { startReceiver } from '../test/e2e/support/receiver';
import { startOwnPostgres, startOwnRedis } from '../test/support/ownServices';
import { intakeWorkflow, queueCredentials } from '../test/support/queueWorkflow';
import { alertStorm, sendStorm } from '../test/support/storm';

const arg = (name: string, fallback: number) => {
	const i = process.argv.indexOf(`--${name}`);
	return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const DELIVERIES = arg('deliveries', 120);
const CONCURRENCY = arg('concurrency', 8);
const TOKEN = 'bench-queue-token';
const TICKS = 100; // USER_HZ on Linux

/** user+system CPU seconds of a process and all its descendants */
function treeCpuSeconds(pid: number): number {
	const children = new Map<number, number[]>();
	const own = new Map<number, number>();
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			const ppid = Number(fields[1]);
			own.set(Number(entry), (Number(fields[11]) + Number(fields[12])) / TICKS);
			children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
		} catch {
			// gone meanwhile
		}
	}
	const walk = (p: number): number =>
		(own.get(p) ?? 0) + (children.get(p) ?? []).reduce((s, c) => s + walk(c), 0);
	return walk(pid);
}

interface Figure {
	setup: string;
	deliveries: number;
	seconds: number;
	cpuSeconds: number;
}

async function measure(
	setup: string,
	url: string,
	pids: () => number[],
	receiver: Awaited<ReturnType<typeof startReceiver>>,
): Promise<Figure> {
	const storm = alertStorm({
		tag: `Bench${setup.replace(/\W/g, '')}${randomBytes(2).toString('hex')}`,
		signatures: DELIVERIES,
	});
	const expected = storm.occurrences;
	const before = receiver.received.length;
	const reportedOf = () =>
		receiver.received
			.slice(before)
			.reduce(
				(n, r) => n + ((r.body as { occurrence_id?: string[] }).occurrence_id ?? []).length,
				0,
			);
	const cpu0 = pids().reduce((s, p) => s + treeCpuSeconds(p), 0);
	const t0 = Date.now();
	await sendStorm(url, `Bearer ${TOKEN}`, storm.bodies, { concurrency: CONCURRENCY });
	const deadline = Date.now() + 600_000;
	while (reportedOf() < expected && Date.now() < deadline)
		await new Promise((r) => setTimeout(r, 200));
	const seconds = (Date.now() - t0) / 1000;
	const cpuSeconds = pids().reduce((s, p) => s + treeCpuSeconds(p), 0) - cpu0;
	if (reportedOf() < expected)
		throw new Error(`${setup}: only ${reportedOf()} of ${expected} occurrences completed`);
	return { setup, deliveries: storm.bodies.length, seconds, cpuSeconds };
}

async function main() {
	const load0 = loadavg();
	const [runtime, tarball, receiver, redis, postgres] = await Promise.all([
		n8nRuntime(),
		packTarball(),
		startReceiver(),
		startOwnRedis(),
		startOwnPostgres(),
	]);
	const folder = mkdtempSync(join(tmpdir(), 'aiops-bench-queue-'));
	const figures: Figure[] = [];
	const credentials = queueCredentials({
		token: TOKEN,
		redis: { host: '127.0.0.1', port: redis.port },
		postgres: { host: '127.0.0.1', port: postgres.port, database: 'aiops' },
	});
	const workflows = [intakeWorkflow(receiver.url)];
	await ensureDatabase(`${postgres.url}/aiops`);
	const lean = {
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'none',
		N8N_LOG_LEVEL: 'warn',
		N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true',
	};
	try {
		// 1. the floor: one n8n process (its own SQLite), same stores and workflow
		{
			const userFolder = join(folder, 'single');
			await installCommunityPackage(userFolder, tarball);
			const port = await freePort();
			const env = n8nEnv({
				userFolder,
				port,
				brokerPort: await freePort(),
				extra: {
					N8N_ENCRYPTION_KEY: 'bench-queue-key',
					N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
					...lean,
				},
			});
			await importAndPublish({ runtime, env, credentials, workflows });
			const child = spawn(runtime.node, [runtime.n8n, 'start'], { env, stdio: 'ignore' });
			const base = `http://127.0.0.1:${port}`;
			try {
				for (;;) {
					const ready = await fetch(`${base}/webhook/alertmanager`, {
						method: 'OPTIONS',
						headers: { Origin: base, 'Access-Control-Request-Method': 'POST' },
					}).then(
						(r) => r.status === 204,
						() => false,
					);
					if (ready) break;
					if (child.exitCode !== null) throw new Error('single n8n exited');
					await new Promise((r) => setTimeout(r, 500));
				}
				figures.push(
					await measure(
						'one process',
						`${base}/webhook/alertmanager`,
						() => [child.pid!],
						receiver,
					),
				);
			} finally {
				child.kill('SIGTERM');
				await new Promise((r) => child.once('exit', r));
			}
		}
		// 2. queue mode: main + webhook processor + 2 workers; measured with 1, then 2 workers
		const database = `aiops_bench_${randomBytes(4).toString('hex')}`;
		const n8nDatabaseUrl = `${postgres.url}/${database}`;
		await ensureDatabase(n8nDatabaseUrl);
		const cluster = await startQueueCluster({
			runtime,
			tarball,
			folder: join(folder, 'queue'),
			workers: 2,
			settings: queueSettings({
				n8nDatabaseUrl,
				redisUrl: redis.url,
				bullPrefix: 'bull',
				encryptionKey: 'bench-queue-key',
			}),
			extraEnv: lean,
			credentials,
			workflows,
			webhooks: ['alertmanager'],
		});
		const pids = () =>
			Object.values(cluster.procs)
				.filter((p) => p.child.exitCode === null)
				.map((p) => p.child.pid!);
		try {
			await cluster.stopWorker(2);
			figures.push(
				await measure(
					'queue, 1 worker',
					`${cluster.webhookUrl}/webhook/alertmanager`,
					pids,
					receiver,
				),
			);
			await cluster.startWorker(2);
			figures.push(
				await measure(
					'queue, 2 workers',
					`${cluster.webhookUrl}/webhook/alertmanager`,
					pids,
					receiver,
				),
			);
		} finally {
			await cluster.stop();
		}
	} finally {
		await receiver.close();
		await Promise.all([redis.stop(), postgres.stop()]);
		rmSync(folder, { recursive: true, force: true });
	}
	const floor = figures[0];
	const rate = (f: Figure) => f.deliveries / f.seconds;
	const cpu = (f: Figure) => (1000 * f.cpuSeconds) / f.deliveries;
	console.log(
		`\nbench:queue — ${DELIVERIES} signatures per run (${DELIVERIES * 10} occurrences, 20 alerts per delivery), ${CONCURRENCY} in flight`,
	);
	console.log(
		`load average before: ${load0.map((l) => l.toFixed(1)).join(' ')}, after: ${loadavg()
			.map((l) => l.toFixed(1))
			.join(' ')} (2 cores, shared)`,
	);
	console.log(
		'setup               deliveries/s   vs one process   n8n CPU ms/delivery   vs one process',
	);
	for (const f of figures)
		console.log(
			`${f.setup.padEnd(20)}${rate(f).toFixed(2).padStart(12)}${(rate(f) / rate(floor)).toFixed(2).padStart(17)}×${cpu(f).toFixed(0).padStart(20)}${(cpu(f) / cpu(floor)).toFixed(2).padStart(17)}×`,
		);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
