// scripts/n8n-local.mjs and scripts/temp-folders.mjs: a failing n8n CLI says its cause, import
// files (credentials in plain text) never stay behind, and temporary folders go on every way out.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { cliFailureSummary, importAndPublish } from '../../scripts/n8n-local.mjs';
import { releaseFolder, temporaryFolder } from '../../scripts/temp-folders.mjs';

const SQLITE_MISSING = readFileSync(
	join(__dirname, '../fixtures/n8n/cli-sqlite-missing.txt'),
	'utf8',
);

describe('cliFailureSummary', () => {
	it("keeps n8n's cause (recorded: sqlite3 not loadable) and drops stack frames and repeats", () => {
		const summary = cliFailureSummary(SQLITE_MISSING);
		expect(summary).toContain(
			'DriverPackageNotInstalledError: SQLite package has not been found installed',
		);
		expect(summary).toContain('Error: There was an error initializing DB');
		expect(summary).not.toMatch(/^\s+at /m);
		const lines = summary.split('\n');
		expect(new Set(lines).size).toBe(lines.length);
		expect(lines.length).toBeLessThanOrEqual(8);
	});

	it('drops migration progress', () => {
		const out = 'Starting migration A1\nFinished migration A1\nWorkflow structure is invalid\n';
		expect(cliFailureSummary(out)).toBe('Workflow structure is invalid');
	});
});

describe('importAndPublish', () => {
	it("throws with n8n's cause and leaves no import file (credentials) behind", async () => {
		const userFolder = temporaryFolder('aiops-n8n-test-');
		try {
			// an "n8n" CLI that fails the way n8n does without a loadable sqlite3
			const cliScript = join(userFolder, 'fake-n8n.js');
			writeFileSync(
				cliScript,
				`process.stdout.write(${JSON.stringify(SQLITE_MISSING)}); process.exit(1);`,
			);
			const error = await importAndPublish({
				runtime: { node: process.execPath, n8n: cliScript },
				env: { PATH: process.env.PATH ?? '', N8N_USER_FOLDER: userFolder },
				credentials: [{ id: 'c1', name: 'x', type: 'aiopsRedisApi', data: { password: 's3cret' } }],
				workflows: [{ id: 'w1' }],
			}).catch((e: Error) => e);
			expect(error).toBeInstanceOf(Error);
			expect((error as Error).message).toContain('n8n import:credentials');
			expect((error as Error).message).toContain('SQLite package has not been found installed');
			expect(readdirSync(userFolder).filter((f) => f.startsWith('aiops-import-'))).toEqual([]);
		} finally {
			releaseFolder(userFolder);
		}
	});
});

/** Runs a child that makes a temporary folder, prints it, and once told to, does `then`. */
async function childWithFolder(then: string, signal?: NodeJS.Signals) {
	const module = join(__dirname, '../../scripts/temp-folders.mjs');
	const child = spawn(
		process.execPath,
		[
			'--input-type=module',
			'-e',
			`import { temporaryFolder } from ${JSON.stringify(module)};
			 console.log(temporaryFolder('aiops-pack-test-'));
			 await new Promise((go) => process.stdin.once('data', go));
			 process.stdin.destroy();
			 ${then}`,
		],
		{ stdio: ['pipe', 'pipe', 'pipe'] },
	);
	const folder = await new Promise<string>((resolve) =>
		child.stdout.once('data', (d) => resolve(String(d).trim())),
	);
	expect(existsSync(folder)).toBe(true);
	// the child goes on (exits, throws, or waits for the signal) only once the folder was seen
	child.stdin.end('go\n');
	if (signal) {
		await new Promise((r) => setTimeout(r, 200));
		child.kill(signal);
	}
	const exit = await new Promise<{ code: number | null; signal: string | null }>((resolve) =>
		child.once('exit', (code, sig) => resolve({ code, signal: sig })),
	);
	return { folder, exit };
}

describe('temporary folders', () => {
	it('are removed on a normal exit', async () => {
		const { folder, exit } = await childWithFolder('');
		expect(exit.code).toBe(0);
		expect(existsSync(folder)).toBe(false);
	});

	it('are removed when the process fails with an uncaught error', async () => {
		const { folder, exit } = await childWithFolder('throw new Error("boom");');
		expect(exit.code).not.toBe(0);
		expect(existsSync(folder)).toBe(false);
	});

	it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)(
		'are removed on %s, and the process still ends by that signal',
		async (signal) => {
			const { folder, exit } = await childWithFolder('setInterval(() => {}, 1000);', signal);
			expect(exit.signal).toBe(signal);
			expect(existsSync(folder)).toBe(false);
		},
	);
});
