// Structured log lines as Kubernetes apps write them: JSON objects (zap, logrus, pino, bunyan,
// structlog, Spring Boot's JSON/ECS layouts, slog) and logfmt (`level=info msg="…" k=v`). What
// is mined is the event: the level and logger (kept as words of the pattern, so `info` and
// `error` of one message are two patterns), the message, and the error (its text, or the
// exception type and top frame of its stack trace). Every other field (time, caller, request
// ids, user …) is a parameter: a new field or a new value of one never makes a new pattern.
import { traceIdentity } from './records';

/** The text the miner learns for a line, and the line's fields that are parameters. */
export interface LogEvent {
	text: string;
	/** `key=value` of the fields that are not part of the pattern */
	fields: string[];
}

const MAX_DEPTH = 4;
const MESSAGE_KEYS = ['msg', 'message', '@message', 'event', 'short_message'];
const LEVEL_KEYS = ['level', 'lvl', 'severity', 'levelname', 'log.level', '@level'];
const LOGGER_KEYS = ['logger', 'logger_name', 'loggerName', 'log.logger', 'logName'];
const ERROR_KEYS =
	'error err error.message err.message exception.message error.msg errorMessage'.split(' ');
const ERROR_TYPE_KEYS = ['error.type', 'err.type', 'err.name', 'error.kind', 'exception.type'];
// a stack trace kept in a field (logstash encoder, ECS, pino/bunyan err.stack, zap, structlog)
const STACK_KEYS = [
	...['stack_trace', 'stacktrace', 'stack', 'exception', 'exc_info'],
	...['error.stack_trace', 'error.stack', 'err.stack', 'exception.stacktrace'],
];
const PARTS = new Map(
	[MESSAGE_KEYS, LEVEL_KEYS, LOGGER_KEYS, ERROR_KEYS, ERROR_TYPE_KEYS, STACK_KEYS]
		.flat()
		.map((k) => [k, k.split('.')] as const),
);
// pino and bunyan write the level as a number
const NUMERIC_LEVELS: Record<number, string> = {
	10: 'trace',
	20: 'debug',
	30: 'info',
	40: 'warn',
	50: 'error',
	60: 'fatal',
};

/** A record's fields: a JSON object (nested objects reached by dotted keys) or logfmt pairs. */
type Fields = Record<string, unknown>;

function text(value: unknown): string {
	if (typeof value === 'string') return value;
	if (value === null || typeof value !== 'object') return String(value);
	return JSON.stringify(value);
}

function isObject(v: unknown): v is Fields {
	return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The value at a key (`log.level`: a flat key of that name, else nested), or undefined. */
function lookup(fields: Fields, key: string, parts: readonly string[]): unknown {
	const flat = fields[key];
	if (flat !== undefined || parts.length === 1) return flat;
	let v: unknown = fields;
	for (const part of parts) {
		if (!isObject(v)) return undefined;
		v = v[part];
	}
	return v;
}

/** The first of the keys with a value; the key is marked used. */
function take(fields: Fields, keys: readonly string[], used: Set<string>): unknown {
	for (const k of keys) {
		const v = lookup(fields, k, PARTS.get(k)!);
		if (v === undefined) continue;
		used.add(k);
		if (v !== null && v !== '') return v;
	}
	return undefined;
}

/** The pattern key part of a name: one token, no spaces. */
function word(value: string): string {
	return /\s/.test(value) ? value.trim().replace(/\s+/g, '_') : value;
}

/** `key=value` of every field not used, nested objects by dotted keys. */
function otherFields(
	fields: Fields,
	used: Set<string>,
	prefix: string,
	depth: number,
	out: string[],
): void {
	for (const key in fields) {
		const name = prefix ? `${prefix}.${key}` : key;
		if (used.has(name)) continue;
		const v = fields[key];
		if (isObject(v) && depth < MAX_DEPTH) otherFields(v, used, name, depth + 1, out);
		else out.push(`${name}=${text(v)}`);
	}
}

/**
 * The event of a record's fields (JSON or logfmt), or undefined when it has no message field
 * (then the line is mined as it is).
 */
export function eventOfFields(fields: Fields): LogEvent | undefined {
	const used = new Set<string>();
	const message = take(fields, MESSAGE_KEYS, used);
	if (typeof message !== 'string') return undefined;
	const levelValue = take(fields, LEVEL_KEYS, used);
	const level =
		typeof levelValue === 'number'
			? (NUMERIC_LEVELS[levelValue] ?? String(levelValue))
			: levelValue === undefined
				? undefined
				: text(levelValue).toLowerCase();
	let logger = take(fields, LOGGER_KEYS, used);
	// bunyan and pino name their logger `name` (next to hostname and pid)
	if (logger === undefined && fields.hostname !== undefined && typeof fields.name === 'string') {
		logger = fields.name;
		used.add('name');
	}
	const error = take(fields, ERROR_KEYS, used);
	const errorType = take(fields, ERROR_TYPE_KEYS, used);
	const stack = take(fields, STACK_KEYS, used);
	let out = level === undefined ? '' : `level=${word(level)} `;
	if (logger !== undefined) out += `logger=${word(text(logger))} `;
	out += message;
	const extra: string[] = [];
	const trace = typeof stack === 'string' ? traceIdentity(stack.split(/\r?\n/)) : undefined;
	if (trace) {
		out += ` ${trace.text}`;
		if (error !== undefined) extra.push(`error=${text(error)}`);
	} else if (errorType !== undefined) {
		out += ` exception=${word(text(errorType))}`;
		if (error !== undefined) extra.push(`error=${text(error)}`);
	} else if (error !== undefined) {
		out += ` error: ${text(error)}`;
	}
	if (stack !== undefined && !trace) extra.push(`stack=${text(stack)}`);
	// an error object whose parts were taken (`err.message`, `err.stack`) leaves the rest
	otherFields(fields, used, '', 0, extra);
	return { text: out, fields: extra };
}

/** The fields of a JSON object line, or undefined. */
export function jsonFields(line: string): Fields | undefined {
	let start = 0;
	while (start < line.length && (line[start] === ' ' || line[start] === '\t')) start++;
	if (line[start] !== '{') return undefined;
	let end = line.length - 1;
	while (end > start && line.charCodeAt(end) <= 32) end--;
	if (line[end] !== '}') return undefined;
	let parsed: unknown;
	try {
		parsed = JSON.parse(line);
	} catch {
		return undefined;
	}
	return isObject(parsed) ? parsed : undefined;
}

function isKeyChar(c: number, first: boolean): boolean {
	// letters, `_`, `@`; then also digits, `.`, `-`, `/`
	if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 64) return true;
	return !first && ((c >= 48 && c <= 57) || c === 46 || c === 45 || c === 47);
}

