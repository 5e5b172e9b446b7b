// Online template miner in the way of Drain (He et al., ICWS 2017; Drain3). A masked line's
// skeleton (its words; value tokens sit in gaps between them) is routed by its length and
// leading words to a few candidate clusters; the most similar one above the threshold absorbs
// it (differing words become `<*>`), otherwise the line starts a new cluster. On top of Drain:
//  - a plain word that differs (`Started`/`Stopped`) means another event, not another value,
//    until `siblingThreshold` distinct words have been seen at one place (usernames);
//  - a word where other lines of a cluster hold values is a value too (`wpad:80` where others
//    have `10.0.0.1:80`, `admin` where others have `1234`), whichever comes first;
//  - clusters that end up saying the same thing (same words, values collapsed) are one
//    template: they keep matching lines as before, and share the id of the oldest.
// The index is a pure function of the set of clusters, so a miner rebuilt from a saved state
// decides exactly as the one that saved it; ties go to the older cluster.
import { createHash } from 'node:crypto';

import { InvalidInputError } from '../errors';
import { Masker, MASK_NAMES, WILDCARD } from './mask';
import { recordText } from './records';
import { eventOfLine } from './structured';
import type { LineShape } from './template';
import {
	absorb,
	canonicalText,
	coversToken,
	generalize,
	lineShape,
	parameters,
	templateText,
	withTokenAsValue,
	withValueAsToken,
} from './template';
import { Difference, difference } from './tokens';

export interface MinerOptions {
	/** share of a cluster's words a line must repeat to join it (Drain's `st`) */
	similarityThreshold: number;
	/** Drain's depth: lines are routed by length and the first depth − 2 words */
	depth: number;
	/** distinct words at one place after which that place is a value (`<*>`) */
	siblingThreshold: number;
	/** at most this many clusters; the least recently seen goes first (Drain3 max_clusters) */
	maxClusters: number;
	/** characters of a line looked at; the rest is cut */
	maxLineLength: number;
	/** built-in masks to apply (names from MASK_NAMES) */
	masks: readonly string[];
	/** more regular expressions whose matches are values */
	extraMasks: readonly string[];
}

export const DEFAULT_MINER_OPTIONS: Readonly<MinerOptions> = Object.freeze({
	similarityThreshold: 0.5,
	depth: 5,
	siblingThreshold: 3,
	maxClusters: 1000,
	maxLineLength: 4096,
	masks: MASK_NAMES,
	extraMasks: [],
});

/** A cluster as it is saved. */
export interface ClusterRecord {
	/** made from the first line's template text; never changes */
	id: string;
	/** the template (id of its oldest cluster) this cluster belongs to */
	template: string;
	skeleton: string[];
	gaps: (string | null)[];
	count: number;
	firstSeen: number;
	lastSeen: number;
	/** the first line of the cluster (cut to 1000 characters) */
	sample: string;
}

export interface MinerState {
	clusters: ClusterRecord[];
	/** ids of clusters merged into others → the id of the one that absorbed them */
	aliases: Record<string, string>;
}

/** A template: one or more clusters that say the same thing. */
export interface Template {
	id: string;
	text: string;
	count: number;
	firstSeen: number;
	lastSeen: number;
	sample: string;
	clusters: number;
}

export interface LineLearnResult {
	/** the template id of the line */
	id: string;
	/** the line made a template that did not exist before */
	created: boolean;
	/** the line's template widened (a word became `<*>`, a gap was added, templates joined) */
	changed: boolean;
	/** template ids that are from now on this template's id */
	merged: string[];
	params: string[];
}

export interface MatchResult {
	id: string;
	params: string[];
}

interface Cluster extends ClusterRecord {
	/** creation order: decides ties, so that every process decides alike */
	seq: number;
	key: string;
	canonical: string;
}

interface Found {
	cluster?: Cluster;
	/** the line lined up with the cluster */
	shape: LineShape;
	/** when the line's word at this place counted as a value: the line as it came */
	wordAt?: number;
	original?: LineShape;
}

interface Candidate {
	cluster: Cluster;
	sim: number;
	wild: number;
	at: number;
}

const SAMPLE_LENGTH = 1000;
const KEY_SEPARATOR = '\u0000';

export function clusterId(text: string): string {
	return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 12);
}

