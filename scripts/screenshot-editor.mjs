// Takes a screenshot of a workflow in n8n's real editor (headless Debian Chromium driven by
// playwright-core), for the README. Starts its own n8n with the built package installed.
//   node scripts/screenshot-editor.mjs workflows/alert-to-repair.json docs/alert-to-repair.png
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

import {
	importAndPublish,
	installCommunityPackage,
	n8nEnv,
	n8nRuntime,
	ownerEnv,
	packTarball,
} from './n8n-local.mjs';

const [workflowFile, outFile] = process.argv.slice(2);
if (!workflowFile || !outFile) {
	console.error('usage: node scripts/screenshot-editor.mjs <workflow.json> <out.png>');
	process.exit(2);
}
const workflow = JSON.parse(readFileSync(workflowFile, 'utf8'));
const owner = { email: 'owner@aiops.test', password: 'Owner-passw0rd' };
const freePort = () =>
	new Promise((res) => {
		const s = createServer().listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => res(port));
		});
	});

const runtime = await n8nRuntime();
const userFolder = mkdtempSync(join(tmpdir(), 'aiops-shot-'));
await installCommunityPackage(userFolder, await packTarball());
const port = await freePort();
const env = n8nEnv({
	userFolder,
	port,
	brokerPort: await freePort(),
	extra: ownerEnv(owner),
});
await importAndPublish({ runtime, env, workflows: [{ ...workflow, id: workflow.id }] });
const n8n = spawn(runtime.node, [runtime.n8n, 'start'], { env, stdio: 'ignore' });
const base = `http://127.0.0.1:${port}`;
let browser;
try {
	// /healthz answers before the editor is served: wait for the sign-in page itself
	const ready = () =>
		fetch(`${base}/signin`, { headers: { accept: 'text/html' } }).then(
			(r) => r.ok,
			() => false,
		);
	for (let i = 0; i < 360 && !(await ready()); i++) {
		await new Promise((r) => setTimeout(r, 500));
	}
	browser = await chromium.launch({
		executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
	});
	const page = await browser.newPage({
		viewport: { width: 1600, height: 900 },
		deviceScaleFactor: 1,
	});
	await page.goto(`${base}/signin`);
	await page.fill(
		'input[type="email"], input[name="emailOrLdapLoginId"], input[name="email"]',
		owner.email,
	);
	await page.fill('input[type="password"]', owner.password);
	await page.keyboard.press('Enter');
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 60_000 });
	await page.goto(`${base}/workflow/${workflow.id}`);
	await page.waitForSelector('[data-test-id="canvas-node"]', { timeout: 60_000 });
	await page.waitForTimeout(1500);
	// close n8n's "Production Checklist" popover, which would cover part of the canvas
	const checklist = page
		.locator('text=Production Checklist')
		.locator('xpath=ancestor::*[.//button][1]')
		.locator('button')
		.first();
	if (await checklist.count()) await checklist.click().catch(() => undefined);
	await page.mouse.click(800, 650);
	await page.keyboard.press('1'); // zoom to fit
	await page.waitForTimeout(1000);
	const problems = await page.locator('text=Install this node to use it').count();
	mkdirSync(dirname(resolve(outFile)), { recursive: true });
	await page.screenshot({ path: outFile });
	console.log(
		`wrote ${outFile}${problems ? ` — WARNING: ${problems} node(s) show "Install this node"` : ''}`,
	);
} catch (error) {
	const pages = browser ? browser.contexts().flatMap((c) => c.pages()) : [];
	if (pages[0]) await pages[0].screenshot({ path: `${outFile}.error.png` }).catch(() => undefined);
	throw error;
} finally {
	await browser?.close();
	n8n.kill('SIGTERM');
	await new Promise((r) => n8n.once('exit', r));
	rmSync(userFolder, { recursive: true, force: true });
}
