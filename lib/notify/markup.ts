// The neutral form of a message between the template and the channel. Templates write a small
// HTML subset (<b> <i> <s> <code> <pre> <a href> <br>); Handlebars escapes every {{value}} into
// HTML entities, so text from alerts can never become one of those tags. Parsing the rendered
// template gives styled spans of *decoded* text, which each channel serialises with its own
// escaping (lib/notify/format.ts). Anything else that looks like markup stays literal text.

export interface Span {
	text: string;
	bold?: true;
	italic?: true;
	strike?: true;
	code?: true;
	/** a preformatted block (diffs, logs) */
	pre?: true;
	href?: string;
}

type Style = Omit<Span, 'text'>;

const NAMED_ENTITIES: Record<string, string> = {
	amp: '&',
	lt: '<',
	gt: '>',
	quot: '"',
	apos: "'",
	nbsp: '\u00a0',
};

/** Decodes the entities Handlebars and HTML writers produce; unknown ones stay as they are. */
export function decodeEntities(text: string): string {
	return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,6});/gi, (whole, name: string) => {
		if (name[0] === '#') {
			const code =
				name[1] === 'x' || name[1] === 'X'
					? parseInt(name.slice(2), 16)
					: parseInt(name.slice(1), 10);
			return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff)
				? String.fromCodePoint(code)
				: whole;
		}
		return NAMED_ENTITIES[name.toLowerCase()] ?? whole;
	});
}

/** Links are kept only for schemes a reader can safely open. */
export function safeHref(href: string): string | undefined {
	const trimmed = href.trim();
	return /^(https?:\/\/|mailto:)[^\s<>"]+$/i.test(trimmed) ? trimmed : undefined;
}

const TAG =
	/^<(?:(\/?)(b|strong|i|em|s|strike|del|code|pre)\s*>|a\s+href\s*=\s*(?:"([^"]*)"|'([^']*)')\s*>|(\/)a\s*>|br\s*\/?>)/i;

const STYLE_OF: Record<string, keyof Style> = {
	b: 'bold',
	strong: 'bold',
	i: 'italic',
	em: 'italic',
	s: 'strike',
	strike: 'strike',
	del: 'strike',
	code: 'code',
	pre: 'pre',
};

function sameStyle(a: Span, b: Span): boolean {
	return (
		a.bold === b.bold &&
		a.italic === b.italic &&
		a.strike === b.strike &&
		a.code === b.code &&
		a.pre === b.pre &&
		a.href === b.href
	);
}

/** Appends a span, merging it into the previous one when the style is the same. */
function push(spans: Span[], span: Span): void {
	if (!span.text) return;
	const last = spans[spans.length - 1];
	if (last && sameStyle(last, span)) last.text += span.text;
	else spans.push(span);
}

/** Parses rendered template output into styled spans of plain (decoded) text. */
export function parseMarkup(source: string): Span[] {
	const spans: Span[] = [];
	const depth: Record<keyof Style, number> = {
		bold: 0,
		italic: 0,
		strike: 0,
		code: 0,
		pre: 0,
		href: 0,
	};
	const links: Array<string | undefined> = [];
	let buffer = '';
	const flush = () => {
		if (!buffer) return;
		const span: Span = { text: decodeEntities(buffer) };
		if (depth.bold) span.bold = true;
		if (depth.italic) span.italic = true;
		if (depth.strike) span.strike = true;
		if (depth.code) span.code = true;
		if (depth.pre) span.pre = true;
		const href = links.filter((l) => l !== undefined).pop();
		if (href) span.href = href;
		push(spans, span);
		buffer = '';
	};
	let i = 0;
	while (i < source.length) {
		const lt = source.indexOf('<', i);
		if (lt === -1) {
			buffer += source.slice(i);
			break;
		}
		buffer += source.slice(i, lt);
		const match = TAG.exec(source.slice(lt));
		if (!match) {
			buffer += '<';
			i = lt + 1;
			continue;
		}
		flush();
		const [whole, closing, name, doubleQuoted, singleQuoted, closingA] = match;
		const href = doubleQuoted ?? singleQuoted;
		if (name) {
			const style = STYLE_OF[name.toLowerCase()];
			depth[style] = Math.max(0, depth[style] + (closing ? -1 : 1));
		} else if (href !== undefined) {
			links.push(safeHref(decodeEntities(href)));
		} else if (closingA) {
			links.pop();
		} else {
			buffer += '\n';
		}
		i = lt + whole.length;
	}
	flush();
	return spans;
}

/** Spans as plain text; a link shows its address after its text unless they are the same. */
export function plainText(spans: Span[], showLinks = true): string {
	let out = '';
	for (let k = 0; k < spans.length; k++) {
		const span = spans[k];
		out += span.text;
		const next = spans[k + 1];
		const linkEnds = span.href && next?.href !== span.href;
		if (showLinks && linkEnds) {
			// the whole link text, which may span several styled runs
			let start = k;
			while (start > 0 && spans[start - 1].href === span.href) start--;
			const label = spans
				.slice(start, k + 1)
				.map((s) => s.text)
				.join('');
			if (label.trim() !== span.href) out += ` (${span.href})`;
		}
	}
	return out;
}

export function visibleLength(spans: Span[]): number {
	return spans.reduce((n, s) => n + s.text.length, 0);
}

export const TRUNCATION_MARKER = '… [truncated]';

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The longest prefix of `text` at most `max` UTF-16 units long that ends on a grapheme boundary. */
export function cutText(text: string, max: number): string {
	if (text.length <= max) return text;
	let end = 0;
	for (const { index, segment } of segmenter.segment(text)) {
		if (index + segment.length > max) break;
		end = index + segment.length;
	}
	return text.slice(0, end);
}

/**
 * Cuts spans to at most `limit` visible UTF-16 units including the marker, never inside a
 * character or an emoji sequence. Returns the spans unchanged when they fit.
 */
export function truncateSpans(
	spans: Span[],
	limit: number,
	marker = TRUNCATION_MARKER,
): { spans: Span[]; truncated: boolean } {
	if (visibleLength(spans) <= limit) return { spans, truncated: false };
	let room = Math.max(0, limit - marker.length);
	const out: Span[] = [];
	for (const span of spans) {
		if (room <= 0) break;
		const text = cutText(span.text, room);
		if (text) out.push({ ...span, text });
		room -= span.text.length;
		if (text.length < span.text.length) break;
	}
	push(out, { text: marker });
	return { spans: out, truncated: true };
}

/** Cuts plain text to `limit` UTF-16 units including the marker. */
export function truncateText(
	text: string,
	limit: number,
	marker = TRUNCATION_MARKER,
): { text: string; truncated: boolean } {
	if (text.length <= limit) return { text, truncated: false };
	return { text: cutText(text, Math.max(0, limit - marker.length)) + marker, truncated: true };
}

/** The first non-empty line of the message, for subjects and titles. */
export function titleOf(spans: Span[], max = 150): string {
	const line =
		plainText(spans, false)
			.split('\n')
			.map((l) => l.trim())
			.find((l) => l.length > 0) ?? '';
	return truncateText(line, max, '…').text;
}
