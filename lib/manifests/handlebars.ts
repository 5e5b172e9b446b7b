// Rendering templates without letting data become structure. A template writes every value
// as {{yaml x}} (or {{json x}} in JSON templates); the helper does not print the value but a
// placeholder string unique to this render. The text is parsed (YAML or JSON) and only then
// are the placeholders replaced by the values, as data. A value can hold newlines, quotes,
// `{{`, anchors or `---`: it never passes through a parser, so it can never add a key.
// Templates (the package's and a user's) are checked before use: bare {{x}} and {{{x}}}, which
// would print raw text, are refused, as are partials that do not exist and unknown helpers.
import { randomBytes } from 'node:crypto';
import Handlebars from 'handlebars/dist/cjs/handlebars';
import { parseAllDocuments } from 'yaml';

import { InvalidInputError } from '../errors';
import { dict } from './rules';

type HelperOptions = Handlebars.HelperOptions;

/** The helpers that print a value (as a placeholder). */
const OUTPUT_HELPERS = new Set(['yaml', 'json']);
const BLOCK_HELPERS = new Set(['if', 'unless', 'each', 'with']);

/** PromQL/Go string literal: JSON's escapes are a subset of Go's. */
function goString(value: string): string {
	return JSON.stringify(value);
}

function hashOf(args: unknown[]): { params: unknown[]; hash: Record<string, unknown> } {
	const options = args[args.length - 1] as HelperOptions;
	return { params: args.slice(0, -1), hash: (options?.hash ?? {}) as Record<string, unknown> };
}

function scalarText(value: unknown, helper: string): string {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	throw new Error(
		`${helper}: expected a string or number, got ${JSON.stringify(value) ?? 'undefined'}`,
	);
}

