// The set of templates one render uses: the package's own, with a user's overrides on top (text
// from a node parameter, or files from a folder). Names follow the folder layout:
//   base/*.yaml                 always rendered
//   frameworks/<framework>/*.yaml  rendered for that framework
//   addons/<addon>.yaml         rendered when the app has that addon
//   monitoring/*.yaml           always rendered (a template may render nothing)
//   monitoring/dashboard.json   the Grafana dashboard
//   partials/<name>             pieces the others include with {{> partials/<name>}}
// A folder may also add templates of its own under base/, frameworks/<f>/, addons/ and
// monitoring/; they are rendered like the package's.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

import { InvalidInputError } from '../errors';
import { BUILTIN_TEMPLATES } from './builtinTemplates';
import { FRAMEWORKS, type Framework } from './frameworks';
import {
	checkTemplate,
	compilePartial,
	compileTemplate,
	type CompiledTemplate,
} from './handlebars';
import { dict } from './rules';
import { ADDONS, type AddonType } from './spec';

export const DASHBOARD_TEMPLATE = 'monitoring/dashboard.json';

const LAYOUT = new RegExp(
	`^(base/[a-z0-9][-a-z0-9.]*\\.yaml|frameworks/(${FRAMEWORKS.join('|')})/[a-z0-9][-a-z0-9.]*\\.yaml|addons/(${ADDONS.join('|')})\\.yaml|monitoring/[a-z0-9][-a-z0-9.]*\\.yaml|${DASHBOARD_TEMPLATE.replace('.', '\\.')}|partials/[a-z0-9][-a-z0-9]*)$`,
);

export const TEMPLATE_NAMES = Object.keys(BUILTIN_TEMPLATES).sort();

/** Checks that a user's template name fits the layout (a typo would otherwise be ignored). */
export function templateName(name: string, field: string): string {
	if (!LAYOUT.test(name)) {
		throw new InvalidInputError(
			`${field}: "${name}" is not a template name; names are paths under templates/ without .hbs, e.g. ${TEMPLATE_NAMES.slice(0, 3).join(', ')} (partials/<name> for partials)`,
			field,
		);
	}
	return name;
}

export interface TemplateSet {
	/** the templates that render objects for this framework and these addons, in layout order */
	objectTemplates(framework: Framework, addons: AddonType[]): CompiledTemplate[];
	dashboard(): CompiledTemplate;
	partials: Record<string, HandlebarsTemplateDelegate>;
	/** names whose text is not the package's */
	overridden: string[];
}

// Compiling is the slow part of a render; the package's templates are compiled once per
// process, a user's once per distinct text.
const compiled = new Map<string, CompiledTemplate>();
const compiledPartials = new Map<string, HandlebarsTemplateDelegate>();
const checked = new Set<string>();

const MAX_CACHED = 500;

function remember<T>(cache: Map<string, T>, key: string, value: T): T {
	if (cache.size >= MAX_CACHED) cache.clear();
	cache.set(key, value);
	return value;
}

function cacheKey(name: string, text: string): string {
	return `${name}\u0000${text}`;
}

/**
 * Builds the template set from the package's templates and the overrides (name → text).
 * Every template is checked (no raw output, known helpers and partials) before anything renders.
 */
export function templateSet(overrides: Record<string, string> = {}): TemplateSet {
	const texts = Object.assign(dict<string>(), BUILTIN_TEMPLATES);
	for (const [name, text] of Object.entries(overrides)) {
		texts[templateName(name, `templates.${name}`)] = text;
	}
	const partialNames = new Set(Object.keys(texts).filter((n) => n.startsWith('partials/')));
	const partialList = [...partialNames].sort().join(',');
	for (const [name, text] of Object.entries(texts)) {
		const key = `${cacheKey(name, text)}\u0000${partialList}`;
		if (checked.has(key)) continue;
		checkTemplate(name, text, partialNames);
		if (checked.size >= MAX_CACHED) checked.clear();
		checked.add(key);
	}
	const compile = (name: string): CompiledTemplate => {
		const key = cacheKey(name, texts[name]);
		return compiled.get(key) ?? remember(compiled, key, compileTemplate(name, texts[name]));
	};
	const partials = dict<HandlebarsTemplateDelegate>();
	for (const name of partialNames) {
		const key = cacheKey(name, texts[name]);
		partials[name] =
			compiledPartials.get(key) ?? remember(compiledPartials, key, compilePartial(texts[name]));
	}
	const names = Object.keys(texts).sort();
	return {
		objectTemplates(framework, addons) {
			const wanted = (name: string) =>
				(name.startsWith('base/') && name.endsWith('.yaml')) ||
				name.startsWith(`frameworks/${framework}/`) ||
				addons.some((addon) => name === `addons/${addon}.yaml`) ||
				(name.startsWith('monitoring/') && name.endsWith('.yaml'));
			const main = (name: string) => (name.endsWith('/deployment.yaml') ? 1 : 0);
			const group = (name: string) =>
				['base/', 'frameworks/', 'addons/', 'monitoring/'].findIndex((p) => name.startsWith(p));
			return (
				names
					.filter(wanted)
					// within a folder the main workload first (a framework's deployment before its worker)
					.sort((a, b) => group(a) - group(b) || main(b) - main(a) || a.localeCompare(b))
					.map(compile)
			);
		},
		dashboard: () => compile(DASHBOARD_TEMPLATE),
		partials,
		overridden: Object.keys(overrides).filter(
			(name) => overrides[name] !== BUILTIN_TEMPLATES[name],
		),
	};
}

/**
 * Reads a folder laid out like templates/ (only `*.hbs` files count). The files override the
 * package's templates of the same name, or add templates.
 */
export async function readTemplateFolder(
	folder: string,
	/** asked for every file before it is read (n8n's file access restrictions) */
	mayRead: (path: string) => Promise<boolean> = async () => true,
): Promise<Record<string, string>> {
	const field = 'templateFolder';
	let entries: string[];
	try {
		entries = (await readdir(folder, { recursive: true })) as string[];
	} catch (error) {
		throw new InvalidInputError(
			`${field}: cannot read ${folder}: ${(error as Error).message}`,
			field,
		);
	}
	const out: Record<string, string> = {};
	for (const entry of entries.filter((e) => e.endsWith('.hbs')).sort()) {
		const path = join(folder, entry);
		const name = relative(folder, path)
			.split(sep)
			.join('/')
			.replace(/\.hbs$/, '');
		templateName(name, `${field}/${name}.hbs`);
		if (!(await mayRead(path))) {
			throw new InvalidInputError(`${field}: reading ${path} is not allowed here`, field);
		}
		out[name] = await readFile(path, 'utf8');
	}
	if (Object.keys(out).length === 0) {
		throw new InvalidInputError(`${field}: ${folder} holds no .hbs templates`, field);
	}
	return out;
}