function validateOptions(o: MinerOptions): void {
	const check = (ok: boolean, field: string, rule: string) => {
		if (!ok) throw new InvalidInputError(`${field} must be ${rule}`, field);
	};
	const integer = (v: number, min: number) => Number.isInteger(v) && v >= min;
	check(
		o.similarityThreshold > 0 && o.similarityThreshold <= 1,
		'similarityThreshold',
		'in (0, 1]',
	);
	check(integer(o.depth, 3), 'depth', 'an integer ≥ 3');
	check(integer(o.siblingThreshold, 2), 'siblingThreshold', 'an integer ≥ 2');
	check(integer(o.maxClusters, 1), 'maxClusters', 'an integer ≥ 1');
	check(integer(o.maxLineLength, 1), 'maxLineLength', 'an integer ≥ 1');
	for (const m of o.masks) check(MASK_NAMES.includes(m), 'masks', `among ${MASK_NAMES.join(', ')}`);
}

export class TemplateMiner {
	readonly options: Readonly<MinerOptions>;
	private readonly masker: Masker;
	private readonly prefix: number;
	private readonly byId = new Map<string, Cluster>();
	/** routing: length and leading words → clusters, oldest first */
	private readonly byKey = new Map<string, Cluster[]>();
	/** what clusters say → clusters, oldest first */
	private readonly byCanonical = new Map<string, Cluster[]>();
	/** skeleton length → clusters, oldest first */
	private readonly byLength = new Map<number, Cluster[]>();
	/** template id → its clusters, oldest first */
	private readonly members = new Map<string, Cluster[]>();
	private readonly aliases = new Map<string, string>();
	private seq = 0;
	/** clusters evicted since this miner was made */
	evicted = 0;

	constructor(options: Partial<MinerOptions> = {}, state?: MinerState) {
		this.options = { ...DEFAULT_MINER_OPTIONS, ...options };
		validateOptions(this.options);
		this.masker = new Masker(this.options.masks, this.options.extraMasks);
		this.prefix = this.options.depth - 2;
		if (state) this.load(state);
	}

	/** Number of clusters (what maxClusters bounds). */
	get size(): number {
		return this.byId.size;
	}

	/** Learns one line: it joins (and maybe widens) a cluster, or starts one. */
	learn(line: string, now = Date.now()): LineLearnResult {
		const { shape: lineShape, fields } = this.shapeOf(line);
		const found = this.find(lineShape);
		const { shape } = found;
		const merged: string[] = [];
		let cluster = found.cluster;
		let changed = false;
		if (!cluster) {
			const siblings = this.siblingsOf(shape);
			if (siblings) {
				cluster = siblings.clusters[0];
				const at = siblings.at;
				this.setWord(cluster, at, generalize(cluster.skeleton[at], shape.skeleton[at]));
				for (const other of siblings.clusters.slice(1)) this.mergeInto(cluster, other, merged);
				changed = true;
			}
		}
		let created = false;
		if (!cluster) {
			cluster = this.create(shape, line, now);
			created = true;
		} else {
			if (absorb(cluster, shape)) {
				this.reindex(cluster);
				changed = true;
			}
			if (found.wordAt !== undefined) {
				// the word was a value here: clusters that differ from the line only there are
				// this cluster's template too
				const original = found.original!.skeleton;
				for (const other of this.candidates(original)) {
					if (differsOnlyAt(other.skeleton, original, found.wordAt)) {
						this.setWord(other, found.wordAt, WILDCARD);
						this.settle(other, merged);
					}
				}
			}
		}
		cluster.count++;
		cluster.lastSeen = Math.max(cluster.lastSeen, now);
		if (changed || created) {
			const before = cluster.template;
			cluster = this.settle(cluster, merged);
			if (cluster.template !== before) created = false;
		}
		if (created) this.evictBeyondCapacity(cluster);
		return {
			id: cluster.template,
			created,
			changed: changed || merged.length > 0,
			merged,
			params: withFields(parameters(cluster, shape), fields),
		};
	}

