// Text from alerts may hold unpaired UTF-16 surrogates (a label cut mid-emoji, a bad decoder).
// JSON.stringify writes them as `\ud800` escapes, which Telegram, Slack and LINE reject or
// mangle, and UTF-8 cannot carry them at all. Every delivery passes through here once, before
// any channel serialises anything, so no channel can forget it.

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The text with every unpaired surrogate replaced by U+FFFD (what a UTF-8 encoder writes). */
export function wellFormedText(text: string): string {
	return text.replace(LONE_SURROGATE, '\uFFFD');
}

function isPlainObject(value: object): boolean {
	const proto = Object.getPrototypeOf(value);
	return proto === Object.prototype || proto === null;
}

/** A copy of JSON-like data with every string (keys too) made well-formed. */
export function wellFormed<T>(value: T): T {
	if (typeof value === 'string') return wellFormedText(value) as T;
	if (Array.isArray(value)) return value.map((v) => wellFormed(v)) as T;
	if (value && typeof value === 'object' && isPlainObject(value)) {
		const out: Record<string, unknown> = Object.getPrototypeOf(value) === null ? Object.create(null) : {};
		for (const [key, v] of Object.entries(value)) {
			Object.defineProperty(out, wellFormedText(key), {
				value: wellFormed(v),
				enumerable: true,
				writable: true,
				configurable: true,
			});
		}
		return out as T;
	}
	return value;
}

const LINE_BREAK = /\r\n|[\r\n\v\f\u0085\u2028\u2029]/g;

/** Line breaks as single spaces: for one-line fields (mail headers, titles). */
export function foldLineBreaks(text: string): string {
	return text.replace(LINE_BREAK, ' ');
}

/** A copy of JSON-like data whose strings have their line breaks folded to spaces. */
export function foldedData<T>(value: T): T {
	if (typeof value === 'string') return foldLineBreaks(value) as T;
	if (Array.isArray(value)) return value.map((v) => foldedData(v)) as T;
	if (value && typeof value === 'object' && isPlainObject(value)) {
		const out: Record<string, unknown> = {};
		for (const [key, v] of Object.entries(value)) {
			Object.defineProperty(out, key, {
				value: foldedData(v),
				enumerable: true,
				writable: true,
				configurable: true,
			});
		}
		return out as T;
	}
	return value;
}
