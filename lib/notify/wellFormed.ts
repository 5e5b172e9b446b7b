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

/** A copy of JSON-like data with `fn` applied to every string (keys too, with `keys`). */
function mapStrings<T>(value: T, fn: (text: string) => string, keys: boolean): T {
	if (typeof value === 'string') return fn(value) as T;
	if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn, keys)) as T;
	if (value && typeof value === 'object' && isPlainObject(value)) {
		// a null-prototype copy keeps `__proto__` an ordinary key
		const out: Record<string, unknown> = Object.create(null);
		for (const [key, v] of Object.entries(value)) out[keys ? fn(key) : key] = mapStrings(v, fn, keys);
		return (Object.getPrototypeOf(value) === null ? out : { ...out }) as T;
	}
	return value;
}

/** A copy of JSON-like data with every string (keys too) made well-formed. */
export function wellFormed<T>(value: T): T {
	return mapStrings(value, wellFormedText, true);
}

const LINE_BREAK = /\r\n|[\r\n\v\f\u0085\u2028\u2029]/g;

/** Line breaks as single spaces: for one-line fields (mail headers, titles). */
export function foldLineBreaks(text: string): string {
	return text.replace(LINE_BREAK, ' ');
}

/** A copy of JSON-like data whose strings have their line breaks folded to spaces. */
export function foldedData<T>(value: T): T {
	return mapStrings(value, foldLineBreaks, false);
}