	/** Classifies a line against what is known, changing nothing; undefined when unknown. */
	match(line: string): MatchResult | undefined {
		const { shape: lineShape, fields } = this.shapeOf(line);
		const { cluster, shape } = this.find(lineShape);
		if (!cluster) return undefined;
		const view = { skeleton: cluster.skeleton.slice(), gaps: cluster.gaps.slice() };
		absorb(view, shape);
		return { id: cluster.template, params: withFields(parameters(view, shape), fields) };
	}

	/** The current id of a template or cluster id (merges move ids on); undefined if gone. */
	resolve(id: string): string | undefined {
		let current = id;
		for (let hops = 0; hops < 64; hops++) {
			const cluster = this.byId.get(current);
			if (cluster) return cluster.template;
			if (this.members.has(current)) return current;
			const next = this.aliases.get(current);
			if (next === undefined) return undefined;
			current = next;
		}
		return undefined;
	}

	template(id: string): Template | undefined {
		const resolved = this.resolve(id);
		const clusters = resolved === undefined ? undefined : this.members.get(resolved);
		return clusters && templateOf(clusters);
	}

	/** Templates, oldest first. */
	templates(): Template[] {
		return [...this.members.values()].sort((a, b) => a[0].seq - b[0].seq).map(templateOf);
	}

	state(): MinerState {
		const clusters = [...this.byId.values()].sort((a, b) => a.seq - b.seq).map(record);
		return { clusters, aliases: Object.fromEntries(this.aliases) };
	}

	private load(state: MinerState): void {
		for (const r of state.clusters) {
			const c: Cluster = { ...record(r as Cluster), seq: this.seq++, key: '', canonical: '' };
			this.byId.set(c.id, c);
			this.index(c);
			insertBySeq(this.members, c.template, c);
		}
		for (const [from, to] of Object.entries(state.aliases)) this.aliases.set(from, to);
	}

	/**
	 * The shape of what is learned of a line or record (lines joined by `\n`): a structured
	 * line's event, a trace's identity; and the fields that are only parameters.
	 */
	private shapeOf(line: string): { shape: LineShape; fields: string[] } {
		let text = line;
		let fields = NO_FIELDS;
		if (line.includes('\n')) {
			const record = recordText(line.split('\n'));
			text = record.text;
			if (record.message !== undefined) fields = [`message=${record.message}`];
		} else {
			const event = eventOfLine(line);
			if (event) {
				text = event.text;
				fields = event.fields;
			}
		}
		return { shape: lineShape(this.masker.mask(text, this.options.maxLineLength)), fields };
	}

	// ── index ────────────────────────────────────────────────────────────────────────────────

	private keyOf(skeleton: string[]): string {
		let key = String(skeleton.length);
		const n = Math.min(this.prefix, skeleton.length);
		for (let i = 0; i < n; i++) {
			key += KEY_SEPARATOR + (routesAsValue(skeleton[i]) ? WILDCARD : skeleton[i]);
		}
		return key;
	}

	private index(c: Cluster): void {
		c.key = this.keyOf(c.skeleton);
		c.canonical = canonicalText(c);
		insertBySeq(this.byKey, c.key, c);
		insertBySeq(this.byCanonical, c.canonical, c);
		insertBySeq(this.byLength, c.skeleton.length, c);
	}

	/** Drops c from the index under the keys it was filed under. */
	private unindex(c: Cluster): void {
		removeFrom(this.byKey, c.key, c);
		removeFrom(this.byCanonical, c.canonical, c);
		removeFrom(this.byLength, c.skeleton.length, c);
	}

	/** Files c again after its words or gaps changed. */
	private reindex(c: Cluster): void {
		this.unindex(c);
		this.index(c);
	}

	/** Clusters whose key fits the skeleton: each leading word as it is, or `<*>`. */
	private candidates(skeleton: string[]): Cluster[] {
		const out: Cluster[] = [];
		this.collect(skeleton, 0, String(skeleton.length), out);
		return out;
	}

	private collect(skeleton: string[], i: number, key: string, out: Cluster[]): void {
		if (i === this.prefix || i === skeleton.length) {
			const list = this.byKey.get(key);
			if (list) for (const c of list) out.push(c);
			return;
		}
		const token = skeleton[i];
		if (!routesAsValue(token)) this.collect(skeleton, i + 1, key + KEY_SEPARATOR + token, out);
		this.collect(skeleton, i + 1, key + KEY_SEPARATOR + WILDCARD, out);
	}

