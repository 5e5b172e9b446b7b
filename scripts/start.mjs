// Starts n8n with this package installed as a community package and the shipped workflows
// imported and published. Data lives in AIOPS_N8N_HOME (default ~/.n8n-aiops); the port is
// N8N_PORT (default 5678). Ctrl-C (SIGINT) or SIGTERM stops n8n and what it started.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

import {
	importAndPublish,
	installCommunityPackage,
	n8nEnv,
	n8nRuntime,
	ownerEnv,
	packTarball,
	ROOT,
} from './n8n-local.mjs';
import { releaseFolder } from './temp-folders.mjs';

const userFolder = process.env.AIOPS_N8N_HOME ?? join(homedir(), '.n8n-aiops');
const port = Number(process.env.N8N_PORT ?? 5678);
const host = process.env.N8N_LISTEN_ADDRESS ?? '127.0.0.1';
const log = (msg) => process.stdout.write(`[aiops] ${msg}\n`);

log('preparing the n8n runtime (Node 24 + n8n 2.41.1; the first time takes several minutes)');
const runtime = await n8nRuntime();
log('packing and installing n8n-nodes-aiops as a community package');
rmSync(join(userFolder, '.n8n', 'nodes', 'node_modules', 'n8n-nodes-aiops'), {
	recursive: true,
	force: true,
});
const tarball = await packTarball();
await installCommunityPackage(userFolder, tarball);
releaseFolder(dirname(tarball));

// First start: an owner account and the secrets the shipped workflows use (the Alertmanager
// receiver token, the onboarding token), generated once and kept in the data folder.
const secretsFile = join(userFolder, 'aiops-secrets.json');
if (!existsSync(secretsFile)) {
	mkdirSync(userFolder, { recursive: true });
	const token = () => randomBytes(18).toString('base64url');
	writeFileSync(
		secretsFile,
		JSON.stringify(
			{
				owner: { email: 'owner@aiops.local', password: `Aiops-${token()}` },
				alertmanagerToken: token(),
				onboardingToken: token(),
			},
			null,
			2,
		),
		{ mode: 0o600 },
	);
}
const secrets = JSON.parse(readFileSync(secretsFile, 'utf8'));
// the status page login (operations-overview), added to data folders made before it existed
if (!secrets.statusPassword) {
	secrets.statusPassword = randomBytes(18).toString('base64url');
	writeFileSync(secretsFile, JSON.stringify(secrets, null, 2), { mode: 0o600 });
}
const credentials = [
	{
		id: 'aiopsAmReceiver01',
		name: 'Alertmanager receiver',
		type: 'alertmanagerReceiverApi',
		data: { authType: 'bearer', token: secrets.alertmanagerToken },
	},
	{
		id: 'aiopsOnboardTok1',
		name: 'Onboarding token',
		type: 'httpHeaderAuth',
		data: { name: 'Authorization', value: `Bearer ${secrets.onboardingToken}` },
	},
	{
		id: 'aiopsStatusLogin',
		name: 'Status page login',
		type: 'httpBasicAuth',
		data: { user: 'aiops', password: secrets.statusPassword },
	},
	{
		id: 'aiopsN8nApi0001',
		name: 'n8n API (this n8n)',
		type: 'n8nApi',
		data: { apiKey: secrets.n8nApiKey ?? '', baseUrl: `http://127.0.0.1:${port}/api/v1` },
	},
];

const env = n8nEnv({
	userFolder,
	port,
	brokerPort: port + 1,
	host,
	extra: { N8N_LOG_LEVEL: process.env.N8N_LOG_LEVEL ?? 'info', ...ownerEnv(secrets.owner) },
});
const workflowsDir = join(ROOT, 'workflows');
// The shipped workflows talk to this n8n at its default address (the notification inbox, its own
// /healthz): point them at the address it runs on here.
const SHIPPED_BASE = 'http://127.0.0.1:5678/';
const workflows = readdirSync(workflowsDir)
	.filter((f) => f.endsWith('.json'))
	.map((f) =>
		JSON.parse(
			readFileSync(join(workflowsDir, f), 'utf8').replaceAll(
				SHIPPED_BASE,
				`http://${host}:${port}/`,
			),
		),
	);
