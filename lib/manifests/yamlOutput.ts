// Objects → one multi-document YAML that every reader takes the same way. kubectl reads YAML
// 1.1-style (go-yaml: `yes`, `on`, `y` are booleans, `0755` octal, `<<` a merge key), other
// tools read 1.2 (`0o17` octal). A string is written plain only when it is made of harmless
// characters and reads back as the same string in both; other single-line printable text is
// single-quoted (PromQL stays readable); the rest is double-quoted with escapes.
import { Document, parse, visit, Scalar } from 'yaml';

const HARMLESS = /^[A-Za-z0-9_./][A-Za-z0-9_./:@+-]*$/;
// printable, no line breaks, no characters YAML 1.1 readers take for line breaks (U+0085, U+2028/9)
const PRINTABLE_LINE =
	/^(?:[\u0020-\u007e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]|[\ud800-\udbff][\udc00-\udfff])*$/;

function readsBackAs(text: string): boolean {
	for (const version of ['1.1', '1.2'] as const) {
		try {
			if (parse(`k: ${text}\n`, { version, merge: false }).k !== text) return false;
		} catch {
			return false;
		}
	}
	return true;
}

const plainCache = new Map<string, boolean>();

export function plainIsSafe(text: string): boolean {
	let safe = plainCache.get(text);
	if (safe === undefined) {
		safe = text.length <= 200 && HARMLESS.test(text) && !text.endsWith(':') && readsBackAs(text);
		if (plainCache.size > 10_000) plainCache.clear();
		plainCache.set(text, safe);
	}
	return safe;
}

export function toYamlDocument(value: unknown): string {
	const doc = new Document(value, { aliasDuplicateObjects: false });
	visit(doc, {
		Scalar(_key, node) {
			if (typeof node.value === 'string') {
				if (plainIsSafe(node.value)) node.type = Scalar.PLAIN;
				else if (PRINTABLE_LINE.test(node.value)) node.type = Scalar.QUOTE_SINGLE;
				else node.type = Scalar.QUOTE_DOUBLE;
			}
		},
	});
	return doc.toString({ lineWidth: 0, minContentWidth: 0 });
}

/** One YAML stream: the documents separated by `---`. */
export function toYamlStream(values: unknown[]): string {
	return values.map((value) => `---\n${toYamlDocument(value)}`).join('');
}
