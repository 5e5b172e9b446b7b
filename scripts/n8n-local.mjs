// Running this package in a real n8n, shared by `npm start` (scripts/start.mjs) and the e2e tests
// (test/e2e/support/n8n.ts): the runtime from scripts/n8n-runtime.sh, the package installed the
// way n8n's community-package installer does it, workflows imported and published by the CLI.
import bcrypt from 'bcryptjs';
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { releaseFolder, temporaryFolder } from './temp-folders.mjs';

const run = promisify(execFile);
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Node 24 + n8n 2.41.1 in the cache folder, installed and checked on first use (several
 * minutes); the script's progress goes to this process's stderr as it happens.
 */
export async function n8nRuntime() {
	const child = spawn('bash', [join(ROOT, 'scripts/n8n-runtime.sh')], {
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	let stdout = '';
	child.stdout.on('data', (d) => (stdout += d));
	const code = await new Promise((resolve, reject) => {
		child.once('error', reject);
		child.once('close', resolve);
	});
	if (code !== 0)
		throw new Error(`scripts/n8n-runtime.sh failed (exit ${code}); its messages are above`);
	const vars = Object.fromEntries(
		stdout
			.trim()
			.split('\n')
			.map((l) => l.split('=', 2)),
	);
	return { node: vars.NODE24_BIN, n8n: vars.N8N_BIN };
}

/**
 * What to show of a failed n8n CLI command: its own lines without stack frames, migration
 * progress or repeats, the last `max` of them. n8n prints the cause (e.g. "SQLite package has
 * not been found installed") above the stack traces, which alone say nothing.
 */
export function cliFailureSummary(output, max = 8) {
	const lines = output
		.split('\n')
		.map((l) => l.trimEnd())
		.filter((l) => l.trim() && !/^\s+at /.test(l) && !/^(Starting|Finished) migration /.test(l));
	const distinct = lines.filter((l, i) => lines.lastIndexOf(l) === i);
	return distinct.slice(-max).join('\n');
}

/**
 * `npm pack` of the built package into a temporary folder (removed on exit, or by
 * releaseFolder(dirname(tarball))); returns the tarball path.
 */
export async function packTarball() {
	const dir = temporaryFolder('aiops-pack-');
	const { stdout } = await run(
		'npm',
		['pack', '--silent', '--ignore-scripts', '--pack-destination', dir],
		{
			cwd: ROOT,
		},
	);
	return join(dir, stdout.trim().split('\n').pop());
}

/**
 * What n8n's CommunityPackagesService.downloadPackage does, minus the registry: extract into
 * <userFolder>/.n8n/nodes/node_modules/<name>, drop dev/peer/optional dependencies, and record
 * the package in <userFolder>/.n8n/nodes/package.json. n8n resolves n8n-workflow for it.
 */
export async function installCommunityPackage(userFolder, tarball) {
	const nodesDir = join(userFolder, '.n8n', 'nodes');
	const packageDir = join(nodesDir, 'node_modules', 'n8n-nodes-aiops');
	mkdirSync(packageDir, { recursive: true });
	await run('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1']);
	const pkgPath = join(packageDir, 'package.json');
	const { devDependencies, peerDependencies, optionalDependencies, ...pkg } = JSON.parse(
		readFileSync(pkgPath, 'utf8'),
	);
	writeFileSync(pkgPath, JSON.stringify(pkg, null, 2));
	writeFileSync(
		join(nodesDir, 'package.json'),
		JSON.stringify(
			{ name: 'installed-nodes', private: true, dependencies: { 'n8n-nodes-aiops': pkg.version } },
			null,
			2,
		),
	);
}

/**
 * The environment n8n runs with here: its own folder and ports, nothing that calls n8n's servers
 * (telemetry, version and "what's new" checks, templates, banners, the vetted community-node
 * list, license renewal, the MCP server registry's refresh), which are unreachable offline and
 * fill the log with stack traces.
 */
export function n8nEnv({ userFolder, port, brokerPort, host = '127.0.0.1', extra = {} }) {
	return {
		PATH: process.env.PATH ?? '',
		HOME: process.env.HOME ?? '',
		N8N_USER_FOLDER: userFolder,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: host,
		WEBHOOK_URL: `http://${host}:${port}/`,
		N8N_EDITOR_BASE_URL: `http://${host}:${port}/`,
		// every n8n needs its own task-runner broker port (5679 clashes between instances)
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		N8N_DISABLED_MODULES: 'mcp-registry',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_SECURE_COOKIE: 'false',
		...extra,
	};
}

/** n8n 2.x sets its owner account from the environment (the password as a bcrypt hash). */
export function ownerEnv({ email, password }) {
	return {
		N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
		N8N_INSTANCE_OWNER_EMAIL: email,
		N8N_INSTANCE_OWNER_FIRST_NAME: 'Ops',
		N8N_INSTANCE_OWNER_LAST_NAME: 'Owner',
		N8N_INSTANCE_OWNER_PASSWORD_HASH: bcrypt.hashSync(password, 10),
	};
}

/**
 * Imports credentials (plain `data` is encrypted on import) and workflows, publishing each. The
 * import files (credentials in plain text) are written inside n8n's own user folder, never the
 * shared temp folder, and removed as soon as n8n has read them.
 */
export async function importAndPublish({
	runtime,
	env,
	credentials = [],
	workflows = [],
	publish = () => true,
}) {
	const cli = (args) =>
		run(runtime.node, [runtime.n8n, ...args], { env, maxBuffer: 64 << 20 }).catch((error) => {
			const said = cliFailureSummary(`${error.stdout ?? ''}\n${error.stderr ?? ''}`);
			throw new Error(`n8n ${args.join(' ')} failed:\n${said}`);
		});
	mkdirSync(env.N8N_USER_FOLDER, { recursive: true, mode: 0o700 });
	const dir = temporaryFolder('aiops-import-', env.N8N_USER_FOLDER);
	try {
		await importFiles(cli, dir, credentials, workflows, publish);
	} finally {
		releaseFolder(dir);
	}
}

async function importFiles(cli, dir, credentials, workflows, publish) {
	if (credentials.length) {
		const file = join(dir, 'credentials.json');
		writeFileSync(file, JSON.stringify(credentials));
		await cli(['import:credentials', `--input=${file}`]);
	}
	for (const [index, workflow] of workflows.entries()) {
		const file = join(dir, `workflow-${index}.json`);
		writeFileSync(file, JSON.stringify(workflow));
		await cli(['import:workflow', `--input=${file}`]);
		if (workflow.id && publish(workflow)) await cli(['publish:workflow', `--id=${workflow.id}`]);
	}
}

/**
 * Signs in to n8n's REST API as the given account; returns the session cookie. Right after start
 * the login route may not be mounted yet (404), and on a loaded machine n8n answers 503
 * "Database is not ready" while its database ping lags, or drops the connection: all retried for
 * up to two minutes.
 */
export async function signIn(baseUrl, { email, password }) {
	for (let attempt = 0; ; attempt++) {
		const res = await fetch(`${baseUrl}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ emailOrLdapLoginId: email, password }),
		}).catch((error) => error);
		if (res.ok) return (res.headers.get('set-cookie') ?? '').split(';')[0];
		const said = res instanceof Error ? `${res.message} (${res.cause?.code ?? ''})` : res.status;
		if ((!(res instanceof Error) && ![404, 503].includes(res.status)) || attempt >= 240)
			throw new Error(`cannot sign in to n8n as ${email}: ${said}`);
		await new Promise((r) => setTimeout(r, 500));
	}
}
