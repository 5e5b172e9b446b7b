// A real Prometheus 2.42 (Debian package `prometheus`, which brings promtool) on a free loopback
// port, for tests that compare with Prometheus or need one to query. Data comes in by backfill:
// series are written as OpenMetrics and turned into TSDB blocks with
// `promtool tsdb create-blocks-from openmetrics` before Prometheus starts on that data folder.
// Optional: basic auth (a web config with bcrypt hashes), a prometheus.yml of your own (scrape
// configs, alerting), extra flags. Install with `bash scripts/ensure-apt.sh prometheus`.
import bcrypt from 'bcryptjs';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from './net';

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';
export const PROMTOOL_BIN = process.env.PROMTOOL_BIN ?? '/usr/bin/promtool';

/** One series to backfill: samples as [ms since epoch, value], sorted by time. */
export interface BackfillSeries {
	name: string;
	labels?: Record<string, string>;
	samples: Array<[number, number]>;
}

export interface PrometheusOptions {
	/** backfilled before start */
	series?: BackfillSeries[];
	/** prometheus.yml content as an object (written as JSON, which is YAML); default `{global: {}}` */
	config?: Record<string, unknown>;
	/** basic auth users and their plain passwords (hashed into the web config) */
	basicAuthUsers?: Record<string, string>;
	args?: string[];
}

export type PrometheusInstance = Awaited<ReturnType<typeof startPrometheus>>;

/** A sample value as Go's ParseFloat reads it back to the same float64. */
function openMetricsValue(v: number): string {
	if (Number.isNaN(v)) return 'NaN';
	if (v === Infinity) return '+Inf';
	if (v === -Infinity) return '-Inf';
	if (Object.is(v, -0)) return '-0';
	return String(v);
}

/**
 * A timestamp in seconds that the OpenMetrics parser turns back into exactly `ms`: it computes
 * int64(seconds × 1000), which truncates, so `x.123` may land on …122; a micro-second nudge
 * keeps it on …123.
 */
export function openMetricsTimestamp(ms: number): string {
	if (!Number.isInteger(ms) || ms < 0)
		throw new Error(`timestamp ${ms} must be a non-negative integer of ms`);
	const plain = `${Math.trunc(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}`;
	for (const text of [plain, `${plain}001`]) {
		if (Math.trunc(Number(text) * 1000) === ms) return text;
	}
	throw new Error(`timestamp ${ms} cannot be written in OpenMetrics exactly`);
}

