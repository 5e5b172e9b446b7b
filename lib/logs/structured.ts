// A JSON log line (zap, logrus, pino, structlog …) is a set of fields, not words: it is mined as
// `key=value` pairs in its own key order, strings quoted, nested objects as dotted keys. Then
// JSON and logfmt lines go through the same masks (a quoted value after `key=` is a value,
// except the message and the fields that name the event: msg, level, caller …).
const MAX_DEPTH = 4;

function render(value: unknown): string {
	if (typeof value === 'string') return JSON.stringify(value);
	if (value === null || typeof value !== 'object') return String(value);
	return JSON.stringify(value);
}

function flatten(
	value: Record<string, unknown>,
	prefix: string,
	depth: number,
	out: string[],
): void {
	for (const [key, v] of Object.entries(value)) {
		const name = prefix ? `${prefix}.${key}` : key;
		if (v !== null && typeof v === 'object' && !Array.isArray(v) && depth < MAX_DEPTH) {
			flatten(v as Record<string, unknown>, name, depth + 1, out);
		} else {
			out.push(`${name}=${render(v)}`);
		}
	}
}

/** The line as `key=value` fields if it is a JSON object, else the line itself. */
export function fieldsOfJsonLine(line: string): string {
	const start = line.search(/\S/);
	if (start < 0 || line[start] !== '{' || line.trimEnd().slice(-1) !== '}') return line;
	let parsed: unknown;
	try {
		parsed = JSON.parse(line);
	} catch {
		return line;
	}
	if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return line;
	const out: string[] = [];
	flatten(parsed as Record<string, unknown>, '', 0, out);
	return out.length ? out.join(' ') : line;
}