// Helpers that compute values for {{yaml …}} (sub-expressions and block conditions).
const VALUE_HELPERS: Record<string, (...args: unknown[]) => unknown> = {
	concat: (...args) =>
		hashOf(args)
			.params.map((p) => scalarText(p, 'concat'))
			.join(''),
	eq: (...args) => {
		const [a, b] = hashOf(args).params;
		return a === b;
	},
	ne: (...args) => {
		const [a, b] = hashOf(args).params;
		return a !== b;
	},
	and: (...args) => hashOf(args).params.every(Boolean),
	or: (...args) => hashOf(args).params.some(Boolean),
	not: (...args) => !hashOf(args).params[0],
	includes: (...args) => {
		const [collection, item] = hashOf(args).params;
		return Array.isArray(collection) && collection.includes(item);
	},
	/** shallow merge of maps, later ones win: (merge labels (obj key="v")) */
	merge: (...args) =>
		Object.assign(dict(), ...hashOf(args).params.filter((p) => p && typeof p === 'object')),
	/** a map from alternating keys and values: (map "app.kubernetes.io/name" app.name "tier" "web") */
	map: (...args) => {
		const { params } = hashOf(args);
		if (params.length % 2 !== 0) throw new Error('map: expects key value pairs');
		const out = dict<unknown>();
		for (let i = 0; i < params.length; i += 2) out[scalarText(params[i], 'map')] = params[i + 1];
		return out;
	},
	/** a list from the arguments: (list "a" b) */
	list: (...args) => hashOf(args).params,
	/**
	 * PromQL with values: each $name in the query becomes the string literal of the hash
	 * argument `name`, so label values are always quoted and escaped:
	 * (promql 'up{namespace=$ns} == 0' ns=app.namespace)
	 */
	promql: (...args) => {
		const { params, hash } = hashOf(args);
		const query = scalarText(params[0], 'promql');
		return query.replace(/\$([A-Za-z][A-Za-z0-9_]*)/g, (whole, name: string) =>
			Object.prototype.hasOwnProperty.call(hash, name)
				? goString(scalarText(hash[name], 'promql'))
				: whole,
		);
	},
	/**
	 * Text for Prometheus alert annotations, which Prometheus expands as Go templates: a `{{`
	 * in a user's text is printed literally instead of being run.
	 */
	promText: (...args) =>
		scalarText(hashOf(args).params[0], 'promText').replace(/\{\{/g, '{{ "{{" }}'),
};

export type TemplateFormat = 'yaml' | 'json';

interface Slots {
	token: string;
	values: unknown[];
}

const env = Handlebars.create();
for (const [name, fn] of Object.entries(VALUE_HELPERS)) env.registerHelper(name, fn);
const output = function (this: unknown, value: unknown, options: HelperOptions) {
	if (options === undefined || arguments.length !== 2) {
		throw new Error('{{yaml}} and {{json}} take exactly one value');
	}
	if (value === undefined) throw new Error('{{yaml}}/{{json}} of a value that does not exist');
	const slots = (options.data as { slots?: Slots }).slots;
	if (!slots) throw new Error('rendered outside renderTemplate');
	const index = slots.values.push(value) - 1;
	return new env.SafeString(JSON.stringify(`${slots.token}${index}__`));
};
env.registerHelper('yaml', output);
env.registerHelper('json', output);

type AstNode = hbs.AST.Node & Record<string, unknown>;

function where(node: hbs.AST.Node): string {
	return node.loc ? ` at line ${node.loc.start.line}` : '';
}

/**
 * Refuses what could print a value as raw text or call something unknown. Returns the partial
 * names the template uses.
 */
export function checkTemplate(
	name: string,
	text: string,
	partials: ReadonlySet<string>,
): Set<string> {
	const field = `templates.${name}`;
	const refuse = (node: hbs.AST.Node, why: string): never => {
		throw new InvalidInputError(`${field}${where(node)}: ${why}`, field);
	};
	let ast: hbs.AST.Program;
	try {
		ast = env.parse(text);
	} catch (error) {
		throw new InvalidInputError(
			`${field}: not a valid Handlebars template: ${(error as Error).message}`,
			field,
		);
	}
	const used = new Set<string>();
	const checkExpression = (node: hbs.AST.Expression) => {
		if (node.type !== 'SubExpression') return;
		const sub = node as hbs.AST.SubExpression;
		const helper = (sub.path as hbs.AST.PathExpression).original;
		if (!Object.hasOwn(VALUE_HELPERS, helper) && helper !== 'lookup') {
			refuse(
				node,
				`(${helper} …) is not a known helper; known: ${[...Object.keys(VALUE_HELPERS), 'lookup'].join(', ')}`,
			);
		}
		sub.params.forEach(checkExpression);
		sub.hash?.pairs.forEach((pair) => checkExpression(pair.value));
	};
	const visit = (node: AstNode) => {
		switch (node.type) {
			case 'Program':
				(node as unknown as hbs.AST.Program).body.forEach((n) => visit(n as AstNode));
				return;
			case 'ContentStatement':
			case 'CommentStatement':
				return;
			case 'MustacheStatement': {
				const m = node as unknown as hbs.AST.MustacheStatement;
				if (!m.escaped) refuse(node, '{{{…}}} prints raw text; write {{yaml value}}');
				const path =
					m.path.type === 'PathExpression' ? (m.path as hbs.AST.PathExpression).original : '';
				if (!OUTPUT_HELPERS.has(path) || m.params.length !== 1 || (m.hash?.pairs.length ?? 0) > 0) {
					refuse(
						node,
						`{{${path || '…'}${m.params.length ? ' …' : ''}}} would print raw text; every value must be written as {{yaml value}} (or {{json value}} in a JSON template)`,
					);
				}
				m.params.forEach(checkExpression);
				return;
			}
			case 'BlockStatement': {
				const b = node as unknown as hbs.AST.BlockStatement;
				const path = (b.path as hbs.AST.PathExpression).original;
				if (!BLOCK_HELPERS.has(path))
					refuse(node, `{{#${path}}} is not allowed; blocks: ${[...BLOCK_HELPERS].join(', ')}`);
				b.params.forEach(checkExpression);
				if (b.program) visit(b.program as unknown as AstNode);
				if (b.inverse) visit(b.inverse as unknown as AstNode);
				return;
			}
			case 'PartialStatement': {
				const p = node as unknown as hbs.AST.PartialStatement;
				const partial =
					p.name.type === 'PathExpression' ? (p.name as hbs.AST.PathExpression).original : '';
				if (!partials.has(partial)) {
					refuse(
						node,
						`partial "${partial}" does not exist; partials: ${[...partials].join(', ') || 'none'}`,
					);
				}
				if (p.params.length > 0)
					refuse(node, 'partials take no context argument; pass values as name=value');
				p.hash?.pairs.forEach((pair) => checkExpression(pair.value));
				used.add(partial);
				return;
			}
			default:
				refuse(node, `${node.type} is not allowed in a template`);
		}
	};
	visit(ast as unknown as AstNode);
	return used;
}

export interface CompiledTemplate {
	name: string;
	format: TemplateFormat;
	render(context: object, partials: Record<string, HandlebarsTemplateDelegate>): unknown[];
}

/** Puts the values in where the placeholders are (one pass over the parsed documents). */
function placeholderReplacer(slots: Slots, name: string): (value: unknown) => unknown {
	const field = `templates.${name}`;
	const whole = new RegExp(`^${slots.token}([0-9]+)__$`);
	const lookup = (text: string): { found: boolean; value?: unknown } => {
		if (!text.includes(slots.token)) return { found: false };
		const match = whole.exec(text);
		if (!match) {
			throw new InvalidInputError(
				`${field}: a {{yaml …}} value must stand alone as a whole YAML/JSON value or key, not inside other text (build strings with (concat …))`,
				field,
			);
		}
		const value = slots.values[Number(match[1])];
		// a copy: one context value may be placed twice, and must not become a shared object
		return {
			found: true,
			value: typeof value === 'object' && value !== null ? structuredClone(value) : value,
		};
	};
	const replace = (value: unknown): unknown => {
		if (typeof value === 'string') {
			const hit = lookup(value);
			return hit.found ? hit.value : value;
		}
		if (Array.isArray(value)) return value.map(replace);
		if (value && typeof value === 'object') {
			const out = dict<unknown>();
			for (const [key, v] of Object.entries(value)) {
				const hit = lookup(key);
				let realKey = key;
				if (hit.found) {
					if (typeof hit.value !== 'string' && typeof hit.value !== 'number') {
						throw new InvalidInputError(
							`${field}: a map key must be a string, got ${JSON.stringify(hit.value)}`,
							field,
						);
					}
					realKey = String(hit.value);
				}
				if (Object.prototype.hasOwnProperty.call(out, realKey)) {
					throw new InvalidInputError(
						`${field}: key ${JSON.stringify(realKey)} appears twice`,
						field,
					);
				}
				out[realKey] = replace(v);
			}
			return out;
		}
		return value;
	};
	return replace;
}

function parseRendered(text: string, format: TemplateFormat, name: string): unknown[] {
	const field = `templates.${name}`;
	if (format === 'json') {
		try {
			return [JSON.parse(text)];
		} catch (error) {
			throw new InvalidInputError(
				`${field}: did not render valid JSON: ${(error as Error).message}`,
				field,
			);
		}
	}
	const docs = parseAllDocuments(text, { uniqueKeys: true, merge: false });
	const list = Array.isArray(docs) ? docs : [docs];
	return list.map((doc) => {
		const problem = doc.errors[0] ?? doc.warnings[0];
		if (problem)
			throw new InvalidInputError(`${field}: did not render valid YAML: ${problem.message}`, field);
		try {
			return doc.toJS({ maxAliasCount: 0 });
		} catch (error) {
			// aliases (*x) are refused: templates have no use for them, and they can multiply data
			throw new InvalidInputError(
				`${field}: did not render valid YAML: ${(error as Error).message}`,
				field,
			);
		}
	});
}

export function compileTemplate(name: string, text: string): CompiledTemplate {
	const format: TemplateFormat = name.endsWith('.json') ? 'json' : 'yaml';
	const template = env.compile(text, { strict: true, noEscape: false });
	return {
		name,
		format,
		render(context, partials) {
			const slots: Slots = { token: `__v${randomBytes(8).toString('hex')}_`, values: [] };
			let rendered: string;
			try {
				rendered = template(context, { data: { slots }, partials });
			} catch (error) {
				const field = `templates.${name}`;
				throw new InvalidInputError(`${field}: ${(error as Error).message}`, field);
			}
			const replace = placeholderReplacer(slots, name);
			return parseRendered(rendered, format, name)
				.filter((doc) => doc !== null && doc !== undefined)
				.map(replace);
		},
	};
}

export function compilePartial(text: string): HandlebarsTemplateDelegate {
	return env.compile(text, { strict: true, noEscape: false });
}
