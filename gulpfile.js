// Copies what tsc/esbuild do not emit: icons, codex files, Handlebars templates, shipped
// workflows, and the WASM/data files of the embedded PGlite store.
const { src, dest, parallel } = require('gulp');

function icons() {
	return src(['nodes/**/*.{svg,png}', 'credentials/**/*.{svg,png}', 'icons/**/*.{svg,png}'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist'));
}
function codex() {
	return src('nodes/**/*.node.json', { base: '.' }).pipe(dest('dist'));
}
function templates() {
	return src('templates/**/*', { base: '.', allowEmpty: true, encoding: false }).pipe(dest('dist'));
}
function workflows() {
	return src('workflows/**/*.json', { base: '.', allowEmpty: true }).pipe(dest('dist'));
}

// The embedded store's PGlite: a CommonJS bundle cannot find these through import.meta.url,
// so lib/store/embedded.ts loads them explicitly from dist/pglite.
function pglite() {
	// dist/index.cjs is the package's "require" entry; the files sit beside it.
	const dir = require('path').dirname(require.resolve('@electric-sql/pglite'));
	return src(
		['pglite.wasm', 'pglite.data', 'initdb.wasm'].map((f) => `${dir}/${f}`),
		{
			encoding: false,
		},
	).pipe(dest('dist/pglite'));
}

exports['build:assets'] = parallel(icons, codex, templates, workflows, pglite);
