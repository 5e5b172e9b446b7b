// A node's batch of input items as Log Patterns runs it: each item's lines go to the item's
// scope, each scope is run once (one compare-and-set per scope per execution), and the results
// come back per item, per line or per template, as plain JSON.
import { InvalidInputError } from '../errors';
import type { LogLine, RunResult, ScopeOptions, TemplateRun } from './scope';
import type { LearnOptions } from './service';
import { learnInScope, matchInScope } from './service';
import { patternSignal } from './signals';
import type { LogStateStore } from './store';

export type Json = Record<string, unknown>;

/** Lines of one scope. */
export interface ScopeLines {
	scope: string;
	lines: LogLine[];
}

/** An input item's lines, by scope (an item's pods may belong to several workloads). */
export type ItemLines = ScopeLines[];

export interface ScopeRun {
	scope: string;
	run: RunResult;
	/** every line the scope ran, in order (run.lines[i] is the result of lines[i]) */
	lines: LogLine[];
}

/** An item's scope runs and which of each scope's lines are the item's, or the item's error. */
export type ItemRun = { ok: { scope: ScopeRun; lines: number[] }[] } | { error: Error };

/**
 * The lines of a field value: a string (split at line breaks) or an array of strings (one
 * line each). `field` and `item` name the value in errors.
 */
export function linesOf(value: unknown, field: string, item: number): string[] {
	if (value === undefined || value === null) {
		throw new InvalidInputError(`Item ${item} has no field "${field}" with log lines`, field);
	}
	if (typeof value === 'string') return value.split(/\r?\n/).filter((l) => l.trim() !== '');
	if (Array.isArray(value)) {
		return value.map((v, k) => {
			if (typeof v !== 'string') {
				throw new InvalidInputError(
					`Item ${item}: ${field}[${k}] must be a string, got ${v === null ? 'null' : typeof v}`,
					`${field}[${k}]`,
				);
			}
			return v;
		});
	}
	throw new InvalidInputError(
		`Item ${item}: ${field} must be a string or an array of strings, got ${typeof value}`,
		field,
	);
}

/** The default scope of a line source: `namespace/workload`. */
export function defaultScope(namespace = '', workload = ''): string {
	return `${namespace}/${workload}`;
}

/**
 * Runs every scope of the batch once (learning, or only matching) and gives each item its
 * scopes' runs and which of their lines are the item's. A scope whose store fails fails the
 * items with lines in it only.
 */
export async function runItems(
	store: LogStateStore,
	items: (ItemLines | Error)[],
	now: number,
	options: LearnOptions & ScopeOptions,
	learn: boolean,
): Promise<ItemRun[]> {
	const scopes = new Map<string, { lines: LogLine[]; items: Map<number, number[]> }>();
	items.forEach((it, i) => {
		if (it instanceof Error) return;
		for (const part of it) {
			let s = scopes.get(part.scope);
			if (!s) scopes.set(part.scope, (s = { lines: [], items: new Map() }));
			const mine = s.items.get(i) ?? [];
			for (const line of part.lines) {
				mine.push(s.lines.length);
				s.lines.push({ ...line, item: i });
			}
			s.items.set(i, mine);
		}
	});
	const runs = new Map<string, ScopeRun | Error>();
	for (const [scope, s] of scopes) {
		try {
			const run = learn
				? await learnInScope(store, scope, s.lines, now, options)
				: await matchInScope(store, scope, s.lines, now, options);
			runs.set(scope, { scope, run, lines: s.lines });
		} catch (error) {
			runs.set(scope, error as Error);
		}
	}
	return items.map((it, i) => {
		if (it instanceof Error) return { error: it };
		const parts: { scope: ScopeRun; lines: number[] }[] = [];
		for (const scope of new Set(it.map((p) => p.scope))) {
			const run = runs.get(scope)!;
			if (run instanceof Error) return { error: run };
			parts.push({ scope: run, lines: scopes.get(scope)!.items.get(i)! });
		}
		return { ok: parts };
	});
}