	// ── matching ─────────────────────────────────────────────────────────────────────────────

	/**
	 * The cluster a line belongs to, and the line lined up with it: a cluster of the same
	 * length, else one with a gap where the line has a word, else one with a word where the
	 * line has values (either way, that word is a value).
	 */
	private find(shape: LineShape): Found {
		const same = this.bestOfSameLength(shape);
		if (same) return { cluster: same.cluster, shape };
		const shorter = this.bestShorter(shape);
		if (shorter) {
			return {
				cluster: shorter.cluster,
				shape: withTokenAsValue(shape, shorter.at),
				wordAt: shorter.at,
				original: shape,
			};
		}
		const longer = this.bestLonger(shape);
		if (longer) return { cluster: longer.cluster, shape: withValueAsToken(shape, longer.at) };
		return { shape };
	}

	/**
	 * Drain's similarity (equal words / words), 1 when the cluster covers the line; undefined
	 * below the threshold or when a plain word or a key differs (another event).
	 */
	private similarity(c: Cluster, skeleton: string[]): Candidate | undefined {
		const template = c.skeleton;
		let same = 0;
		let wild = 0;
		let differ = 0;
		for (let i = 0; i < template.length; i++) {
			const a = template[i];
			const b = skeleton[i];
			if (a === b) same++;
			else if (coversToken(a, b)) wild++;
			else if (difference(a, b) !== Difference.Value) return undefined;
			else differ++;
		}
		const sim = differ === 0 ? 1 : same / template.length;
		if (sim < this.options.similarityThreshold) return undefined;
		return { cluster: c, sim, wild, at: -1 };
	}

	/** The cluster covers the line (position `free` aside) and shares at least one word. */
	private covers(c: Cluster, skeleton: string[], free: number, at: number): Candidate | undefined {
		const template = c.skeleton;
		if (template.length !== skeleton.length) return undefined;
		let same = 0;
		let wild = 0;
		for (let i = 0; i < template.length; i++) {
			if (i === free) wild++;
			else if (template[i] === skeleton[i]) same++;
			else if (coversToken(template[i], skeleton[i])) wild++;
			else return undefined;
		}
		return same > 0 ? { cluster: c, sim: 1, wild, at } : undefined;
	}

	private bestOfSameLength(shape: LineShape): Candidate | undefined {
		let best: Candidate | undefined;
		for (const c of this.candidates(shape.skeleton)) {
			best = better(best, this.similarity(c, shape.skeleton));
		}
		return best;
	}

	/** A cluster one word shorter, with a gap where this line has a word. */
	private bestShorter(shape: LineShape): Candidate | undefined {
		let best: Candidate | undefined;
		for (let j = 0; j < shape.skeleton.length; j++) {
			const reduced = [...shape.skeleton.slice(0, j), ...shape.skeleton.slice(j + 1)];
			for (const c of this.candidates(reduced)) {
				if (c.gaps[j] !== null) best = better(best, this.covers(c, reduced, -1, j));
			}
		}
		return best;
	}

	/** A cluster one word longer, with a word (or `<*>`) where this line has values. */
	private bestLonger(shape: LineShape): Candidate | undefined {
		let best: Candidate | undefined;
		for (let j = 0; j <= shape.skeleton.length; j++) {
			if (shape.gaps[j] === null) continue;
			const widened = [...shape.skeleton.slice(0, j), WILDCARD, ...shape.skeleton.slice(j)];
			// a cluster routed by its word at j is not filed under `<*>`: look at all of that length
			const pool =
				j < this.prefix ? (this.byLength.get(widened.length) ?? []) : this.candidates(widened);
			for (const c of pool) {
				best = better(best, this.covers(c, widened, j, j));
			}
		}
		return best;
	}

