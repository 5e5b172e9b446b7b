// What kind of token a masked token is, and how two differing tokens differ. The miner uses
// this to tell "the same event with another value" from "another event".
import { WILDCARD } from './mask';

/** Nothing but values and punctuation, e.g. `<*>`, `(<*>)`, `[<*>]:`: a value, not a word. */
export function isValueToken(token: string): boolean {
	if (!token.includes(WILDCARD)) return false;
	for (let i = 0; i < token.length; i++) {
		const c = token.charCodeAt(i);
		// a letter outside a `<*>`
		if (((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) && !isInWildcard(token, i)) return false;
	}
	return true;
}

function isInWildcard(token: string, i: number): boolean {
	return token[i] === '*' && token[i - 1] === '<' && token[i + 1] === '>';
}

export const enum Difference {
	/** another value of the same thing: the position becomes `<*>` */
	Value = 0,
	/** another plain word: likely another event, unless many words turn up at that place */
	Word = 1,
	/** another key (`phoneId=1` / `retVal=true`): another event */
	Key = 2,
}

// what separates the parts of a token; `.`, `/`, `-` and `_` join the parts of one name instead
const SEPARATOR = /[^A-Za-z0-9_./-]/;
const KEY = /^([A-Za-z_]\w*)[=:]/;
// keys whose value is part of what the event is, never a value: a structured line's level and
// logger, a trace's exception type and top frame (structured.ts, records.ts)
const IDENTITY_KEYS = new Set(['level', 'logger', 'exception', 'frame']);
const DIGITS = /\d/;
const DIGITS_G = /\d+/g;
const EDGE_PUNCTUATION = /^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g;
const PLAIN_WORD = /^[A-Za-z][A-Za-z_]*\d?$/;

/**
 * How two different tokens differ. Two plain words, once what the tokens share around them
 * is cut away (`SPP.`/`WindowsUpdateAgent.`, `visible=true`/`visible=false`, `x+`/`y+`), are a
 * Word difference; dotted or slashed names, ids and masked tokens are values.
 */
export function difference(a: string, b: string): Difference {
	// the same name with another number (`eth0`/`eth1`, `CPU0:`/`CPU3:`): another instance
	if (DIGITS.test(a) && a.replace(DIGITS_G, '') === b.replace(DIGITS_G, ''))
		return Difference.Value;
	const ka = KEY.exec(a);
	const kb = KEY.exec(b);
	if (ka && kb && (ka[1] !== kb[1] || IDENTITY_KEYS.has(ka[1]))) return Difference.Key;
	if (a.includes(WILDCARD) || b.includes(WILDCARD)) return Difference.Value;
	const n = Math.min(a.length, b.length);
	let cut = 0;
	for (let i = 0; i < n && a[i] === b[i]; i++) if (SEPARATOR.test(a[i])) cut = i + 1;
	let cutEnd = 0;
	for (let i = 0; i < n - cut && a[a.length - 1 - i] === b[b.length - 1 - i]; i++) {
		if (SEPARATOR.test(a[a.length - 1 - i])) cutEnd = i + 1;
	}
	const ra = a.slice(cut, a.length - cutEnd).replace(EDGE_PUNCTUATION, '');
	const rb = b.slice(cut, b.length - cutEnd).replace(EDGE_PUNCTUATION, '');
	return PLAIN_WORD.test(ra) && PLAIN_WORD.test(rb) ? Difference.Word : Difference.Value;
}
