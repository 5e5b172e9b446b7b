// Multi-line records: a Java/Python/Go/Node stack trace is one event printed on many lines.
// joinRecords groups a stream's lines into records (a trace with its `at …`, `File …`,
// goroutine and `Caused by:` lines; an indented line with the line before it), and
// traceIdentity names a trace by what tells one failure from another: the exception type and
// the top frame (without its line number, so the same failure after an edit is the same
// pattern). The exception's message is a parameter.

/** How a record that is still open may continue. */
const enum Kind {
	Plain,
	Java,
	Python,
	Go,
	Node,
}

// `java.lang.IllegalStateException: boom`, `Exception in thread "main" java.lang.Error`
const JAVA_HEADER =
	/^(?:Exception in thread "[^"]*" )?((?:[A-Za-z_$][\w$]*\.)+[A-Za-z_$][\w$]*)(?::\s?(.*))?$/;
const JAVA_FRAME = /^\s+at\s+([\w$.<>/-]+)\(([^):]*)(?::\d+)?\)/;
const PYTHON_HEADER = /^Traceback \(most recent call last\):\s*$/;
const PYTHON_FRAME = /^\s+File "([^"]+)", line \d+, in (\S+)/;
const PYTHON_CHAIN =
	/^(?:During handling of the above exception|The above exception was the direct cause)/;
