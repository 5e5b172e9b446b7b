// CI: `npm start` as a user runs it, in a fresh clone (argv[2]), up to n8n answering: signed in
// as the owner it lists the package's 9 nodes and has published every shipped workflow that
// `npm start` publishes; nothing calls n8n's servers (no ENOTFOUND); then Ctrl-C (SIGINT to the
// process group, as a terminal sends it) stops n8n and everything it started, and no temporary
// folder is left behind. The runtime cache is whatever AIOPS_RUNTIME_DIR says (CI: empty).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { signIn } from '../scripts/n8n-local.mjs';

const clone = process.argv[2];
if (!clone) throw new Error('usage: node .ci/start-check.mjs <fresh clone>');
const fail = (msg) => {
	console.error(`FAIL: ${msg}`);
	process.exitCode = 1;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const freePort = () =>
	new Promise((res) => {
		const s = createServer().listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => res(port));
		});
	});

const work = mkdtempSync(join(tmpdir(), 'aiops-ci-start-'));
const home = join(work, 'n8n-home');
const tmp = join(work, 'tmp');
mkdirSync(tmp);
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
let output = '';
const child = spawn('npm', ['start'], {
	cwd: clone,
	detached: true, // its own process group, so SIGINT reaches it as Ctrl-C in a terminal does
	stdio: ['ignore', 'pipe', 'pipe'],
	env: { ...process.env, AIOPS_N8N_HOME: home, N8N_PORT: String(port), TMPDIR: tmp },
});
for (const stream of [child.stdout, child.stderr]) {
	stream.on('data', (d) => {
		output += d;
		process.stdout.write(d);
	});
}
const exited = new Promise((resolve) =>
	child.once('exit', (code, signal) => resolve({ code, signal })),
);
const groupAlive = () => {
	try {
		process.kill(-child.pid, 0);
		return true;
	} catch {
		return false;
	}
};

try {
	// a fresh runtime takes several minutes to install; then pack, import, publish, start
	const deadline = Date.now() + 40 * 60_000;
	while (!output.includes('[aiops] n8n is running')) {
		if (child.exitCode !== null)
			throw new Error(`npm start exited (${child.exitCode}) before n8n ran`);
		if (Date.now() > deadline) throw new Error('n8n did not come up within 40 minutes');
		await sleep(1000);
	}
	// the rest of what it prints (secrets, URLs, how to stop it) comes once n8n answers
	const printed = Date.now() + 5 * 60_000;
	while (!output.includes('stop it with Ctrl-C') && child.exitCode === null && Date.now() < printed)
		await sleep(500);
	if (!output.includes('stop it with Ctrl-C')) fail('npm start does not say how to stop it');

	const secrets = JSON.parse(readFileSync(join(home, 'aiops-secrets.json'), 'utf8'));
	const cookie = await signIn(base, secrets.owner);
	const get = async (path) => (await fetch(`${base}${path}`, { headers: { cookie } })).json();

	// the package's nodes, by their codex names (n8n-nodes-aiops.<node>)
	const pkg = JSON.parse(readFileSync(join(clone, 'package.json'), 'utf8'));
	const expectedNodes = pkg.n8n.nodes.map(
		(f) =>
			JSON.parse(
				readFileSync(join(clone, f.replace(/^dist\//, '').replace(/\.js$/, '.json')), 'utf8'),
			).node,
	);
	const types = new Set((await get('/types/nodes.json')).map((t) => t.name));
	const missing = expectedNodes.filter((n) => !types.has(n));
	if (missing.length) fail(`n8n does not list ${missing.join(', ')}`);
	else console.log(`[start-check] n8n lists all ${expectedNodes.length} nodes of the package`);

	// every shipped workflow imported; published (active) unless npm start said it needs setup
	const shipped = readdirSync(join(clone, 'workflows'))
		.filter((f) => f.endsWith('.json'))
		.map((f) => JSON.parse(readFileSync(join(clone, 'workflows', f), 'utf8')));
	const unpublished = shipped.filter((w) =>
		output.includes(`"${w.name}" is imported but not published`),
	);
	const expectedActive = shipped.filter((w) => !unpublished.includes(w)).map((w) => w.id);
	let active = [];
	for (let i = 0; i < 240; i++) {
		active = (await get('/rest/active-workflows')).data;
		if (expectedActive.every((id) => active.includes(id))) break;
		await sleep(500);
	}
	const inactive = expectedActive.filter((id) => !active.includes(id));
	if (inactive.length) fail(`not published/active: ${inactive.join(', ')}`);
	else
		console.log(
			`[start-check] ${expectedActive.length} workflows published and active, ${unpublished.length} imported for setup`,
		);
	const imported = new Set((await get('/rest/workflows')).data.map((w) => w.id));
	const notImported = shipped.filter((w) => !imported.has(w.id)).map((w) => w.id);
	if (notImported.length) fail(`not imported: ${notImported.join(', ')}`);

	const callsOut = output.split('\n').filter((l) => /ENOTFOUND|EAI_AGAIN/.test(l));
	if (callsOut.length) fail(`n8n tried to reach the network:\n${callsOut.slice(0, 5).join('\n')}`);
} catch (error) {
	fail(error.message);
} finally {
	if (groupAlive()) process.kill(-child.pid, 'SIGINT');
	const result = await Promise.race([exited, sleep(90_000).then(() => null)]);
	if (!result) fail('npm start did not stop within 90 s of Ctrl-C');
	for (let i = 0; i < 60 && groupAlive(); i++) await sleep(500);
	if (groupAlive()) {
		fail('processes started by npm start outlived Ctrl-C');
		process.kill(-child.pid, 'SIGKILL');
	} else console.log('[start-check] Ctrl-C stopped npm start and everything it started');
	const left = readdirSync(tmp).filter((f) => f.startsWith('aiops-'));
	if (left.length) fail(`temporary folders left behind: ${left.join(', ')}`);
	rmSync(work, { recursive: true, force: true });
}
