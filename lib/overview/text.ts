// Alert text is hostile input: labels and annotations reach the page as text. Everything is
// HTML-escaped, and characters that would reorder or hide text (bidi controls, zero-width and
// other control characters) are shown as visible ⟦U+XXXX⟧ marks instead of acting.
// [from, to] code point ranges: C0/C1 controls but tab and line feed, soft hyphen, Arabic letter
// mark, Hangul fillers, Khmer and Mongolian invisibles, zero-width and bidi marks, embeddings,
// overrides and isolates, invisible operators, variation selectors, BOM, interlinear annotation
const INVISIBLE: [number, number][] = [
	[0x00, 0x08],
	[0x0b, 0x1f],
	[0x7f, 0x9f],
	[0xad, 0xad],
	[0x61c, 0x61c],
	[0x115f, 0x1160],
	[0x17b4, 0x17b5],
	[0x180b, 0x180f],
	[0x200b, 0x200f],
	[0x202a, 0x202e],
	[0x2060, 0x206f],
	[0x3164, 0x3164],
	[0xfe00, 0xfe0f],
	[0xfeff, 0xfeff],
	[0xfff9, 0xfffb],
	[0xe0000, 0xe007f],
];

const invisible = (cp: number) => INVISIBLE.some(([from, to]) => cp >= from && cp <= to);

/** The text with its invisible and reordering characters made visible. */
export function visibleText(text: string): string {
	let out = '';
	for (const c of text) {
		const cp = c.codePointAt(0)!;
		out += invisible(cp) ? `⟦U+${cp.toString(16).toUpperCase().padStart(4, '0')}⟧` : c;
	}
	return out;
}

/** Text for HTML element content and quoted attribute values. */
export function htmlText(value: unknown): string {
	return visibleText(value === null || value === undefined ? '' : String(value))
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&#39;');
}
