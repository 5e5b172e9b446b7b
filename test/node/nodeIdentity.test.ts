// How the package's nodes present themselves in n8n's node creator and canvas (the built nodes,
// their codex files and icons as packed): a search for "aiops" finds every node, and no icon
// looks like n8n's own issue marker (a big filled warning triangle).
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

import { loadNode } from '../harness/nodeHarness';

const ROOT = join(__dirname, '../..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const nodeFiles: string[] = pkg.n8n.nodes;

/** Vertices of an SVG path made only of straight segments; null when it has curves or arcs. */
function polygon(d: string): Array<[number, number]> | null {
	if (/[cCsSqQtTaA]/.test(d)) return null;
	const tokens = d.match(/[MLHVZmlhvz]|-?\d*\.?\d+/g) ?? [];
	const points: Array<[number, number]> = [];
	let x = 0;
	let y = 0;
	let cmd = '';
	for (let i = 0; i < tokens.length; ) {
		if (/[A-Za-z]/.test(tokens[i])) cmd = tokens[i++];
		if (/[zZ]/.test(cmd)) continue;
		const n = () => Number(tokens[i++]);
		if (cmd === 'M' || cmd === 'L') [x, y] = [n(), n()];
		else if (cmd === 'm' || cmd === 'l') [x, y] = [x + n(), y + n()];
		else if (cmd === 'H') x = n();
		else if (cmd === 'h') x += n();
		else if (cmd === 'V') y = n();
		else if (cmd === 'v') y += n();
		points.push([x, y]);
	}
	return points;
}

/** A filled path with three corners covering most of the icon: a warning sign. */
function warningTriangles(svg: string): string[] {
	const [, , w, h] = (/viewBox="([^"]+)"/.exec(svg)?.[1] ?? '0 0 24 24').split(/\s+/).map(Number);
	return [...svg.matchAll(/<path\b[^>]*>/g)]
		.map((m) => m[0])
		.filter((tag) => !/fill="none"/.test(tag))
		.filter((tag) => {
			const pts = polygon(/\bd="([^"]+)"/.exec(tag)?.[1] ?? '');
			if (!pts || new Set(pts.map((p) => p.join())).size !== 3) return false;
			const xs = pts.map((p) => p[0]);
			const ys = pts.map((p) => p[1]);
			const area = (Math.max(...xs) - Math.min(...xs)) * (Math.max(...ys) - Math.min(...ys));
			return area > 0.4 * w * h;
		});
}

describe.each(nodeFiles.map((f) => [basename(f, '.node.js'), f]))('%s', (name, file) => {
	const description = loadNode(name).description;

	it('is found by searching "aiops" in the node creator (codex alias)', () => {
		const codex = JSON.parse(readFileSync(join(ROOT, file.replace(/\.js$/, '.json')), 'utf8'));
		expect(codex.node).toBe(`n8n-nodes-aiops.${description.name}`);
		expect((codex.alias as string[]).map((a) => a.toLowerCase())).toContain('aiops');
	});

	it('has light and dark icons, neither a warning triangle', () => {
		const icon = description.icon as { light: string; dark: string };
		for (const variant of [icon.light, icon.dark]) {
			const path = resolve(ROOT, dirname(file), variant.replace(/^file:/, ''));
			expect(existsSync(path), path).toBe(true);
			expect(warningTriangles(readFileSync(path, 'utf8')), path).toEqual([]);
		}
	});
});

it('recognises the warning triangle Aggregate Incident used to have', () => {
	expect(
		warningTriangles(
			'<svg viewBox="0 0 64 64"><path d="M32 6l27 50H5z" fill="#d1242f"/><path d="M32 24v14" stroke="#fff"/></svg>',
		),
	).toHaveLength(1);
});