	/**
	 * Clusters that differ from the line in one plain word, all at the same place, and agree
	 * elsewhere: once siblingThreshold distinct words are there, that place is a value.
	 */
	private siblingsOf(shape: LineShape): { clusters: Cluster[]; at: number } | undefined {
		const byPlace = new Map<number, Cluster[]>();
		// every cluster of the line's length: the word that differs may be one the line is
		// routed by (`Invalid user alice from …`), except the first, which names the event
		// (`GET`/`POST`; there only the clusters routed like the line count). This runs only
		// when the line would start a cluster.
		const routed = new Set(this.candidates(shape.skeleton));
		for (const c of this.byLength.get(shape.skeleton.length) ?? []) {
			const at = differsInOneWord(c.skeleton, shape.skeleton);
			if (at < 0 || (at === 0 && !routed.has(c))) continue;
			const list = byPlace.get(at) ?? [];
			list.push(c);
			byPlace.set(at, list);
		}
		for (const [at, clusters] of [...byPlace].sort((a, b) => a[0] - b[0])) {
			if (clusters.length + 1 >= this.options.siblingThreshold) return { clusters, at };
		}
		return undefined;
	}

	// ── changes ──────────────────────────────────────────────────────────────────────────────

	private create(shape: LineShape, line: string, now: number): Cluster {
		const text = templateText(shape);
		let id = clusterId(text);
		for (let n = 2; this.byId.has(id) || this.aliases.has(id) || this.members.has(id); n++) {
			id = clusterId(`${text}\u0000${n}`);
		}
		const c: Cluster = {
			id,
			template: id,
			skeleton: shape.skeleton.slice(),
			gaps: shape.gaps.slice(),
			count: 0,
			firstSeen: now,
			lastSeen: now,
			sample: line.slice(0, SAMPLE_LENGTH),
			seq: this.seq++,
			key: '',
			canonical: '',
		};
		this.byId.set(id, c);
		this.index(c);
		this.members.set(id, [c]);
		return c;
	}

	private setWord(c: Cluster, at: number, word: string): void {
		c.skeleton[at] = word;
		this.reindex(c);
	}

	/**
	 * A cluster of c's length that some line could match as well as c (at every place the same
	 * word, or `<*>` on one side): two such clusters would make a line's template depend on
	 * which of them grew last, so they become one.
	 */
	private overlapping(c: Cluster): Cluster | undefined {
		const pool = c.key.includes(WILDCARD)
			? (this.byLength.get(c.skeleton.length) ?? [])
			: this.candidates(c.skeleton);
		for (const other of pool) {
			if (other !== c && overlap(other.skeleton, c.skeleton)) return other;
		}
		return undefined;
	}

	/**
	 * After c changed: clusters that overlap it are merged into the oldest of them; clusters
	 * that now say the same as c join one template, the oldest one's. Returns the cluster that
	 * holds c's lines.
	 */
	private settle(c: Cluster, merged: string[]): Cluster {
		let holder = c;
		for (let other = this.overlapping(holder); other; other = this.overlapping(holder)) {
			const [keep, drop] = other.seq < holder.seq ? [other, holder] : [holder, other];
			this.mergeInto(keep, drop, merged);
			holder = keep;
		}
		const same = this.byCanonical.get(holder.canonical) ?? [];
		const oldest = same[0];
		for (const other of same) this.joinTemplates(oldest.template, other.template, merged);
		return holder;
	}

	/** Template `drop` becomes part of template `keep` (the older). */
	private joinTemplates(keep: string, drop: string, merged: string[]): void {
		if (keep === drop) return;
		const [older, newer] =
			this.members.get(keep)![0].seq < this.members.get(drop)![0].seq ? [keep, drop] : [drop, keep];
		for (const c of this.members.get(newer)!) {
			c.template = older;
			insertBySeq(this.members, older, c);
		}
		this.members.delete(newer);
		if (!merged.includes(newer)) merged.push(newer);
	}

	/** Cluster drop (same length as keep) is merged into keep, its id an alias of keep's. */
	private mergeInto(keep: Cluster, drop: Cluster, merged: string[]): void {
		this.joinTemplates(keep.template, drop.template, merged);
		if (absorb(keep, drop)) this.reindex(keep);
		keep.count += drop.count;
		keep.firstSeen = Math.min(keep.firstSeen, drop.firstSeen);
		keep.lastSeen = Math.max(keep.lastSeen, drop.lastSeen);
		if (drop.sample && drop.seq < keep.seq) keep.sample = drop.sample;
		this.remove(drop);
		this.aliases.set(drop.id, keep.id);
	}

	private remove(c: Cluster): void {
		this.unindex(c);
		this.byId.delete(c.id);
		removeFrom(this.members, c.template, c);
	}

