// Starts n8n with this package installed as a community package and the shipped workflows
// imported and published. Data lives in AIOPS_N8N_HOME (default ~/.n8n-aiops); the port is
// N8N_PORT (default 5678). Ctrl-C stops n8n.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

import {
	importAndPublish,
	installCommunityPackage,
	n8nEnv,
	n8nRuntime,
	packTarball,
	ROOT,
} from './n8n-local.mjs';

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
await installCommunityPackage(userFolder, await packTarball());

const env = n8nEnv({
	userFolder,
	port,
	brokerPort: port + 1,
	host,
	extra: { N8N_LOG_LEVEL: process.env.N8N_LOG_LEVEL ?? 'info' },
});
const workflowsDir = join(ROOT, 'workflows');
const workflows = existsSync(workflowsDir)
	? readdirSync(workflowsDir)
			.filter((f) => f.endsWith('.json'))
			.map((f) => JSON.parse(readFileSync(join(workflowsDir, f), 'utf8')))
	: [];
const credentialsFile = join(workflowsDir, 'credentials', 'embedded-defaults.json');
const credentials = existsSync(credentialsFile)
	? JSON.parse(readFileSync(credentialsFile, 'utf8'))
	: [];
if (workflows.length || credentials.length) {
	log(`importing ${workflows.length} workflow(s) and ${credentials.length} credential(s)`);
	await importAndPublish({ runtime, env, credentials, workflows });
}

const child = spawn(runtime.node, [runtime.n8n, 'start'], { env, stdio: 'inherit' });
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
log(`n8n is running: open ${base}/ (first visit: create the owner account)`);
for (const wf of workflows) {
	for (const node of wf.nodes ?? []) {
		const path = node.parameters?.path;
		if (node.webhookId && path) log(`  ${wf.name} → ${node.name}: POST ${base}/webhook/${path}`);
	}
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
