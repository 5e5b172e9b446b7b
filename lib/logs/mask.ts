// Masking: tokens that are values (addresses, numbers, ids, times, paths…) are recognised by
// their shape and replaced by `<*>` before mining, so the miner only has to learn what shapes
// cannot tell. The original text of every masked span is kept, so a line's parameters can be
// given back. The rules are general shapes, never the tokens of one particular log.
import { InvalidInputError } from '../errors';

export const WILDCARD = '<*>';

export interface MaskedLine {
	/** whitespace-separated tokens after masking */
	tokens: string[];
	/** per token: the original text of each `<*>` in it, in order */
	values: string[][];
}

export interface MaskRule {
	name: string;
	/** may match across whitespace (applied to the whole line before it is split) */
	spanning: boolean;
	pattern: RegExp;
}

const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const K8S_SUFFIX = '[bcdfghjklmnpqrstvwxz2456789]';
// keys whose quoted value is the message itself or names the event (logfmt, JSON), not a value
const MESSAGE_KEYS =
	'(?:msg|message|error|err|reason|event|description|summary|level|lvl|severity|caller|logger|component)';

/**
 * The built-in masks, in the order they are tried (at each position the first that matches
 * wins, so the longer, more specific shapes come first).
 */
export const MASK_RULES: readonly MaskRule[] = [
	{
		// `Thu Aug 04 15:29:45 PDT 2005`, `Dec 10 06:55:46` (ctime, syslog, RFC 2822)
		name: 'dateTime',
		spanning: true,
		pattern: new RegExp(
			`(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),? )?${MONTH} +\\d{1,2},?(?: \\d{4})? \\d{1,2}:\\d{2}(?::\\d{2})?(?:[.,]\\d+)?(?: [A-Z]{2,5}| [+-]\\d{4})?(?: \\d{4})?\\b`,
		),
	},
	{
		// common log format: `10/Oct/2000:13:55:36 -0700`
		name: 'dateTime',
		spanning: true,
		pattern: new RegExp(`\\d{1,2}/${MONTH}/\\d{4}(?::\\d{2}){3}(?: [+-]\\d{4})?`),
	},
	{
		// ISO 8601 date or timestamp, also with a space (`2024-01-15 10:23:45,123`)
		name: 'timestamp',
		spanning: true,
		pattern:
			/\d(?<![\w.:-]\d)\d{3}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?![\w:-])/,
	},
	{
		// a quoted value right after `key=` or `key: ` (not the message of a logfmt/JSON line)
		name: 'quoted',
		spanning: true,
		// (the quote is matched first and the lookbehinds look back from it: much faster)
		pattern: new RegExp(
			`(?:"(?<=[=:]\\s?")(?<!(?<!\\w)${MESSAGE_KEYS}["']?\\s?[=:]\\s?")[^"]*"|'(?<=[=:]\\s?')(?<!(?<!\\w)${MESSAGE_KEYS}["']?\\s?[=:]\\s?')[^']*')`,
		),
	},
	{
		// `<1 sec`, `2.5 seconds`, `15 ms`
		name: 'duration',
		spanning: true,
		pattern:
			/(?:[<>]\d|\d)(?<!(?:[\w.:-])(?:[<>]\d|\d))\d*(?:\.\d+)? ?(?:ns|us|µs|ms|msec|msecs|sec|secs|seconds?|mins?|minutes?|hrs?|hours?|days?)(?![\w:-]|\.\w)/,
	},
	{
		// `1.16 KB`, `384.0 B`, `2 GiB`
		name: 'size',
		spanning: true,
		pattern: /\d(?<![\w.:-]\d)\d*(?:\.\d+)? ?(?:[KMGTPE]i?B|B)(?![\w:-]|\.\w)/,
	},
	{ name: 'url', spanning: false, pattern: /[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s"'<>()[\]{},]+/ },
	{
		// a Deployment's pod `api-7d4b9c8f6-x2kqz`: name, ReplicaSet hash, 5-character suffix
		name: 'kubernetesName',
		spanning: false,
		pattern: new RegExp(
			`[a-z0-9](?<![A-Za-z0-9][a-z0-9])(?:[a-z0-9-]*[a-z0-9])?-${K8S_SUFFIX}{6,10}-${K8S_SUFFIX}{5}(?![A-Za-z0-9])`,
		),
	},
	{
		name: 'uuid',
		spanning: false,
		pattern: /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/,
	},
	{
		// MAC address, or any 6+ colon/dash-separated hex byte pairs
		name: 'mac',
		spanning: false,
		pattern:
			/[0-9A-Fa-f](?<![0-9A-Fa-f:-][0-9A-Fa-f])[0-9A-Fa-f](?:[:-][0-9A-Fa-f]{2}){5,}(?![0-9A-Fa-f:-])/,
	},
	{
		// eight groups, or compressed with `::`; optionally `[…]:port`
		name: 'ipv6',
		spanning: false,
		pattern:
			/\[?(?<![\w:.])(?:(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4})*)?::(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4})*)?)(?![\w:])(?:\]:\d{1,5}|\])?/,
	},
	{
		name: 'ipv4',
		spanning: false,
		pattern: /\d(?<![0-9.]\d)\d{0,2}(?:\.\d{1,3}){3}(?::\d{1,5})?(?![0-9])/,
	},
	{
		// a lower-case host name with a port: `db.example.com:5432`
		name: 'hostPort',
		spanning: false,
		pattern: /[a-z0-9-](?<![\w.-][a-z0-9-])[a-z0-9-]*(?:\.[a-z0-9-]+)+:\d{1,5}(?![\w.])/,
	},
	{
		name: 'time',
		spanning: false,
		pattern: /\d(?<!\d\d)\d?:\d{2}(?::\d{2})?(?:[.,]\d+)?(?![0-9])/,
	},
	{ name: 'hex', spanning: false, pattern: /0[xX][0-9a-fA-F]+/ },
	{
		// Unix or Windows path of two or more parts, or one part at the start of a token
		name: 'path',
		spanning: false,
		pattern: /(?:[A-Za-z]:)?(?:[\\/][\w.$@%+~-]+){2,}[\\/]?|\/(?<![\w.]\/)[\w.$@%+~-]+/,
	},
	{
		// any word with a digit in it: numbers (signed, dotted), hex ids, `15ms`, `x2kqz`; but not
		// a name that ends in one digit (`ssh2`, `SOCKS5`, `IPv6`, `utf8`)
		name: 'number',
		spanning: false,
		pattern:
			/(?:-(?=[A-Za-z0-9]*\d)(?<![A-Za-z0-9]-)|(?=[A-Za-z0-9]*\d)(?<![A-Za-z0-9]))(?![A-Za-z]{2,}\d(?![A-Za-z0-9]))[A-Za-z0-9]+(?:\.\d+)*/,
	},
];