	private evictBeyondCapacity(keep: Cluster): void {
		while (this.byId.size > this.options.maxClusters) {
			let oldest: Cluster | undefined;
			for (const c of this.byId.values()) {
				if (c === keep) continue;
				if (
					!oldest ||
					c.lastSeen < oldest.lastSeen ||
					(c.lastSeen === oldest.lastSeen && c.seq < oldest.seq)
				) {
					oldest = c;
				}
			}
			if (!oldest) return;
			this.remove(oldest);
			this.evicted++;
			for (const [from, to] of this.aliases) if (to === oldest.id) this.aliases.delete(from);
		}
	}
}

const NO_FIELDS: string[] = [];
const DIGIT = /\d/;

/**
 * A routing word that may be another value in the next line: masked, or with a digit in it
 * (`eth0`, `CPU1:`; Drain routes these under `*` too), so lines that differ there meet.
 */
function routesAsValue(token: string): boolean {
	return token.includes(WILDCARD) || DIGIT.test(token);
}

function withFields(params: string[], fields: string[]): string[] {
	return fields.length ? params.concat(fields) : params;
}

function better(a: Candidate | undefined, b: Candidate | undefined): Candidate | undefined {
	if (!b) return a;
	if (!a) return b;
	if (b.sim !== a.sim) return b.sim > a.sim ? b : a;
	if (b.wild !== a.wild) return b.wild > a.wild ? b : a;
	return b.cluster.seq < a.cluster.seq ? b : a;
}

/** The one place where a plain word differs while all else is covered (with ≥ 1 equal word); −1 if none. */
function differsInOneWord(template: string[], skeleton: string[]): number {
	let at = -1;
	let same = 0;
	for (let i = 0; i < template.length; i++) {
		const a = template[i];
		const b = skeleton[i];
		if (a === b) same++;
		else if (coversToken(a, b)) continue;
		else if (at < 0 && difference(a, b) === Difference.Word) at = i;
		else return -1;
	}
	return same > 0 ? at : -1;
}

/** The template word at `at` does not stand for the line's, and every other one does. */
function differsOnlyAt(template: string[], skeleton: string[], at: number): boolean {
	if (template.length !== skeleton.length || coversToken(template[at], skeleton[at])) return false;
	for (let i = 0; i < template.length; i++) {
		if (i !== at && !coversToken(template[i], skeleton[i])) return false;
	}
	return true;
}

function templateOf(clusters: Cluster[]): Template {
	const oldest = clusters[0];
	let count = 0;
	let firstSeen = Infinity;
	let lastSeen = -Infinity;
	for (const c of clusters) {
		count += c.count;
		firstSeen = Math.min(firstSeen, c.firstSeen);
		lastSeen = Math.max(lastSeen, c.lastSeen);
	}
	return {
		id: oldest.template,
		text: templateText(oldest),
		count,
		firstSeen,
		lastSeen,
		sample: oldest.sample,
		clusters: clusters.length,
	};
}

function record(c: ClusterRecord): ClusterRecord {
	return {
		id: c.id,
		template: c.template,
		skeleton: c.skeleton.slice(),
		gaps: c.gaps.slice(),
		count: c.count,
		firstSeen: c.firstSeen,
		lastSeen: c.lastSeen,
		sample: c.sample,
	};
}

/** Some line could match both: at every place the same word, or one stands for the other. */
function overlap(a: string[], b: string[]): boolean {
	if (a.length !== b.length) return false;
	for (let i = 0; i < a.length; i++) {
		if (a[i] !== b[i] && !coversToken(a[i], b[i]) && !coversToken(b[i], a[i])) return false;
	}
	return true;
}

function insertBySeq<K>(map: Map<K, Cluster[]>, key: K, c: Cluster): void {
	const list = map.get(key);
	if (!list) {
		map.set(key, [c]);
		return;
	}
	let i = list.length;
	while (i > 0 && list[i - 1].seq > c.seq) i--;
	list.splice(i, 0, c);
}

function removeFrom<K>(map: Map<K, Cluster[]>, key: K, c: Cluster): void {
	const list = map.get(key);
	if (!list) return;
	const i = list.indexOf(c);
	if (i >= 0) list.splice(i, 1);
	if (list.length === 0) map.delete(key);
}
