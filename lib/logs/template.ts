// A line's shape and a template's: the words (skeleton) and, between them, the runs of value
// tokens (gaps). Keeping values out of the skeleton lets one template hold lines whose number
// of value tokens differs (`1190 bytes (1.16 KB) sent` / `0 bytes sent`).
import type { MaskedLine } from './mask';
import { unmaskToken, WILDCARD } from './mask';
import { isValueToken } from './tokens';

export interface LineShape {
	/** the tokens that are not pure values */
	skeleton: string[];
	/**
	 * gaps[i]: the value tokens before skeleton[i] (i = n: after the last), joined by spaces
	 * (`<*>`, `(<*>)`, `<*> <*>`); null when none
	 */
	gaps: (string | null)[];
	/** original text of each skeleton token, and of each gap ('' when none) */
	skeletonText: string[];
	gapText: string[];
	/** the values inside each skeleton token (`blk_<*>` → the number) */
	skeletonValues: string[][];
}

export function lineShape({ tokens, values }: MaskedLine): LineShape {
	const shape: LineShape = {
		skeleton: [],
		gaps: [],
		skeletonText: [],
		gapText: [],
		skeletonValues: [],
	};
	let gap: string | null = null;
	let text: string[] = [];
	for (let i = 0; i < tokens.length; i++) {
		const token = tokens[i];
		if (isValueToken(token)) {
			gap = gap === null ? token : `${gap} ${token}`;
			text.push(unmaskToken(token, values[i]));
			continue;
		}
		shape.gaps.push(gap);
		shape.gapText.push(text.join(' '));
		gap = null;
		text = [];
		shape.skeleton.push(token);
		shape.skeletonText.push(unmaskToken(token, values[i]));
		shape.skeletonValues.push(values[i]);
	}
	shape.gaps.push(gap);
	shape.gapText.push(text.join(' '));
	return shape;
}

/** The shape with skeleton token j turned into a value (it joins the gaps around it). */
export function withTokenAsValue(shape: LineShape, j: number): LineShape {
	const texts = [shape.gapText[j], shape.skeletonText[j], shape.gapText[j + 1]].filter(Boolean);
	return {
		skeleton: [...shape.skeleton.slice(0, j), ...shape.skeleton.slice(j + 1)],
		gaps: [...shape.gaps.slice(0, j), WILDCARD, ...shape.gaps.slice(j + 2)],
		skeletonText: [...shape.skeletonText.slice(0, j), ...shape.skeletonText.slice(j + 1)],
		gapText: [...shape.gapText.slice(0, j), texts.join(' '), ...shape.gapText.slice(j + 2)],
		skeletonValues: [...shape.skeletonValues.slice(0, j), ...shape.skeletonValues.slice(j + 1)],
	};
}

/** The shape with gap j turned into a `<*>` word (to line up with a template that has one). */
export function withValueAsToken(shape: LineShape, j: number): LineShape {
	return {
		skeleton: [...shape.skeleton.slice(0, j), WILDCARD, ...shape.skeleton.slice(j)],
		gaps: [...shape.gaps.slice(0, j), null, null, ...shape.gaps.slice(j + 1)],
		skeletonText: [
			...shape.skeletonText.slice(0, j),
			shape.gapText[j],
			...shape.skeletonText.slice(j),
		],
		gapText: [...shape.gapText.slice(0, j), '', '', ...shape.gapText.slice(j + 1)],
		skeletonValues: [...shape.skeletonValues.slice(0, j), [], ...shape.skeletonValues.slice(j)],
	};
}

/**
 * What a template says with its values collapsed: words, and `<*>` for each run of gaps and
 * `<*>` words. Two templates that say the same are one.
 */
export function canonicalText(t: TemplateShape): string {
	let out = '';
	let value = false;
	for (let i = 0; i <= t.skeleton.length; i++) {
		if (t.gaps[i] !== null) value = true;
		if (i === t.skeleton.length) break;
		if (t.skeleton[i] === WILDCARD) {
			value = true;
			continue;
		}
		if (value) out += WILDCARD + ' ';
		value = false;
		out += t.skeleton[i] + ' ';
	}
	return value ? out + WILDCARD : out.trimEnd();
}

export interface TemplateShape {
	skeleton: string[];
	gaps: (string | null)[];
}

/** `<*> close, <*> bytes <*> sent`: the skeleton with each gap's token (or `<*>`) in place. */
export function templateText(t: TemplateShape): string {
	const out: string[] = [];
	for (let i = 0; i <= t.skeleton.length; i++) {
		const gap = t.gaps[i];
		if (gap !== null && gap !== undefined) out.push(gap);
		if (i < t.skeleton.length) out.push(t.skeleton[i]);
	}
	return out.join(' ');
}

/**
 * The line's parameters for a template of the same skeleton length, in text order: each gap's
 * text ('' where this line has none), each `<*>` word, the values inside partly masked words.
 */
export function parameters(t: TemplateShape, line: LineShape): string[] {
	const params: string[] = [];
	for (let i = 0; i <= t.skeleton.length; i++) {
		if (t.gaps[i] !== null) params.push(line.gapText[i]);
		if (i === t.skeleton.length) break;
		const token = t.skeleton[i];
		if (token === WILDCARD) params.push(line.skeletonText[i]);
		else if (keyOfPattern(token)) params.push(line.skeletonText[i].slice(token.length - 3));
		else if (token.includes(WILDCARD)) params.push(...line.skeletonValues[i]);
	}
	return params;
}

const KEY_PREFIX = /^[A-Za-z_][\w.-]*[=:]/;

/** The key of a `key=<*>` template word (what generalize makes of `key=a`, `key=b`). */
function keyOfPattern(a: string): string | undefined {
	if (!a.endsWith(WILDCARD) || a.indexOf(WILDCARD) !== a.length - WILDCARD.length) return undefined;
	const key = KEY_PREFIX.exec(a)?.[0];
	return key !== undefined && key.length === a.length - WILDCARD.length ? key : undefined;
}

/** A template word stands for the line word: the same, `<*>`, or `key=<*>` for `key=value`. */
export function coversToken(a: string, b: string): boolean {
	if (a === b || a === WILDCARD) return true;
	const key = keyOfPattern(a);
	return key !== undefined && b.length > key.length && b.startsWith(key);
}

/** `user=root` and `user=ftp` → `user=<*>` (the key stays a word); otherwise `<*>`. */
export function generalize(a: string, b: string): string {
	const key = KEY_PREFIX.exec(a)?.[0];
	if (key !== undefined && key.length < a.length && b.startsWith(key) && key.length < b.length) {
		const generalized = key + WILDCARD;
		return generalized === a ? a : generalized;
	}
	return WILDCARD;
}

/**
 * Widens the template so that it covers the line (same skeleton length): differing words
 * become `<*>`, gaps the line has are added. Returns whether anything changed.
 */
export function absorb(t: TemplateShape, line: TemplateShape): boolean {
	let changed = false;
	for (let i = 0; i < line.skeleton.length; i++) {
		const a = t.skeleton[i];
		if (!coversToken(a, line.skeleton[i])) {
			t.skeleton[i] = generalize(a, line.skeleton[i]);
			changed = true;
		}
	}
	for (let i = 0; i < line.gaps.length; i++) {
		const g = line.gaps[i];
		const have = t.gaps[i];
		if (g === null || have === g || have === WILDCARD) continue;
		t.gaps[i] = have === null ? g : WILDCARD;
		changed = true;
	}
	return changed;
}
