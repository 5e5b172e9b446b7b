// Loghub-2k helpers for the benchmark: read a dataset folder, score a parse.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Dataset {
	name: string;
	lineIds: string[];
	contents: string[];
	eventIds: string[];
}

/** RFC 4180 CSV (quoted fields, "" escapes, newlines inside quotes). */
export function parseCsv(text: string): string[][] {
	const rows: string[][] = [];
	let row: string[] = [];
	let field = '';
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (quoted) {
			if (c === '"') {
				if (text[i + 1] === '"') {
					field += '"';
					i++;
				} else quoted = false;
			} else field += c;
		} else if (c === '"') quoted = true;
		else if (c === ',') {
			row.push(field);
			field = '';
		} else if (c === '\n' || c === '\r') {
			if (c === '\r' && text[i + 1] === '\n') i++;
			row.push(field);
			rows.push(row);
			row = [];
			field = '';
		} else field += c;
	}
	if (field !== '' || row.length > 0) {
		row.push(field);
		rows.push(row);
	}
	return rows;
}

export function csvField(value: string): string {
	return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Every `<D>/<D>_2k.log_structured.csv` under `dir`, in name order. */
export function loadDatasets(dir: string): Dataset[] {
	const out: Dataset[] = [];
	for (const name of readdirSync(dir).sort()) {
		const file = join(dir, name, `${name}_2k.log_structured.csv`);
		if (!existsSync(file)) continue;
		const [header, ...rows] = parseCsv(readFileSync(file, 'utf8')).filter((r) => r.length > 1);
		const col = (n: string) => header.indexOf(n);
		const [li, ci, ei] = [col('LineId'), col('Content'), col('EventId')];
		out.push({
			name,
			lineIds: rows.map((r) => r[li]),
			contents: rows.map((r) => r[ci]),
			eventIds: rows.map((r) => r[ei]),
		});
	}
	return out;
}

export interface Score {
	groupAccuracy: number;
	pairF1: number;
	found: number;
	truth: number;
}

const pairs = (n: number) => (n * (n - 1)) / 2;

/** Group accuracy and pair F1 as the logparser benchmark computes them. */
export function score(truth: string[], parsed: string[]): Score {
	const truthSize = new Map<string, number>();
	const parsedSize = new Map<string, number>();
	const cell = new Map<string, number>();
	const parsedTruth = new Map<string, Set<string>>();
	let labelled = 0;
	for (let i = 0; i < truth.length; i++) {
		if (!truth[i]) continue;
		labelled++;
		truthSize.set(truth[i], (truthSize.get(truth[i]) ?? 0) + 1);
		parsedSize.set(parsed[i], (parsedSize.get(parsed[i]) ?? 0) + 1);
		const key = parsed[i] + '\u0000' + truth[i];
		cell.set(key, (cell.get(key) ?? 0) + 1);
		let set = parsedTruth.get(parsed[i]);
		if (!set) parsedTruth.set(parsed[i], (set = new Set()));
		set.add(truth[i]);
	}
	let correct = 0;
	for (const [p, set] of parsedTruth) {
		if (set.size !== 1) continue;
		const [t] = set;
		if (truthSize.get(t) === parsedSize.get(p)) correct += parsedSize.get(p)!;
	}
	let realPairs = 0;
	let parsedPairs = 0;
	let correctPairs = 0;
	for (const n of truthSize.values()) realPairs += pairs(n);
	for (const n of parsedSize.values()) parsedPairs += pairs(n);
	for (const n of cell.values()) correctPairs += pairs(n);
	const precision = parsedPairs ? correctPairs / parsedPairs : 1;
	const recall = realPairs ? correctPairs / realPairs : 1;
	return {
		groupAccuracy: correct / labelled,
		pairF1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
		found: parsedSize.size,
		truth: truthSize.size,
	};
}

/** One configuration's group accuracy on each dataset. */
export interface ConfigScores {
	name: string;
	ga: number[];
}

export interface LeaveOneOutFold {
	/** the dataset held out */
	heldOut: number;
	/** the configuration chosen on the others */
	chosen: string;
	ga: number;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / (xs.length || 1);

/**
 * Leave-one-system-out: for each dataset, the configuration with the best mean GA on the other
 * datasets (ties: the earlier one, so list the default first) is scored on the one held out.
 */
export function leaveOneOut(configs: ConfigScores[], datasets: number): LeaveOneOutFold[] {
	const folds: LeaveOneOutFold[] = [];
	for (let held = 0; held < datasets; held++) {
		let best = configs[0];
		let bestScore = -1;
		for (const c of configs) {
			const s = mean(c.ga.filter((_, i) => i !== held));
			if (s > bestScore + 1e-12) {
				best = c;
				bestScore = s;
			}
		}
		folds.push({ heldOut: held, chosen: best.name, ga: best.ga[held] });
	}
	return folds;
}
