// What one run does to one scope's state, as a pure function: learn (or only match) a batch of
// lines, tell which templates are new after the warm-up and which known ones burst, and give
// the next state. Being pure and deterministic, a run that loses a compare-and-set race is
// replayed on the newer state with the same result as if it had come second.
import { InvalidInputError } from '../errors';
import type { MinerOptions, MinerState } from './miner';
import { TemplateMiner } from './miner';
import type { BurstOptions, RateHistory } from './rates';
import { addRate, checkBurst, DEFAULT_BURST_OPTIONS, validateBurstOptions } from './rates';
import { joinRecords } from './records';

export interface ScopeState {
	miner: MinerState;
	/** lines learned in this scope, ever */
	lines: number;
	/** ms: the first line learned (warm-up by time counts from here) */
	since: number | null;
	/** ms: the last learning run (a run's rate window starts here) */
	lastRunAt: number | null;
	/** template id → its rate history */
	rates: Record<string, RateHistory>;
	/** `pod/container` → RFC 3339 time of the last log line read (the pod log source) */
	cursors: Record<string, string>;
}

export function emptyScopeState(): ScopeState {
	return {
		miner: { clusters: [], aliases: {} },
		lines: 0,
		since: null,
		lastRunAt: null,
		rates: {},
		cursors: {},
	};
}

export interface WarmUp {
	/** lines the scope must have learned before a template can be new */
	lines: number;
	/** minutes since the scope's first line before a template can be new */
	minutes: number;
}

export const DEFAULT_WARM_UP: Readonly<WarmUp> = Object.freeze({ lines: 1000, minutes: 60 });

export interface ScopeOptions {
	miner?: Partial<MinerOptions>;
	warmUp?: WarmUp;
	burst?: BurstOptions;
}

/** One log line and where it came from. */
export interface LogLine {
	text: string;
	/** ms; default: the run's time */
	at?: number;
	namespace?: string;
	workload?: string;
	pod?: string;
	container?: string;
	/** the input item it came from */
	item?: number;
	/**
	 * Where the line is in its source (pod log: key `pod/container`, position its normalised
	 * timestamp): a line at or before the scope's cursor for the key was read by an earlier run
	 * and is skipped; learning moves the cursor.
	 */
	cursor?: { key: string; position: string };
}

export interface LineResult {
	/** template id (the final one of this run); undefined when Match finds none or skipped */
	id?: string;
	params: string[];
	/** an earlier run read this line already (see LogLine.cursor) */
	skipped?: boolean;
	/** the line continues the record (a stack trace …) that starts at this line of the run */
	partOf?: number;
}

/** A template as one run saw it. */
export interface TemplateRun {
	id: string;
	text: string;
	/** lines of it in this run */
	count: number;
	/** lines of it ever (learned) */
	total: number;
	firstSeen: number;
	lastSeen: number;
	/** the template's first line ever */
	sample: string;
	/** its first line in this run */
	firstLine: LogLine;
	/** first seen in this run, after the warm-up */
	isNew: boolean;
	burst: boolean;
	/** lines per minute in this run's window, its history's mean and σ (0 without a window) */
	rate: number;
	rateMean: number;
	rateSigma: number;
	/** indexes of the lines of this run that start a record of this template */
	lines: number[];
}

export interface RunResult {
	state: ScopeState;
	lines: LineResult[];
	/** templates seen in this run, in order of first line */
	templates: TemplateRun[];
	/** lines in this run whose template is unknown (Match only) */
	unknown: number[];
	/** whether the warm-up was over at the end of the run */
	warm: boolean;
	/** clusters evicted by the size bound in this run */
	evicted: number;
}

function validateWarmUp(w: WarmUp): WarmUp {
	if (!(w.lines >= 0) || !(w.minutes >= 0)) {
		throw new InvalidInputError('warm-up lines and minutes must be 0 or more', 'warmUp');
	}
	return w;
}

function isWarm(lines: number, since: number, now: number, w: WarmUp): boolean {
	return lines >= w.lines && now - since >= w.minutes * 60_000;
}

/** The stream a line is part of: its container's log, else its input item. */
function streamOf(line: LogLine): string {
	if (line.cursor) return line.cursor.key;
	if (line.pod !== undefined || line.container !== undefined)
		return `${line.pod}/${line.container}`;
	return `#${line.item ?? ''}`;
}

/**
 * The batch's records (a trace's lines are one), stream by stream, in the order of their first
 * line; skipped lines are in none.
 */
