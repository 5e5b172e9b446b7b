// Label filters in Alertmanager's matcher syntax (name="v", name!="v", name=~"re", name!~"re"),
// so a filter reads the same as the routes and silences users already write.

export interface LabelMatcher {
	name: string;
	op: '=' | '!=' | '=~' | '!~';
	value: string;
	regex?: RegExp;
}

const MATCHER =
	/^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(?:"((?:[^"\\]|\\.)*)"|([^",]*?))\s*$/;

export function parseLabelMatcher(text: string): LabelMatcher {
	const m = MATCHER.exec(text);
	if (!m)
		throw new Error(
			`"${text}" is not a label matcher (expected name="value", name!="value", name=~"regex" or name!~"regex")`,
		);
	const op = m[2] as LabelMatcher['op'];
	const value = m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : (m[4] ?? '');
	const matcher: LabelMatcher = { name: m[1], op, value };
	if (op === '=~' || op === '!~') {
		try {
			// Anchored, as in Alertmanager.
			matcher.regex = new RegExp(`^(?:${value})$`);
		} catch (error) {
			throw new Error(`"${text}": invalid regular expression: ${(error as Error).message}`);
		}
	}
	return matcher;
}

/** Parses a comma- or newline-separated list of matchers; an empty text matches everything. */
export function parseLabelMatchers(text: string): LabelMatcher[] {
	const parts: string[] = [];
	let current = '';
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (c === '\\' && quoted) {
			current += c + (text[++i] ?? '');
			continue;
		}
		if (c === '"') quoted = !quoted;
		if (!quoted && (c === ',' || c === '\n')) {
			parts.push(current);
			current = '';
		} else current += c;
	}
	parts.push(current);
	return parts.filter((p) => p.trim() !== '').map(parseLabelMatcher);
}

export function matchesLabels(
	labels: Record<string, string>,
	matchers: readonly LabelMatcher[],
): boolean {
	return matchers.every((m) => {
		const value = labels[m.name] ?? '';
		switch (m.op) {
			case '=':
				return value === m.value;
			case '!=':
				return value !== m.value;
			case '=~':
				return m.regex!.test(value);
			case '!~':
				return !m.regex!.test(value);
		}
	});
}