export const MASK_NAMES: readonly string[] = [...new Set(MASK_RULES.map((r) => r.name))];

const SENTINEL = '\u0001';
const NO_VALUES: string[] = Object.freeze([]) as unknown as string[];
// in-token masks only look at pieces that could hold a value: a digit, a slash or backslash
const MAY_HOLD_VALUE = /[0-9/\\]/;

function union(patterns: string[]): RegExp | undefined {
	return patterns.length ? new RegExp(patterns.join('|'), 'g') : undefined;
}

export class Masker {
	private readonly spanning: RegExp;
	private readonly inToken: RegExp | undefined;

	/**
	 * @param enabled names of the built-in masks to apply (default: all)
	 * @param extra more regular expressions whose matches are values (applied first)
	 */
	constructor(enabled: readonly string[] = MASK_NAMES, extra: readonly string[] = []) {
		const spanning: string[] = [];
		extra.forEach((source, i) => {
			try {
				new RegExp(source);
			} catch (error) {
				throw new InvalidInputError(
					`Extra mask ${i + 1} is not a valid regular expression: ${(error as Error).message}`,
					`extraMasks[${i}]`,
				);
			}
			spanning.push(`(?:${source})`);
		});
		// a literal `<*>` in a line is a value too, so a template never confuses it with its own
		spanning.unshift('<\\*>');
		const inToken: string[] = [];
		for (const rule of MASK_RULES) {
			if (!enabled.includes(rule.name)) continue;
			(rule.spanning ? spanning : inToken).push(rule.pattern.source);
		}
		this.spanning = union(spanning)!;
		this.inToken = union(inToken);
	}

	private maskPiece(piece: string, out: string[]): string {
		if (!this.inToken || !MAY_HOLD_VALUE.test(piece)) return piece;
		return piece.replace(this.inToken, (m) => {
			out.push(m);
			return WILDCARD;
		});
	}

	/** Masks one line; `maxLength` caps the characters looked at (a longer line is cut). */
	mask(line: string, maxLength = Infinity): MaskedLine {
		let text = line.length > maxLength ? line.slice(0, maxLength) : line;
		const spans: string[] = [];
		text = text.replace(this.spanning, (m) => {
			if (m === '') return m;
			spans.push(m);
			return SENTINEL;
		});
		const tokens: string[] = [];
		const values: string[][] = [];
		let span = 0;
		for (const token of text.split(/\s+/)) {
			if (token === '') continue;
			if (!MAY_HOLD_VALUE.test(token) && !token.includes(SENTINEL)) {
				tokens.push(token);
				values.push(NO_VALUES);
				continue;
			}
			const vals: string[] = [];
			let masked: string;
			if (token.includes(SENTINEL)) {
				const pieces = token.split(SENTINEL);
				masked = this.maskPiece(pieces[0], vals);
				for (let p = 1; p < pieces.length; p++) {
					vals.push(spans[span++]);
					masked += WILDCARD + this.maskPiece(pieces[p], vals);
				}
			} else {
				masked = this.maskPiece(token, vals);
			}
			tokens.push(masked);
			values.push(vals);
		}
		return { tokens, values };
	}
}

/** The original text of a masked token. */
export function unmaskToken(token: string, values: readonly string[]): string {
	if (values.length === 0) return token;
	const parts = token.split(WILDCARD);
	let out = parts[0];
	for (let i = 1; i < parts.length; i++) out += values[i - 1] + parts[i];
	return out;
}
