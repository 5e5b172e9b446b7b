// Handlebars templates are imported as their text (esbuild `loader: { '.hbs': 'text' }`, and the
// `hbs-text` plugin in vitest.config.mts).
declare module '*.hbs' {
	const text: string;
	export default text;
}

// Handlebars' compiler without its package entry point (lib/index.js), which registers
// require.extensions['.hbs'] in the host process (n8n) as a side effect of being loaded.
declare module 'handlebars/dist/cjs/handlebars' {
	const handlebars: typeof import('handlebars');
	export default handlebars;
}