/**
 * The fields of a logfmt line (every token a `key=value`, values bare or double-quoted with
 * backslash escapes; at least two pairs), or undefined.
 */
export function logfmtFields(line: string): Fields | undefined {
	const out: Fields = {};
	let pairs = 0;
	const n = line.length;
	let i = 0;
	for (;;) {
		while (i < n && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
		if (i >= n) break;
		const keyStart = i;
		while (i < n && isKeyChar(line.charCodeAt(i), i === keyStart)) i++;
		if (i === keyStart || line.charCodeAt(i) !== 61) return undefined; // `=`
		const key = line.slice(keyStart, i++);
		let value: string;
		if (line.charCodeAt(i) === 34) {
			// a quoted value: up to the closing quote not escaped
			const start = i++;
			let escaped = false;
			while (i < n && line.charCodeAt(i) !== 34) {
				if (line.charCodeAt(i) === 92) {
					escaped = true;
					i++;
				}
				i++;
			}
			if (i >= n) return undefined;
			const quoted = line.slice(start, ++i);
			if (!escaped) value = quoted.slice(1, -1);
			else {
				try {
					value = JSON.parse(quoted) as string;
				} catch {
					value = quoted.slice(1, -1);
				}
			}
		} else {
			const start = i;
			while (i < n && line.charCodeAt(i) !== 32 && line.charCodeAt(i) !== 9) {
				if (line.charCodeAt(i) === 34) return undefined;
				i++;
			}
			value = line.slice(start, i);
		}
		if (i < n && line.charCodeAt(i) !== 32 && line.charCodeAt(i) !== 9) return undefined;
		out[key] = value;
		pairs++;
	}
	return pairs >= 2 ? out : undefined;
}

/** The fields of a JSON line as `key=value` in its own order (a JSON line without a message). */
function fieldsText(fields: Fields, prefix = '', depth = 0, out: string[] = []): string {
	for (const key in fields) {
		const name = prefix ? `${prefix}.${key}` : key;
		const v = fields[key];
		if (isObject(v) && depth < MAX_DEPTH) fieldsText(v, name, depth + 1, out);
		else out.push(`${name}=${typeof v === 'string' ? JSON.stringify(v) : text(v)}`);
	}
	return out.join(' ');
}

/**
 * What the miner learns of a line: the event of a JSON or logfmt line with a message; a JSON
 * line without one as its `key=value` fields; any other line as it is.
 */
export function eventOfLine(line: string): LogEvent | undefined {
	const c = line.charCodeAt(0);
	// `{` or a blank: maybe JSON; a letter: maybe logfmt (`level=…`); else plain
	if (c === 123 || c === 32 || c === 9) {
		const fields = jsonFields(line);
		if (!fields) return undefined;
		const event = eventOfFields(fields);
		return event ?? { text: fieldsText(fields), fields: [] };
	}
	if (isKeyChar(c, true)) {
		// logfmt starts with `key=`
		let i = 1;
		while (i < line.length && isKeyChar(line.charCodeAt(i), false)) i++;
		if (line.charCodeAt(i) !== 61) return undefined;
		const fields = logfmtFields(line);
		return fields ? eventOfFields(fields) : undefined;
	}
	return undefined;
}