function recordsOf(lines: LogLine[], skipped: boolean[]): number[][] {
	const streams = new Map<string, number[]>();
	lines.forEach((line, i) => {
		if (skipped[i]) return;
		const key = streamOf(line);
		const list = streams.get(key);
		if (list) list.push(i);
		else streams.set(key, [i]);
	});
	const records: number[][] = [];
	for (const indexes of streams.values()) {
		for (const r of joinRecords(indexes.map((i) => lines[i].text)))
			records.push(r.map((k) => indexes[k]));
	}
	return records.sort((a, b) => a[0] - b[0]);
}

/**
 * Learns a batch into a scope (or only matches it, `learn: false`) at time `now` (ms). The
 * input state is not modified.
 */
export function runScope(
	state: ScopeState,
	lines: LogLine[],
	now: number,
	options: ScopeOptions = {},
	learn = true,
): RunResult {
	const warmUp = validateWarmUp(options.warmUp ?? DEFAULT_WARM_UP);
	const burstOptions = validateBurstOptions(options.burst ?? DEFAULT_BURST_OPTIONS);
	const miner = new TemplateMiner(options.miner, state.miner);
	const since = state.since ?? now;
	const ids: (string | undefined)[] = [];
	const results: LineResult[] = [];
	const createdWarm = new Set<string>();
	const unknown: number[] = [];
	const cursors = { ...state.cursors };
	let learned = 0;
	// lines an earlier run read (or this batch has already) are skipped
	const skipped = lines.map((line) => {
		if (!line.cursor || !learn) return false;
		const { key, position } = line.cursor;
		if (cursors[key] !== undefined && position <= cursors[key]) return true;
		cursors[key] = position;
		return false;
	});
	const records = recordsOf(lines, skipped);
	const headOf = new Array<number>(lines.length);
	lines.forEach((_, i) => {
		ids.push(undefined);
		results.push(skipped[i] ? { params: [], skipped: true } : { params: [] });
	});
	for (const record of records) {
		const i = record[0];
		const text = record.length === 1 ? lines[i].text : record.map((k) => lines[k].text).join('\n');
		for (const k of record) headOf[k] = i;
		if (learn) {
			const r = miner.learn(text, lines[i].at ?? now);
			ids[i] = r.id;
			results[i] = { id: r.id, params: r.params };
			if (r.created && isWarm(state.lines + learned, since, now, warmUp)) createdWarm.add(r.id);
			learned++;
		} else {
			const m = miner.match(text);
			ids[i] = m?.id;
			results[i] = { id: m?.id, params: m?.params ?? [] };
			if (!m) unknown.push(i);
		}
		for (const k of record.slice(1)) results[k] = { id: ids[i], params: [], partOf: i };
	}

	// every line is named by its template at the end of the run (merges move ids on)
	const runs = new Map<string, TemplateRun>();
	const minutes = state.lastRunAt === null ? 0 : (now - state.lastRunAt) / 60_000;
	lines.forEach((_, k) => {
		if (headOf[k] !== undefined && headOf[k] !== k) {
			const head = ids[headOf[k]];
			if (head !== undefined) results[k].id = miner.resolve(head) ?? head;
		}
	});
	ids.forEach((id, i) => {
		if (id === undefined) return;
		const final = miner.resolve(id) ?? id;
		results[i].id = final;
		let run = runs.get(final);
		if (!run) {
			const t = miner.template(final);
			if (!t) return;
			run = {
				id: final,
				text: t.text,
				count: 0,
				total: t.count,
				firstSeen: t.firstSeen,
				lastSeen: t.lastSeen,
				sample: t.sample,
				firstLine: lines[i],
				isNew: createdWarm.has(final),
				burst: false,
				rate: 0,
				rateMean: 0,
				rateSigma: 0,
				lines: [],
			};
			runs.set(final, run);
		}
		run.count++;
		run.lines.push(i);
	});
	for (const run of runs.values()) {
		const check = checkBurst(state.rates[run.id], run.count, minutes, burstOptions);
		run.rate = check.rate;
		run.rateMean = check.mean;
		run.rateSigma = check.sigma;
		run.burst = !run.isNew && check.burst;
	}

	let next = state;
	if (learn) {
		const rates: Record<string, RateHistory> = {};
		for (const t of miner.templates()) {
			const before = state.rates[t.id];
			if (minutes > 0) rates[t.id] = addRate(before, (runs.get(t.id)?.count ?? 0) / minutes);
			else if (before) rates[t.id] = before;
		}
		next = {
			miner: miner.state(),
			lines: state.lines + learned,
			since: learned ? since : state.since,
			lastRunAt: now,
			rates,
			cursors,
		};
	}
	return {
		state: next,
		lines: results,
		templates: [...runs.values()],
		unknown,
		warm: isWarm(next.lines, next.since ?? now, now, warmUp),
		evicted: miner.evicted,
	};
}