// the last line of a Python traceback: `ValueError: bad`, `mod.CustomError`, `KeyboardInterrupt`
const PYTHON_EXCEPTION = /^([A-Za-z_][\w.]*)(?::\s?(.*))?$/;
const GO_HEADER = /^(panic|fatal error): (.*)$/;
const GO_GOROUTINE = /^goroutine \d+ \[[^\]]*\]:$/;
// `main.divide(...)`, `github.com/x/y.(*T).Serve(0xc000010000, {0x0, 0x0})`
const GO_FUNCTION = /^((?:[\w.-]+\/)*[\w.-]*[\w)](?:\.\(\*?[\w]+\))?(?:\.[\w]+)*)\(.*\)$/;
const GO_OTHER = /^(?:created by |exit status \d+|\[signal |\s)/;
// `TypeError: x`, `Error [ERR_X]: y`, `Uncaught RangeError: z`
const NODE_HEADER =
	/^(?:Uncaught )?([A-Z][A-Za-z]*(?:Error|Exception)|Error)(?: \[[\w-]+\])?(?::\s?(.*))?$/;
const NODE_FRAME = /^\s+at (?:async )?(?:(.+?) \()?(?:file:\/\/)?([^()]*?)(?::\d+)?(?::\d+)?\)?$/;
const JAVA_MORE = /^(?:Caused by: |Suppressed: |\s*\.\.\. \d+ (?:more|common frames omitted))/;

function startsIndented(line: string): boolean {
	const c = line.charCodeAt(0);
	return c === 32 || c === 9;
}

function isFrameLine(line: string | undefined): boolean {
	return line !== undefined && startsIndented(line) && /^\s+(?:at |File ")/.test(line);
}

/** The kind of trace a line starts (given the next line), or undefined. */
function traceStart(line: string, next: string | undefined): Kind | undefined {
	if (PYTHON_HEADER.test(line)) return Kind.Python;
	if (GO_HEADER.test(line)) return Kind.Go;
	if (line.startsWith('Exception in thread "')) return Kind.Java;
	if (!isFrameLine(next)) return undefined;
	if (NODE_HEADER.test(line)) return Kind.Node;
	if (JAVA_HEADER.test(line)) return Kind.Java;
	return undefined;
}

function continues(kind: Kind, line: string, last: string): boolean {
	if (line.charCodeAt(0) === 123) return false; // a JSON line is a record of its own
	if (startsIndented(line)) return true;
	switch (kind) {
		case Kind.Java:
			return JAVA_MORE.test(line);
		case Kind.Python:
			if (PYTHON_CHAIN.test(line) || PYTHON_HEADER.test(line)) return true;
			// the exception line closes the traceback: only right after a frame's source line
			return startsIndented(last) && PYTHON_EXCEPTION.test(line);
		case Kind.Go:
			return GO_GOROUTINE.test(line) || GO_FUNCTION.test(line) || GO_OTHER.test(line);
		case Kind.Node:
			// the end of an error's own properties (`… {\n  code: 'ENOENT'\n}`)
			return line === '}';
		default:
			return false;
	}
}

/**
 * Groups lines (of one stream, in order) into records: index lists, each a first line and
 * the lines that continue it.
 */
export function joinRecords(lines: readonly string[]): number[][] {
	const records: number[][] = [];
	let open: number[] | undefined;
	let kind = Kind.Plain;
	for (let i = 0; i < lines.length; i++) {
		const line = lines[i];
		const start = traceStart(line, lines[i + 1]);
		if (open && (start === undefined || (kind === Kind.Python && start === Kind.Python))) {
			if (continues(kind, line, lines[open[open.length - 1]])) {
				open.push(i);
				continue;
			}
		}
		open = [i];
		kind = start ?? Kind.Plain;
		records.push(open);
	}
	return records;
}

export interface TraceIdentity {
	/** `exception=<type> frame=<top frame>`: what the miner learns */
	text: string;
	type: string;
	frame?: string;
	message?: string;
}

function basename(path: string): string {
	const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
	return i >= 0 ? path.slice(i + 1) : path;
}

function identity(
	type: string,
	frame: string | undefined,
	message: string | undefined,
): TraceIdentity {
	const text = `exception=${type}` + (frame ? ` frame=${frame}` : '');
	return { text, type, frame, message };
}

/**
 * The exception type and top frame of a trace's lines (Java with `Caused by:`, Python with
 * chained tracebacks, Go panics and goroutine dumps, Node.js errors), or undefined.
 */
export function traceIdentity(lines: readonly string[]): TraceIdentity | undefined {
	const first = lines.findIndex((l) => l.trim() !== '');
	if (first < 0) return undefined;
	const head = lines[first];
	if (PYTHON_HEADER.test(head) || lines.some((l) => PYTHON_FRAME.test(l))) {
		// the exception raised last is printed last, after the innermost frame of its traceback
		let frame: string | undefined;
		for (let i = lines.length - 1; i >= 0; i--) {
			const line = lines[i];
			if (startsIndented(line) || line.trim() === '') continue;
			const m = PYTHON_EXCEPTION.exec(line);
			if (!m || PYTHON_HEADER.test(line)) continue;
			for (let j = i - 1; j >= 0 && !frame; j--) {
				const f = PYTHON_FRAME.exec(lines[j]);
				if (f) frame = `${basename(f[1])}:${f[2]}`;
			}
			return identity(m[1], frame, m[2]);
		}
		return undefined;
	}
	const go = GO_HEADER.exec(head);
	if (go || lines.some((l) => GO_GOROUTINE.test(l))) {
		let frame: string | undefined;
		let inGoroutine = false;
		for (const line of lines) {
			if (GO_GOROUTINE.test(line)) inGoroutine = true;
			else if (inGoroutine && !startsIndented(line)) {
				const m = GO_FUNCTION.exec(line);
				// the frames of panic itself are not where it failed
				if (m && !/^(?:panic|runtime\.|runtime\/)/.test(m[1])) {
					frame = m[1];
					break;
				}
			}
		}
		if (!go && !frame) return undefined;
		return identity(go ? go[1].replace(' ', '_') : 'goroutine', frame, go?.[2]);
	}
	const frameAt = lines.findIndex((l) => isFrameLine(l));
	if (frameAt < 0) return undefined;
	const header = lines[frameAt - 1] ?? head;
	const node = NODE_HEADER.exec(header);
	const java = JAVA_HEADER.exec(header);
	const nf = NODE_FRAME.exec(lines[frameAt]);
	const jf = JAVA_FRAME.exec(lines[frameAt]);
	if (jf && (java || !node)) {
		return identity(java ? java[1] : 'exception', `${jf[1]}(${jf[2]})`, java?.[2]);
	}
	if (nf) {
		const fn = nf[1] ? `${nf[1].replace(/\s+/g, '_')}` : '';
		return identity(node ? node[1] : 'Error', `${fn}(${basename(nf[2])})`, node?.[2]);
	}
	return undefined;
}

/**
 * What the miner learns of a record of several lines: a trace as its first line's text (when
 * it is a log line and not the exception itself) and the trace's identity; other records as
 * their lines joined by spaces.
 */
export function recordText(lines: readonly string[]): { text: string; message?: string } {
	const trace = traceIdentity(lines);
	if (!trace) return { text: lines.join(' ') };
	const head = lines[0];
	const headIsTrace =
		traceStart(head, lines[1]) !== undefined || JAVA_HEADER.test(head) || NODE_HEADER.test(head);
	return {
		text: headIsTrace ? trace.text : `${head} ${trace.text}`,
		message: trace.message,
	};
}
