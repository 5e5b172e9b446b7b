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

exports['build:assets'] = parallel(icons, codex, templates, workflows);
