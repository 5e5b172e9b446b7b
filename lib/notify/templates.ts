// Message templates per event. The defaults live in templates/notifications/*.hbs and are
// bundled as text by esbuild (nothing is read from disk at run time); a node can replace
// one with its own template text. Templates write the markup subset of markup.ts, and every
// {{value}} is HTML-escaped by Handlebars, so data can never turn into markup.
// The compiler without lib/index.js, which would register a global require() hook for .hbs
// files in n8n's process.
import Handlebars from 'handlebars/dist/cjs/handlebars';

import alertFired from '../../templates/notifications/alert_fired.hbs';
import appDeployed from '../../templates/notifications/app_deployed.hbs';
import escalation from '../../templates/notifications/escalation.hbs';
import incidentResolved from '../../templates/notifications/incident_resolved.hbs';
import prediction from '../../templates/notifications/prediction.hbs';
import repairFailed from '../../templates/notifications/repair_failed.hbs';
import repairNeedsApproval from '../../templates/notifications/repair_needs_approval.hbs';
import repairSucceeded from '../../templates/notifications/repair_succeeded.hbs';
import { InvalidInputError } from '../errors';
import { parseMarkup, titleOf, type Span } from './markup';
import { foldedData } from './wellFormed';

export const NOTIFY_EVENTS = [
	'alert_fired',
	'escalation',
	'repair_succeeded',
	'repair_failed',
	'repair_needs_approval',
	'incident_resolved',
	'app_deployed',
	'prediction',
] as const;

export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

export const DEFAULT_TEMPLATES: Record<NotifyEvent, string> = {
	alert_fired: alertFired,
	escalation,
	repair_succeeded: repairSucceeded,
	repair_failed: repairFailed,
	repair_needs_approval: repairNeedsApproval,
	incident_resolved: incidentResolved,
	app_deployed: appDeployed,
	prediction,
};

const present = (v: unknown) => v !== undefined && v !== null && v !== '';

function toDate(value: unknown): Date | undefined {
	if (value instanceof Date) return value;
	if (typeof value === 'number') return new Date(value < 1e12 ? value * 1000 : value);
	if (typeof value === 'string' && value) {
		const d = new Date(value);
		return Number.isNaN(d.getTime()) ? undefined : d;
	}
	return undefined;
}

/** Handlebars helpers the templates may use (the last argument is Handlebars' options). */
const HELPERS: Record<string, (...args: unknown[]) => unknown> = {
	/** the first argument that is not empty */
	coalesce: (...args) => args.slice(0, -1).find(present),
	eq: (a, b) => a === b,
	json: (value) => JSON.stringify(value, null, 2),
	upper: (value) => String(value ?? '').toUpperCase(),
	join: (list, separator) =>
		Array.isArray(list) ? list.join(typeof separator === 'string' ? separator : ', ') : '',
	/** an ISO time, epoch seconds or milliseconds as `YYYY-MM-DD HH:MM:SS UTC` */
	date: (value) => {
		const d = toDate(value);
		return d
			? d
					.toISOString()
					.replace('T', ' ')
					.replace(/\.\d+Z$/, ' UTC')
			: String(value ?? '');
	},
	/** milliseconds as `850 ms`, `42 s`, `3 m 5 s`, `2 h 4 m` */
	duration: (value) => {
		const ms = Number(value);
		if (!Number.isFinite(ms)) return String(value ?? '');
		if (ms < 1000) return `${Math.round(ms)} ms`;
		const s = Math.round(ms / 1000);
		if (s < 60) return `${s} s`;
		if (s < 3600) return `${Math.floor(s / 60)} m ${s % 60} s`;
		return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} m`;
	},
	round: (value, digits) => {
		const n = Number(value);
		if (!Number.isFinite(n)) return String(value ?? '');
		const d = typeof digits === 'number' ? digits : 2;
		return String(Math.round(n * 10 ** d) / 10 ** d);
	},
};

const handlebars = Handlebars.create();
for (const [name, fn] of Object.entries(HELPERS)) handlebars.registerHelper(name, fn);

type Compiled = (data: unknown) => string;
const compiled = new Map<string, Compiled>();
const CACHE_LIMIT = 64;

function compile(source: string, field: string): Compiled {
	let fn = compiled.get(source);
	if (fn) return fn;
	try {
		const template = handlebars.compile(source, { strict: false });
		// compile() is lazy: parse now so a broken template fails here, naming the field
		template({});
		fn = template;
	} catch (error) {
		throw new InvalidInputError(
			`The template does not compile: ${(error as Error).message}`,
			field,
		);
	}
	if (compiled.size >= CACHE_LIMIT) compiled.delete(compiled.keys().next().value as string);
	compiled.set(source, fn);
	return fn;
}

export interface RenderedMessage {
	event: string;
	/** the first line, as plain text (email subject, webhook title) */
	title: string;
	spans: Span[];
}

/** Renders the template for `event` (or `templateText` when given) with the item's data. */
export function renderMessage(
	event: string,
	data: unknown,
	templateText?: string,
	field = 'template',
): RenderedMessage {
	const source = templateText?.trim() ? templateText : DEFAULT_TEMPLATES[event as NotifyEvent];
	if (source === undefined) {
		throw new InvalidInputError(
			`Unknown event "${event}": use one of ${NOTIFY_EVENTS.join(', ')}, or give a template`,
			'event',
		);
	}
	const template = compile(source, field);
	const run = (context: unknown): string => {
		try {
			return template(context ?? {});
		} catch (error) {
			throw new InvalidInputError(`The template failed: ${(error as Error).message}`, field);
		}
	};
	const text = run(data);
	const spans = parseMarkup(text.trim());
	// The title is the first line the template writes, not the first line of a value: a value
	// with line breaks would otherwise lose everything after its first break from the title
	// (the email subject). Rendered again with the values' breaks folded to spaces.
	const folded = foldedData(data);
	const titleText = JSON.stringify(folded) === JSON.stringify(data ?? null) ? text : run(folded);
	const title = titleText === text ? titleOf(spans) : titleOf(parseMarkup(titleText.trim()));
	return { event, title, spans };
}
