// A Redis and a Postgres of a test's own, on free ports in temporary folders, for tests that
// restart them (the shared ones on 6379/5432 serve everyone's tests and are never restarted).
// Redis keeps an append-only file and Postgres its data folder, so a restart loses nothing
// acknowledged, as in production.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';

import { freePort } from './net';

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (await check().catch(() => false)) return;
		await new Promise((r) => setTimeout(r, 200));
	}
	throw new Error(`timed out waiting for ${what}`);
}

export interface OwnService {
	url: string;
	port: number;
	/** stops and starts the server again on the same port and data */
	restart: (downMs?: number) => Promise<void>;
	stop: () => Promise<void>;
}

/** Starts the server and wraps it: restart keeps port and data, stop removes the folder. */
async function ownService(s: {
	url: string;
	port: number;
	dir: string;
	start: () => Promise<void>;
	stop: () => Promise<void>;
}): Promise<OwnService> {
	await s.start();
	return {
		url: s.url,
		port: s.port,
		restart: async (downMs = 1_000) => {
			await s.stop();
			await new Promise((r) => setTimeout(r, downMs));
			await s.start();
		},
		stop: async () => {
			await s.stop();
			rmSync(s.dir, { recursive: true, force: true });
		},
	};
}

export async function startOwnRedis(): Promise<OwnService> {
	const dir = mkdtempSync(join(tmpdir(), 'aiops-redis-'));
	const port = await freePort();
	const url = `redis://127.0.0.1:${port}`;
	let child: ChildProcess | undefined;
	const start = async () => {
		child = spawn(
			'redis-server',
			[
				'--port',
				String(port),
				'--bind',
				'127.0.0.1',
				'--dir',
				dir,
				'--appendonly',
				'yes',
				'--save',
				'',
			],
			{ stdio: 'ignore' },
		);
		await until(`redis on ${port}`, async () => {
			const r = new Redis(url, {
				lazyConnect: true,
				maxRetriesPerRequest: 0,
				retryStrategy: () => null,
			});
			try {
				await r.connect();
				return (await r.ping()) === 'PONG';
			} finally {
				r.disconnect();
			}
		});
	};
	const stop = async () => {
		if (!child || child.exitCode !== null) return;
		const exited = new Promise((r) => child!.once('exit', r));
		child.kill('SIGTERM');
		await exited;
	};
	return ownService({ url, port, dir, start, stop });
}

function postgresBin(): string {
	const versions = readdirSync('/usr/lib/postgresql').sort();
	return join('/usr/lib/postgresql', versions[versions.length - 1], 'bin');
}

export async function startOwnPostgres(): Promise<OwnService> {
	const dir = mkdtempSync(join(tmpdir(), 'aiops-pg-'));
	const data = join(dir, 'data');
	const port = await freePort();
	const bin = postgresBin();
	// initdb and postgres refuse to run as root: run them as the postgres user then
	const asRoot = process.getuid?.() === 0;
	const as = (cmd: string, args: string[]) =>
		asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
	if (asRoot) {
		chmodSync(dir, 0o755);
		const pwUid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
		const pwGid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
		chownSync(dir, pwUid, pwGid);
	}
	const run = (cmd: string, args: string[]) => {
		const [c, a] = as(cmd, args) as [string, string[]];
		execFileSync(c, a, { stdio: 'pipe' });
	};
	run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
	const url = `postgres://postgres@127.0.0.1:${port}`;
	const start = async () => {
		run(join(bin, 'pg_ctl'), [
			'-D',
			data,
			'-l',
			join(dir, 'log'),
			'-o',
			`-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off`,
			'-w',
			'start',
		]);
		await until(`postgres on ${port}`, async () => {
			const c = new Client({ connectionString: `${url}/postgres` });
			await c.connect();
			await c.end();
			return true;
		});
	};
	const stop = async () => {
		if (existsSync(join(data, 'postmaster.pid')))
			run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
	};
	return ownService({ url, port, dir, start, stop });
}
