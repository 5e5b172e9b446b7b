// n8n's real editor (headless Debian Chromium driven by playwright-core): a user opens Notify in a
// shipped workflow and can choose its channels, its operation and repeat suppression. n8n hides
// parameters it takes for the node's authentication selector (test/node/editorAuthField.test.ts
// has the rule); this is what the user sees.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

import { OWNER, startN8n, type N8nInstance } from './support/n8n';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const workflow = JSON.parse(
	readFileSync(join(__dirname, '../../workflows/health-checks.json'), 'utf8'),
) as { id: string; nodes: Array<{ name: string; type: string }> };
const notifyName = workflow.nodes.find((n) => n.type === 'n8n-nodes-aiops.notify')!.name;

/** What the browser showed when something failed: test-results/editor-notify.png. */
async function snapshot(page: Page) {
	mkdirSync('test-results', { recursive: true });
	await page.screenshot({ path: 'test-results/editor-notify.png' }).catch(() => undefined);
}

describe('Notify in the n8n editor', () => {
	let n8n: N8nInstance;
	let browser: Browser;
	let page: Page;

	beforeAll(async () => {
		// imported, not published: the editor is all this test needs
		n8n = await startN8n({ workflows: [workflow], publish: () => false });
		// the editor's pages are served after the REST API: wait for the sign-in page itself
		for (let i = 0; i < 600; i++) {
			const page = await fetch(`${n8n.baseUrl}/signin`, { headers: { accept: 'text/html' } });
			if (page.ok) break;
			await new Promise((r) => setTimeout(r, 500));
		}
		browser = await chromium.launch({
			executablePath: CHROMIUM,
			args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
		});
		page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
		// the editor is a large bundle: on a loaded machine it takes its time
		page.setDefaultTimeout(120_000);
		try {
			await page.goto(`${n8n.baseUrl}/signin`);
			await page.fill('input[type="email"], input[name="emailOrLdapLoginId"]', OWNER.email);
			await page.fill('input[type="password"]', OWNER.password);
			await page.keyboard.press('Enter');
			await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
		} catch (error) {
			await snapshot(page);
			throw error;
		}
	});

	afterAll(async () => {
		await browser?.close();
		await n8n?.stop();
	});

	it('shows Channels, Operation and Suppress Repeats when Notify is opened', async () => {
		await page.goto(`${n8n.baseUrl}/workflow/${workflow.id}`);
		const node = page.locator(`[data-test-id="canvas-node"][data-node-name="${notifyName}"]`);
		await node.waitFor({ timeout: 120_000 });
		await node.dblclick();
		const ndv = page.locator('[data-test-id="ndv"]');
		await ndv.waitFor({ timeout: 60_000 });
		const seen = async (text: string) => {
			const label = ndv.getByText(text, { exact: true }).first();
			await label.waitFor({ state: 'visible', timeout: 30_000 }).catch(() => undefined);
			return label.isVisible();
		};
		try {
			for (const label of ['Channels', 'Operation', 'Suppress Repeats'])
				expect(await seen(label), `"${label}" is visible`).toBe(true);
			// the channel the workflow chose, and the parameter it brings
			expect(await seen('Webhook (JSON)'), 'the chosen channel is visible').toBe(true);
			expect(await seen('Webhook URL'), 'the webhook URL is visible').toBe(true);
		} catch (error) {
			await snapshot(page);
			throw error;
		}
	});
});