// These need something only the user has (a Prometheus URL, the namespaces and cluster to read
// logs from): imported, left unpublished until it is filled in.
const NEEDS_SETUP = {
	aiopsInspection1: 'an AIOps Prometheus API credential on both Trend Predict nodes',
	aiopsLogInspect1: 'the namespaces, a Kubernetes API credential and a Notify channel',
};
// AIOPS_QUEUE_WORKERS=N: the same in n8n's queue mode (scripts/queue-start.mjs); never returns
if (process.env.AIOPS_QUEUE_WORKERS) {
	const { runQueueMode } = await import('./queue-start.mjs');
	await runQueueMode({
		runtime,
		userFolder,
		host,
		port,
		secrets,
		credentials,
		workflows,
		log,
		publish: (wf) => !NEEDS_SETUP[wf.id],
	});
}
log(`importing ${workflows.length} workflow(s) and their default credentials`);
await importAndPublish({
	runtime,
	env,
	credentials,
	workflows,
	publish: (wf) => !NEEDS_SETUP[wf.id],
});
for (const wf of workflows) {
	if (NEEDS_SETUP[wf.id])
		log(`  "${wf.name}" is imported but not published: it needs ${NEEDS_SETUP[wf.id]}`);
}

const child = spawn(runtime.node, [runtime.n8n, 'start'], { env, stdio: 'inherit' });
// n8n stops its task runners itself on SIGINT/SIGTERM; we exit when it has (a closed terminal,
// SIGHUP, stops it the same way).
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
process.on('SIGHUP', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
const base = `http://${host}:${port}`;
for (let i = 0; i < 600; i++) {
	if (child.exitCode !== null) process.exit(child.exitCode);
	if (
		await fetch(`${base}/healthz`).then(
			(r) => r.ok,
			() => false,
		)
	)
		break;
	await new Promise((r) => setTimeout(r, 500));
}
log(
	`n8n is running: open ${base}/ and sign in as ${secrets.owner.email} / ${secrets.owner.password}`,
);
// the operations overview reads n8n's executions through its API: one key, made on first start
if (!secrets.n8nApiKey)
	await createOverviewApiKey().catch((e) => log(`no n8n API key: ${e.message}`));
log(`status page: ${base}/webhook/aiops-status (user aiops, password ${secrets.statusPassword})`);
log(`secrets (also in ${secretsFile}):`);
log(`  Alertmanager receiver bearer token: ${secrets.alertmanagerToken}`);
log(`  onboarding webhook header: Authorization: Bearer ${secrets.onboardingToken}`);
for (const wf of workflows) {
	for (const node of wf.nodes ?? []) {
		const path = node.parameters?.path;
		if (node.webhookId && path) log(`  ${wf.name} → ${node.name}: POST ${base}/webhook/${path}`);
	}
}
log(`data: ${userFolder}`);
log('stop it with Ctrl-C (stops n8n and everything it started; data stays in the folder above)');
/** An API key for the overview's n8n nodes, saved in the secrets and the credential. */
async function createOverviewApiKey() {
	const call = async (method, path, body, cookie) => {
		const res = await fetch(`${base}/rest${path}`, {
			method,
			headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
			body: JSON.stringify(body),
		});
		if (!res.ok) throw new Error(`${method} /rest${path}: ${res.status} ${await res.text()}`);
		return res;
	};
	// right after /healthz the login route may not be mounted yet (404)
	let login;
	for (let attempt = 0; !login; attempt++) {
		login = await call('POST', '/login', {
			emailOrLdapLoginId: secrets.owner.email,
			password: secrets.owner.password,
		}).catch((e) => {
			if (attempt >= 120 || !/: 404 /.test(e.message)) throw e;
			return new Promise((r) => setTimeout(() => r(undefined), 500));
		});
	}
	const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
	const key = await call(
		'POST',
		'/api-keys',
		{
			label: 'operations overview',
			expiresAt: null,
			scopes: ['workflow:read', 'workflow:list', 'execution:read', 'execution:list'],
		},
		cookie,
	);
	secrets.n8nApiKey = (await key.json()).data.rawApiKey;
	writeFileSync(secretsFile, JSON.stringify(secrets, null, 2), { mode: 0o600 });
	await call(
		'PATCH',
		'/credentials/aiopsN8nApi0001',
		{
			name: 'n8n API (this n8n)',
			type: 'n8nApi',
			data: { apiKey: secrets.n8nApiKey, baseUrl: `http://127.0.0.1:${port}/api/v1` },
		},
		cookie,
	);
}
