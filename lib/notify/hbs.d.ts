// Handlebars templates are imported as text: esbuild's text loader in the build
// (scripts/build.mjs) and a small transform in vitest.config.mts.
declare module '*.hbs' {
	const text: string;
	export default text;
}

declare module 'handlebars/dist/cjs/handlebars' {
	import Handlebars from 'handlebars';
	export default Handlebars;
}
