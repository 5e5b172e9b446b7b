// npm run bench:manifests [-- --runs 300]
//
// Render Manifests' own CPU per app: lib/manifests is bundled exactly as the node bundle does
// (esbuild, .hbs as text), then one typical app (Flask + PostgreSQL) and a full one (Django +
// PostgreSQL + Redis + worker) are rendered: the first render of the process (templates
// compiled) and the mean of warm renders. Baselines in the same process: writing the same
// objects as YAML alone, and JSON.stringify of them, to show what the rendering adds.
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1] || 300) || 300;
const dir = mkdtempSync(join(tmpdir(), 'bench-manifests-'));
const outfile = join(dir, 'manifests.cjs');
await build({
	entryPoints: ['lib/manifests/index.ts'],
	bundle: true,
	platform: 'node',
	format: 'cjs',
	target: 'node20',
	outfile,
	loader: { '.hbs': 'text' },
	logLevel: 'warning',
});
const m = createRequire(import.meta.url)(outfile);
rmSync(dir, { recursive: true, force: true });

const apps = {
	'flask + postgresql': {
		name: 'event-system',
		displayName: 'Event system',
		domain: 'event.example.com',
		framework: 'flask',
		image: 'registry.example.com/event:1.2.3',
		addons: ['postgresql'],
		env: { FEATURE: 'on' },
	},
	'django + postgresql + redis': {
		name: 'shop',
		domain: 'shop.example.com',
		framework: 'django',
		image: 'ghcr.io/example/shop:3.1.0',
		plan: 'advanced',
		addons: ['postgresql', 'redis'],
	},
};
const options = { generatePassword: () => 'bench' };
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const mean = (fn) => {
	for (let i = 0; i < 20; i++) fn();
	const t0 = process.hrtime.bigint();
	for (let i = 0; i < runs; i++) fn();
	return ms(t0) / runs;
};

console.log(`Render Manifests, ${runs} warm runs each (node ${process.version})`);
let first = true;
for (const [label, spec] of Object.entries(apps)) {
	const t0 = process.hrtime.bigint();
	const result = m.renderManifests(spec, options);
	const cold = ms(t0);
	const render = mean(() => m.renderManifests(spec, options));
	const yamlOnly = mean(() => m.toYamlStream(result.objects));
	const jsonOnly = mean(() => JSON.stringify(result.objects));
	console.log(`\n${label}: ${result.objects.length} objects, ${result.yaml.length} bytes of YAML`);
	console.log(`  first render${first ? ' (compiles the templates)' : ''}: ${cold.toFixed(1)} ms`);
	console.log(`  warm render: ${render.toFixed(2)} ms  (${Math.round(1000 / render)} apps/s)`);
	console.log(
		`  baseline, YAML output alone: ${yamlOnly.toFixed(2)} ms  (render = ${(render / yamlOnly).toFixed(1)}x)`,
	);
	console.log(
		`  baseline, JSON.stringify alone: ${jsonOnly.toFixed(3)} ms  (render = ${(render / jsonOnly).toFixed(0)}x)`,
	);
	first = false;
}
