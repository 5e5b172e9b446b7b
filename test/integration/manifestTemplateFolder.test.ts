// readTemplateFolder against a real folder: what it reads, what it refuses.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { readTemplateFolder } from '../../lib/manifests';

let folder: string;
beforeEach(() => {
	folder = mkdtempSync(join(tmpdir(), 'aiops-template-folder-'));
	mkdirSync(join(folder, 'frameworks', 'flask'), { recursive: true });
	writeFileSync(join(folder, 'frameworks', 'flask', 'deployment.yaml.hbs'), 'kind: Deployment\n');
	writeFileSync(join(folder, 'README.md'), 'notes');
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

describe('readTemplateFolder', () => {
	it('reads the .hbs files by their path under the folder, and nothing else', async () => {
		mkdirSync(join(folder, 'partials'));
		writeFileSync(join(folder, 'partials', 'probes.hbs'), 'livenessProbe: {}\n');
		expect(await readTemplateFolder(folder)).toEqual({
			'frameworks/flask/deployment.yaml': 'kind: Deployment\n',
			'partials/probes': 'livenessProbe: {}\n',
		});
	});

	it('refuses a file whose name is no template name', async () => {
		writeFileSync(join(folder, 'frameworks', 'flask', 'Deployment.YAML.hbs'), 'x');
		await expect(readTemplateFolder(folder)).rejects.toMatchObject({
			field: 'templateFolder/frameworks/flask/Deployment.YAML.hbs',
			message: expect.stringMatching(/is not a template name/),
		});
	});

	it("asks before reading each file, symlinks included (the node's check resolves them, as n8n does)", async () => {
		const outside = mkdtempSync(join(tmpdir(), 'aiops-outside-'));
		try {
			writeFileSync(join(outside, 'secret.hbs'), 'kind: Secret\n');
			mkdirSync(join(folder, 'base'));
			symlinkSync(join(outside, 'secret.hbs'), join(folder, 'base', 'extra.yaml.hbs'));
			const asked: string[] = [];
			const mayRead = async (path: string) => {
				asked.push(path);
				return !path.endsWith('extra.yaml.hbs');
			};
			await expect(readTemplateFolder(folder, mayRead)).rejects.toMatchObject({
				field: 'templateFolder',
				message: expect.stringMatching(/reading .*extra\.yaml\.hbs is not allowed/),
			});
			expect(asked.length).toBeGreaterThan(0);
		} finally {
			rmSync(outside, { recursive: true, force: true });
		}
	});

	it('says so when the folder is missing or holds no templates', async () => {
		await expect(readTemplateFolder(join(folder, 'nope'))).rejects.toMatchObject({
			field: 'templateFolder',
			message: expect.stringMatching(/cannot read/),
		});
		const empty = join(folder, 'empty');
		mkdirSync(empty);
		await expect(readTemplateFolder(empty)).rejects.toMatchObject({
			message: expect.stringMatching(/holds no \.hbs templates/),
		});
	});
});
