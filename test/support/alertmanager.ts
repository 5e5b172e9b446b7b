// A real Alertmanager 0.25 (Debian package prometheus-alertmanager) on a free loopback port,
// clustering off, routing everything to one webhook receiver. Tests push alerts through its
// API v2 the way Prometheus does, and Alertmanager delivers them with its own grouping, repeats,
// retries and auth.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from './net';

export const ALERTMANAGER_BIN = process.env.ALERTMANAGER_BIN ?? '/usr/bin/prometheus-alertmanager';

export interface AlertmanagerOptions {
	webhookUrl: string;
	bearerToken?: string;
	groupBy?: string[];
	groupWait?: string;
	groupInterval?: string;
	repeatInterval?: string;
	resolveTimeout?: string;
}

export interface PostedAlert {
	labels: Record<string, string>;
	annotations?: Record<string, string>;
	startsAt?: string;
	endsAt?: string;
	generatorURL?: string;
}

export function alertmanagerConfig(o: AlertmanagerOptions): string {
	// JSON is valid YAML; every value is quoted data.
	return JSON.stringify({
		global: { resolve_timeout: o.resolveTimeout ?? '5m' },
		route: {
			receiver: 'n8n',
			group_by: o.groupBy ?? ['alertname', 'namespace'],
			group_wait: o.groupWait ?? '1s',
			group_interval: o.groupInterval ?? '2s',
			repeat_interval: o.repeatInterval ?? '4s',
		},
		receivers: [
			{
				name: 'n8n',
				webhook_configs: [
					{
						url: o.webhookUrl,
						send_resolved: true,
						max_alerts: 0,
						...(o.bearerToken
							? { http_config: { authorization: { type: 'Bearer', credentials: o.bearerToken } } }
							: {}),
					},
				],
			},
		],
	});
}

export async function startAlertmanager(options: AlertmanagerOptions) {
	const dir = mkdtempSync(join(tmpdir(), 'aiops-am-'));
	const configFile = join(dir, 'alertmanager.yml');
	writeFileSync(configFile, alertmanagerConfig(options));
	const port = await freePort();
	let output = '';
	const child: ChildProcess = spawn(
		ALERTMANAGER_BIN,
		[
			`--config.file=${configFile}`,
			`--storage.path=${join(dir, 'data')}`,
			`--web.listen-address=127.0.0.1:${port}`,
			'--cluster.listen-address=',
			'--log.level=info',
		],
		{ stdio: ['ignore', 'pipe', 'pipe'] },
	);
	child.stdout!.on('data', (d) => (output += d));
	child.stderr!.on('data', (d) => (output += d));
	const url = `http://127.0.0.1:${port}`;
	const deadline = Date.now() + 30_000;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`alertmanager exited: ${output}`);
		if (
			await fetch(`${url}/-/ready`).then(
				(r) => r.ok,
				() => false,
			)
		)
			break;
		if (Date.now() > deadline) throw new Error(`alertmanager not ready: ${output}`);
		await new Promise((r) => setTimeout(r, 100));
	}
	return {
		url,
		logs: () => output,
		/** POST /api/v2/alerts, as Prometheus sends them (an alert with endsAt in the past is resolved) */
		async post(alerts: PostedAlert[]) {
			const res = await fetch(`${url}/api/v2/alerts`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(alerts),
			});
			if (!res.ok)
				throw new Error(`alertmanager refused alerts: ${res.status} ${await res.text()}`);
		},
		async stop() {
			if (child.exitCode === null) {
				child.kill('SIGTERM');
				await new Promise((r) => child.once('exit', r));
			}
			rmSync(dir, { recursive: true, force: true });
		},
	};
}
