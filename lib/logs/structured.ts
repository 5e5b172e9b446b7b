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
const ERROR_KEYS = [
	'error',
	'err',
	'error.message',
	'err.message',
	'exception.message',
	'error.msg',
	'errorMessage',
];
const ERROR_TYPE_KEYS = ['error.type', 'err.type', 'err.name', 'error.kind', 'exception.type'];
// a stack trace kept in a field (logstash encoder, ECS, pino/bunyan err.stack, zap, structlog)
const STACK_KEYS = [
	'stack_trace',
	'stacktrace',
	'stack',
	'error.stack_trace',
	'error.stack',
	'err.stack',
	'exception',
	'exc_info',
	'exception.stacktrace',
];
// pino and bunyan write the level as a number
const NUMERIC_LEVELS: Record<number, string> = {
	10: 'trace',
	20: 'debug',
	30: 'info',
	40: 'warn',
	50: 'error',
	60: 'fatal',
};

function flatten(value: Record<string, unknown>, prefix: string, depth: number, out: Map<string, unknown>): void {
	for (const key of Object.keys(value)) {
		const v = value[key];
		const name = prefix ? `${prefix}.${key}` : key;
		if (v !== null && typeof v === 'object' && !Array.isArray(v) && depth < MAX_DEPTH) {
			flatten(v as Record<string, unknown>, name, depth + 1, out);
		} else {
			out.set(name, v);
		}
	}
}

function text(value: unknown): string {
	if (typeof value === 'string') return value;
	if (value === null || typeof value !== 'object') return String(value);
	return JSON.stringify(value);
}

function take(fields: Map<string, unknown>, keys: readonly string[]): unknown {
	for (const k of keys) {
		if (fields.has(k)) {
			const v = fields.get(k);
			fields.delete(k);
			if (v !== null && v !== undefined && v !== '') return v;
		}
	}
	return undefined;
}

/** The pattern key part of a name: one token, no spaces. */
function word(value: string): string {
	return value.trim().replace(/\s+/g, '_');
}

/**
 * The event of a set of fields (JSON or logfmt), or undefined when it has no message field
 * (then the line is mined as it is).
 */
export function eventOfFields(fields: Map<string, unknown>): LogEvent | undefined {
	if (!MESSAGE_KEYS.some((k) => typeof fields.get(k) === 'string')) return undefined;
	const message = text(take(fields, MESSAGE_KEYS));
	const levelValue = take(fields, LEVEL_KEYS);
	const level =
		typeof levelValue === 'number'
			? (NUMERIC_LEVELS[levelValue] ?? String(levelValue))
			: levelValue === undefined
				? undefined
				: text(levelValue).toLowerCase();
	let logger = take(fields, LOGGER_KEYS);
	// bunyan and pino name their logger `name` (next to hostname and pid)
	if (logger === undefined && fields.has('hostname') && typeof fields.get('name') === 'string') {
		logger = fields.get('name');
		fields.delete('name');
	}
	const error = take(fields, ERROR_KEYS);
	const errorType = take(fields, ERROR_TYPE_KEYS);
	const stack = take(fields, STACK_KEYS);
	const parts: string[] = [];
	if (level !== undefined) parts.push(`level=${word(level)}`);
	if (logger !== undefined) parts.push(`logger=${word(text(logger))}`);
	parts.push(message.replace(/\s+/g, ' ').trim());
	const extra: string[] = [];
	const trace = typeof stack === 'string' ? traceIdentity(stack.split(/\r?\n/)) : undefined;
	if (trace) {
		parts.push(trace.text);
		if (error !== undefined) extra.push(`error=${text(error)}`);
	} else if (errorType !== undefined) {
		parts.push(`exception=${word(text(errorType))}`);
		if (error !== undefined) extra.push(`error=${text(error)}`);
	} else if (error !== undefined) {
		parts.push('error:', text(error).replace(/\s+/g, ' '));
	}
	if (stack !== undefined && !trace) extra.push(`stack=${text(stack)}`);
	for (const [k, v] of fields) extra.push(`${k}=${text(v)}`);
	return { text: parts.join(' '), fields: extra };
}

/** The fields of a JSON object line, or undefined. */
export function jsonFields(line: string): Map<string, unknown> | undefined {
	let start = 0;
	while (start < line.length && (line[start] === ' ' || line[start] === '\t')) start++;
	if (line[start] !== '{') return undefined;
	let end = line.length - 1;
	while (end > start && /\s/.test(line[end])) end--;
	if (line[end] !== '}') return undefined;
	let parsed: unknown;
	try {
		parsed = JSON.parse(line);
	} catch {
		return undefined;
	}
	if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
	const out = new Map<string, unknown>();
	flatten(parsed as Record<string, unknown>, '', 0, out);
	return out;
}

const LOGFMT_PAIR = /([A-Za-z_@][\w.@/-]*)=("(?:[^"\\]|\\.)*"|[^\s"]*)(?=\s|$)/y;

/**
 * The fields of a logfmt line (every token a `key=value`, values bare or double-quoted with
 * backslash escapes; at least two pairs), or undefined.
 */
export function logfmtFields(line: string): Map<string, unknown> | undefined {
	const out = new Map<string, unknown>();
	let i = 0;
	const n = line.length;
	while (i < n) {
		while (i < n && (line[i] === ' ' || line[i] === '\t')) i++;
		if (i >= n) break;
		LOGFMT_PAIR.lastIndex = i;
		const m = LOGFMT_PAIR.exec(line);
		if (!m) return undefined;
		let value = m[2];
		if (value.startsWith('"')) {
			try {
				value = JSON.parse(value) as string;
			} catch {
				value = value.slice(1, -1);
			}
		}
		out.set(m[1], value);
		i = LOGFMT_PAIR.lastIndex;
	}
	return out.size >= 2 ? out : undefined;
}

/** The fields of a JSON line as `key=value` in its own order (a JSON line without a message). */
function fieldsText(fields: Map<string, unknown>): string {
	const out: string[] = [];
	for (const [k, v] of fields) out.push(`${k}=${typeof v === 'string' ? JSON.stringify(v) : text(v)}`);
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
		const event = eventOfFields(new Map(fields));
		return event ?? { text: fieldsText(fields), fields: [] };
	}
	if (line.indexOf('=') > 0 && /^[A-Za-z_@][\w.@/-]*=/.test(line)) {
		const fields = logfmtFields(line);
		return fields ? eventOfFields(fields) : undefined;
	}
	return undefined;
}
