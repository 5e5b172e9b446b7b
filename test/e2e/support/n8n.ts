// A real n8n 2.41.1 on Node 24 for end-to-end tests (scripts/n8n-local.mjs prepares it exactly as
// `npm start` does): the packed package installed as a community package, so node types are
// `n8n-nodes-aiops.<node>` as in the shipped workflows; credentials and workflows imported and
// published from the CLI; `n8n start` on free ports; the owner set from the environment.
import { spawn, type ChildProcess } from 'node:child_process';

import { freePort } from '../../support/net';

import {
	importAndPublish,
	installCommunityPackage,
	n8nEnv,
	n8nRuntime,
	ownerEnv,
	packTarball,
} from '../../../scripts/n8n-local.mjs';
import { releaseFolder, temporaryFolder } from '../../../scripts/temp-folders.mjs';

export const OWNER = { email: 'owner@aiops.test', password: 'Owner-passw0rd' };

// prepared once per test process
let runtime: ReturnType<typeof n8nRuntime> | undefined;
let tarball: Promise<string> | undefined;

export interface StartOptions {
	workflows?: object[];
	credentials?: object[];
	/** which workflows to publish (default: all that have an id) */
	publish?: (workflow: object & { id?: string }) => boolean;
	/** production webhook paths to wait for (they register asynchronously after start) */
	webhooks?: string[];
	env?: Record<string, string>;
	/** arguments for the node process itself (e.g. --cpu-prof) */
	nodeArgs?: string[];
}

export interface N8nInstance {
	baseUrl: string;
	userFolder: string;
	/** the n8n process, for /proc accounting */
	pid: number;
	logs: () => string;
	/** the owner's session cookie, for n8n's REST API */
	login: () => Promise<string>;
	stop: () => Promise<void>;
}

async function waitUntil(
	what: string,
	check: () => Promise<boolean>,
	timeoutMs: number,
	logs: () => string,
) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (await check().catch(() => false)) return;
		await new Promise((r) => setTimeout(r, 250));
	}
	throw new Error(`timed out waiting for ${what}; n8n log tail:\n${logs().slice(-4000)}`);
}

export async function startN8n(options: StartOptions = {}): Promise<N8nInstance> {
	runtime ??= n8nRuntime();
	tarball ??= packTarball();
	const [rt, packed] = await Promise.all([runtime, tarball]);
	const userFolder = temporaryFolder('aiops-n8n-');
	const port = await freePort();
	const env = n8nEnv({
		userFolder,
		port,
		brokerPort: await freePort(),
		extra: {
			N8N_ENCRYPTION_KEY: 'aiops-e2e-encryption-key',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			N8N_LOG_LEVEL: 'info',
			...ownerEnv(OWNER),
			EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
			...options.env,
		},
	});
	try {
		await installCommunityPackage(userFolder, packed);
		await importAndPublish({
			runtime: rt,
			env,
			credentials: options.credentials,
			workflows: options.workflows,
			publish: options.publish,
		});
	} catch (error) {
		releaseFolder(userFolder);
		throw error;
	}

	let output = '';
	const child: ChildProcess = spawn(rt.node, [...(options.nodeArgs ?? []), rt.n8n, 'start'], {
		env,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	child.stdout!.on('data', (d) => (output += d));
	child.stderr!.on('data', (d) => (output += d));
	// never outlive the test process (a test killed by a timeout or a signal included)
	const killOnExit = () => child.kill('SIGKILL');
	process.once('exit', killOnExit);
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const logs = () => output;
	const baseUrl = `http://127.0.0.1:${port}`;
	const stop = async () => {
		if (child.exitCode === null) {
			child.kill('SIGTERM');
			const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
			await exited;
			clearTimeout(killer);
		}
		process.removeListener('exit', killOnExit);
		releaseFolder(userFolder);
	};
	try {
		await waitUntil(
			'n8n /healthz',
			async () => (await fetch(`${baseUrl}/healthz`)).ok,
			180_000,
			logs,
		);
		// /healthz answers before the REST API is mounted (a login then gets 404)
		await waitUntil(
			'n8n REST API',
			async () => (await fetch(`${baseUrl}/rest/settings`)).ok,
			120_000,
			logs,
		);
		for (const path of options.webhooks ?? []) {
			// A registered production webhook answers the CORS preflight with 204 and runs nothing.
			await waitUntil(
				`webhook ${path}`,
				async () =>
					(
						await fetch(`${baseUrl}/webhook/${path}`, {
							method: 'OPTIONS',
							headers: { Origin: baseUrl, 'Access-Control-Request-Method': 'POST' },
						})
					).status === 204,
				120_000,
				logs,
			);
		}
	} catch (error) {
		await stop();
		throw error;
	}
	const login = async () => {
		// right after start the login route may not be mounted yet (404) even when others are
		for (let attempt = 0; ; attempt++) {
			const res = await fetch(`${baseUrl}/rest/login`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, password: OWNER.password }),
			});
			if (res.ok) return (res.headers.get('set-cookie') ?? '').split(';')[0];
			if (res.status !== 404 || attempt >= 120)
				throw new Error(`login failed: ${res.status} ${await res.text()}`);
			await new Promise((r) => setTimeout(r, 500));
		}
	};
	return { baseUrl, userFolder, pid: child.pid!, logs, login, stop };
}
