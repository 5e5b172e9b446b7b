// What a change does to an object, for dry runs and approval messages: the changed fields as
// a list (path, before, after) and a unified diff of the two YAML renderings, as `kubectl
// diff` shows it. Fields only the server manages are left out of both sides.
import { stringify } from 'yaml';

export interface FieldChange {
	path: string;
	op: 'add' | 'remove' | 'replace';
	before?: unknown;
	after?: unknown;
}

export interface ObjectDiff {
	action: 'create' | 'update' | 'unchanged' | 'delete';
	changes: FieldChange[];
	/** unified diff of the YAML, empty when unchanged */
	diff: string;
}

const MASKED_METADATA = [
	'managedFields',
	'resourceVersion',
	'generation',
	'uid',
	'creationTimestamp',
	'selfLink',
];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The object without server-managed metadata and status. */
export function comparable(o: Obj | undefined): Obj | undefined {
	if (!o) return undefined;
	const rest = { ...o };
	delete rest.status;
	const metadata = isObj(rest.metadata) ? { ...rest.metadata } : undefined;
	if (metadata) for (const k of MASKED_METADATA) delete metadata[k];
	return metadata ? { ...rest, metadata } : rest;
}

function segment(key: string): string {
	return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function itemKey(v: unknown): string | undefined {
	return isObj(v) && typeof v.name === 'string' ? v.name : undefined;
}

export function fieldChanges(before: unknown, after: unknown, path = ''): FieldChange[] {
	if (JSON.stringify(before) === JSON.stringify(after)) return [];
	if (before === undefined) return [{ path: path || '.', op: 'add', after }];
	if (after === undefined) return [{ path: path || '.', op: 'remove', before }];
	if (isObj(before) && isObj(after)) {
		const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
		return keys.flatMap((k) => fieldChanges(before[k], after[k], path + segment(k)));
	}
	if (Array.isArray(before) && Array.isArray(after)) {
		// lists of named items (containers, env, ports) compare by name, as their merge keys do
		if (before.concat(after).every((v) => itemKey(v) !== undefined)) {
			const names = [...new Set([...before, ...after].map((v) => itemKey(v)!))];
			return names.flatMap((n) =>
				fieldChanges(
					before.find((v) => itemKey(v) === n),
					after.find((v) => itemKey(v) === n),
					`${path}[name=${JSON.stringify(n)}]`,
				),
			);
		}
		if (before.length === after.length)
			return before.flatMap((v, i) => fieldChanges(v, after[i], `${path}[${i}]`));
	}
	return [{ path: path || '.', op: 'replace', before, after }];
}

/** Line diff (longest common subsequence) as unified-diff hunks with `context` lines around. */
export function unifiedDiff(a: string, b: string, labels: [string, string], context = 3): string {
	const x = a ? a.replace(/\n$/, '').split('\n') : [];
	const y = b ? b.replace(/\n$/, '').split('\n') : [];
	const n = x.length;
	const m = y.length;
	const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
	for (let i = n - 1; i >= 0; i--) {
		for (let j = m - 1; j >= 0; j--)
			lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
	}
	type Line = { tag: ' ' | '-' | '+'; text: string; ai: number; bi: number };
	const lines: Line[] = [];
	let i = 0;
	let j = 0;
	while (i < n || j < m) {
		if (i < n && j < m && x[i] === y[j]) lines.push({ tag: ' ', text: x[i++], ai: i, bi: ++j });
		// removals before additions, as diff(1) prints them
		else if (i < n && (j >= m || lcs[i + 1][j] >= lcs[i][j + 1]))
			lines.push({ tag: '-', text: x[i++], ai: i, bi: j });
		else lines.push({ tag: '+', text: y[j++], ai: i, bi: j });
	}
	const changed = lines.map((l, k) => (l.tag !== ' ' ? k : -1)).filter((k) => k >= 0);
	if (!changed.length) return '';
	const out = [`--- ${labels[0]}`, `+++ ${labels[1]}`];
	let start = 0;
	while (start < changed.length) {
		let end = start;
		while (end + 1 < changed.length && changed[end + 1] - changed[end] <= 2 * context) end++;
		const from = Math.max(0, changed[start] - context);
		const to = Math.min(lines.length - 1, changed[end] + context);
		const hunk = lines.slice(from, to + 1);
		const aStart = hunk.find((l) => l.tag !== '+')?.ai ?? 0;
		const bStart = hunk.find((l) => l.tag !== '-')?.bi ?? 0;
		const aLen = hunk.filter((l) => l.tag !== '+').length;
		const bLen = hunk.filter((l) => l.tag !== '-').length;
		const range = (start: number, len: number) => (len === 1 ? `${start}` : `${start},${len}`);
		out.push(`@@ -${range(aStart, aLen)} +${range(bStart, bLen)} @@`);
		for (const l of hunk) out.push(`${l.tag}${l.text}`);
		start = end + 1;
	}
	return `${out.join('\n')}\n`;
}

export function toYaml(o: unknown): string {
	return o === undefined ? '' : stringify(o, { lineWidth: 0 });
}

/** The change from `live` (undefined: absent) to `proposed` (undefined: deleted). */
export function diffObject(
	live: Obj | undefined,
	proposed: Obj | undefined,
	name: string,
): ObjectDiff {
	const before = comparable(live);
	const after = comparable(proposed);
	const changes = fieldChanges(before, after);
	const action = !before ? 'create' : !after ? 'delete' : changes.length ? 'update' : 'unchanged';
	const diff = changes.length
		? unifiedDiff(toYaml(before), toYaml(after), [`live/${name}`, `proposed/${name}`])
		: '';
	return { action, changes, diff };
}