function labelText(name: string, labels: Record<string, string> = {}): string {
	const pairs = Object.entries(labels).map(
		([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
	);
	return pairs.length ? `${name}{${pairs.join(',')}}` : name;
}

/** OpenMetrics text for the series (grouped by metric name, as the format requires). */
export function toOpenMetrics(series: BackfillSeries[]): string {
	const byName = new Map<string, BackfillSeries[]>();
	for (const s of series) byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
	const lines: string[] = [];
	for (const [name, group] of byName) {
		lines.push(`# TYPE ${name} gauge`);
		for (const s of group) {
			const id = labelText(name, s.labels);
			for (const [t, v] of s.samples)
				lines.push(`${id} ${openMetricsValue(v)} ${openMetricsTimestamp(t)}`);
		}
	}
	lines.push('# EOF', '');
	return lines.join('\n');
}

/** Writes the series into TSDB blocks in `dataDir` with promtool. */
export function backfill(dataDir: string, series: BackfillSeries[]): void {
	const tmp = mkdtempSync(join(tmpdir(), 'aiops-om-'));
	const input = join(tmp, 'series.om');
	writeFileSync(input, toOpenMetrics(series));
	try {
		const run = spawnSync(
			PROMTOOL_BIN,
			['tsdb', 'create-blocks-from', 'openmetrics', input, dataDir],
			{
				encoding: 'utf8',
			},
		);
		if (run.error)
			throw new Error(
				`promtool did not run (${run.error.message}); install it with: bash scripts/ensure-apt.sh prometheus`,
			);
		if (run.status !== 0) throw new Error(`promtool backfill failed: ${run.stderr || run.stdout}`);
	} finally {
		rmSync(tmp, { recursive: true, force: true });
	}
}

export async function startPrometheus(options: PrometheusOptions = {}) {
	const dir = mkdtempSync(join(tmpdir(), 'aiops-prom-'));
	const dataDir = join(dir, 'data');
	if (options.series?.length) backfill(dataDir, options.series);
	const configFile = join(dir, 'prometheus.yml');
	writeFileSync(configFile, JSON.stringify(options.config ?? { global: {} }));
	const args = [
		`--config.file=${configFile}`,
		`--storage.tsdb.path=${dataDir}`,
		// retention counts from the newest block, and backfilled data may be old
		'--storage.tsdb.retention.time=100y',
		'--log.level=warn',
	];
	if (options.basicAuthUsers) {
		const users = Object.fromEntries(
			Object.entries(options.basicAuthUsers).map(([u, p]) => [u, bcrypt.hashSync(p, 4)]),
		);
		const webConfig = join(dir, 'web.yml');
		writeFileSync(webConfig, JSON.stringify({ basic_auth_users: users }));
		args.push(`--web.config.file=${webConfig}`);
	}
	const port = await freePort();
	args.push(`--web.listen-address=127.0.0.1:${port}`, ...(options.args ?? []));
	let output = '';
	const child: ChildProcess = spawn(PROMETHEUS_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
	child.on('error', (error) => (output += `spawn failed: ${error.message}\n`));
	child.stdout!.on('data', (d) => (output += d));
	child.stderr!.on('data', (d) => (output += d));
	const killOnExit = () => child.kill('SIGKILL');
	process.once('exit', killOnExit);

	const url = `http://127.0.0.1:${port}`;
	const authHeader: Record<string, string> = {};
	if (options.basicAuthUsers) {
		const [user, password] = Object.entries(options.basicAuthUsers)[0];
		authHeader.authorization = 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
	}
	const deadline = Date.now() + 60_000;
	for (;;) {
		if (child.exitCode !== null || output.includes('spawn failed')) {
			rmSync(dir, { recursive: true, force: true });
			throw new Error(
				`prometheus exited (install it with: bash scripts/ensure-apt.sh prometheus): ${output}`,
			);
		}
		const ready = await fetch(`${url}/-/ready`, { headers: authHeader }).then(
			(r) => r.ok,
			() => false,
		);
		if (ready) break;
		if (Date.now() > deadline) throw new Error(`prometheus not ready after 60 s: ${output}`);
		await new Promise((r) => setTimeout(r, 100));
	}

	/** GET an API path with the instance's auth; the parsed JSON answer, whatever the status. */
	async function api(
		path: string,
		params: Record<string, string>,
	): Promise<Record<string, unknown>> {
		const u = new URL(url + path);
		for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
		const res = await fetch(u, { headers: authHeader });
		return (await res.json()) as Record<string, unknown>;
	}

	return {
		url,
		port,
		dataDir,
		logs: () => output,
		api,
		/** instant query at `timeMs`; `data` of the answer, or throws with Prometheus' error */
		async query(expr: string, timeMs: number) {
			const answer = await api('/api/v1/query', { query: expr, time: (timeMs / 1000).toFixed(3) });
			if (answer.status !== 'success') throw new Error(`query ${expr}: ${JSON.stringify(answer)}`);
			return answer.data as { resultType: string; result: unknown };
		},
		async stop() {
			process.removeListener('exit', killOnExit);
			if (child.exitCode === null && child.signalCode === null) {
				const exited = new Promise((r) => child.once('exit', r));
				child.kill('SIGTERM');
				await exited;
			}
			rmSync(dir, { recursive: true, force: true });
		},
	};
}
