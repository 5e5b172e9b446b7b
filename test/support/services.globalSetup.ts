// Integration tests need real Redis and Postgres. If either does not answer, fail the run
// with the command that starts it: never skip silently.
import { Client } from 'pg';
import Redis from 'ioredis';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export default async function checkServices(): Promise<void> {
	const problems: string[] = [];
	const redis = new Redis(REDIS_URL, {
		lazyConnect: true,
		maxRetriesPerRequest: 0,
		retryStrategy: () => null,
	});
	try {
		await redis.connect();
		await redis.ping();
	} catch (error) {
		problems.push(
			`Redis at ${REDIS_URL} does not answer (${(error as Error).message}). Start it with: ` +
				`redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no, or set REDIS_URL.`,
		);
	} finally {
		redis.disconnect();
	}
	const pg = new Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 5000 });
	try {
		await pg.connect();
		await pg.query('select 1');
	} catch (error) {
		problems.push(
			`Postgres at ${DATABASE_URL} does not answer (${(error as Error).message}). Start it with: ` +
				`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start, or set DATABASE_URL.`,
		);
	} finally {
		await pg.end().catch(() => undefined);
	}
	if (problems.length) throw new Error(problems.join('\n'));
}