function iso(ms: number): string {
	return new Date(ms).toISOString();
}

/** What a new or bursting template adds to its output: the fields Record Anomaly takes. */
function signalFields(t: TemplateRun, now: number): Json {
	if (!t.isNew && !t.burst) return {};
	const line = t.firstLine;
	const signal = patternSignal(
		t.isNew ? 'new' : 'burst',
		t.id,
		line,
		t.isNew ? (line.at ?? now) : now,
	);
	return { ...signal, error_type: t.id, container: line.container ?? '' };
}

/** One output item per template seen in the run. */
export function templateJson(scope: string, t: TemplateRun, lines: LogLine[], now: number): Json {
	const pods = new Set<string>();
	const containers = new Set<string>();
	const items = new Set<number>();
	for (const i of t.lines) {
		if (lines[i].pod) pods.add(lines[i].pod!);
		if (lines[i].container) containers.add(lines[i].container!);
		if (lines[i].item !== undefined) items.add(lines[i].item!);
	}
	return {
		scope,
		template_id: t.id,
		template: t.text,
		new: t.isNew,
		burst: t.burst,
		count: t.count,
		total: t.total,
		first_seen: iso(t.firstSeen),
		last_seen: iso(t.lastSeen),
		sample: t.sample,
		first_line: t.firstLine.text,
		namespace: t.firstLine.namespace ?? '',
		workload: t.firstLine.workload ?? '',
		pod: t.firstLine.pod ?? '',
		container: t.firstLine.container ?? '',
		pods: [...pods],
		containers: [...containers],
		rate_per_minute: t.rate,
		rate_mean: t.rateMean,
		rate_sigma: t.rateSigma,
		items: [...items],
		...signalFields(t, now),
	};
}

/** One output item per line. */
export function lineJson(
	scope: string,
	run: RunResult,
	index: number,
	line: LogLine,
	byId: Map<string, TemplateRun>,
	now: number,
): Json {
	const r = run.lines[index];
	const t = r.id === undefined ? undefined : byId.get(r.id);
	return {
		scope,
		line: line.text,
		template_id: r.id ?? null,
		template: t?.text ?? null,
		params: r.params,
		known: r.id !== undefined,
		...(r.skipped ? { skipped: true } : {}),
		// a line of a multi-line record (a stack trace …): the record is its first line's
		...(r.partOf !== undefined ? { continuation: true } : {}),
		new: t?.isNew ?? false,
		burst: t?.burst ?? false,
		namespace: line.namespace ?? '',
		workload: line.workload ?? '',
		pod: line.pod ?? '',
		container: line.container ?? '',
		...(t ? signalFields(t, now) : {}),
	};
}

export type OutputMode = 'templates' | 'lines' | 'anomalies';

/**
 * The output of each item: per line (its own lines), or per template (each template under
 * the first item that had a line of it), or only the new and bursting templates.
 */
export function itemOutputs(runs: ItemRun[], mode: OutputMode, now: number): (Json[] | Error)[] {
	const byScope = new Map<ScopeRun, Map<string, TemplateRun>>();
	const templatesOf = (s: ScopeRun) => {
		let m = byScope.get(s);
		if (!m) byScope.set(s, (m = new Map(s.run.templates.map((t) => [t.id, t]))));
		return m;
	};
	return runs.map((r, item) => {
		if ('error' in r) return r.error;
		return r.ok.flatMap(({ scope: s, lines }) => {
			if (mode === 'lines') {
				const byId = templatesOf(s);
				return lines.map((i) => lineJson(s.scope, s.run, i, s.lines[i], byId, now));
			}
			return s.run.templates
				.filter(
					(t) => s.lines[t.lines[0]].item === item && (mode === 'templates' || t.isNew || t.burst),
				)
				.map((t) => templateJson(s.scope, t, s.lines, now));
		});
	});
}
