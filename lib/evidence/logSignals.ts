// What a log line says about why a process failed, by the wording runtimes and drivers use
// (Go net, Node.js, Java, Python, libpq, JDBC, MySQL, Redis clients), not by any one app's text.
import type { LogSignal, LogSignalKind } from './types';

const ENDPOINT = String.raw`((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]*[a-z0-9])?:\d{1,5}|\[[0-9a-f:]+\]:\d{1,5}|\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?)`;

const RULES: { kind: LogSignalKind; pattern: RegExp }[] = [
	{ kind: 'connection_refused', pattern: /connection refused|ECONNREFUSED|Connection refused|ConnectException|could not connect to server|Can't connect to (?:MySQL|local MySQL)|Error 111/i },
	{ kind: 'unknown_host', pattern: /no such host|ENOTFOUND|EAI_AGAIN|UnknownHostException|Name or service not known|nodename nor servname|could not translate host name|Temporary failure in name resolution/i },
	{ kind: 'timeout', pattern: /i\/o timeout|ETIMEDOUT|timed out|SocketTimeoutException|deadline exceeded|connect timeout/i },
	{ kind: 'out_of_memory', pattern: /OutOfMemoryError|out of memory|JavaScript heap out of memory|MemoryError|cannot allocate memory|fatal error: runtime: out of memory/i },
	{ kind: 'missing_config', pattern: /(?:environment variable|env var|config(?:uration)?(?: key| file| value)?|setting)\s+\S*\s*(?:is )?(?:not set|missing|required|not found|undefined)|missing required (?:env|config)|KeyError: '|No such file or directory.*\.(?:ya?ml|json|conf|ini|toml|properties)/i },
	{ kind: 'permission_denied', pattern: /permission denied|EACCES|AccessDenied|403 Forbidden|is forbidden/i },
];

const endpointPattern = new RegExp(ENDPOINT, 'i');
const MAX_LINE = 500;

/** The signals in the lines, at most one per kind and endpoint, newest last. */
export function logSignals(lines: string[]): LogSignal[] {
	const seen = new Map<string, LogSignal>();
	for (const raw of lines) {
		const line = raw.length > MAX_LINE ? `${raw.slice(0, MAX_LINE)}…` : raw;
		for (const { kind, pattern } of RULES) {
			if (!pattern.test(line)) continue;
			const endpoint = kind === 'out_of_memory' || kind === 'missing_config' ? undefined : endpointOf(line);
			const key = `${kind}|${endpoint ?? ''}`;
			seen.delete(key);
			seen.set(key, { kind, endpoint, line });
		}
	}
	return [...seen.values()];
}

function endpointOf(line: string): string | undefined {
	// prefer what follows "dial tcp", "connect to", "@" (URLs), "host"
	const anchored = /(?:dial tcp|connect(?:ing)? to|connection to|host|@|\/\/)\s*"?([^\s"',;)]+)/i.exec(line);
	if (anchored) {
		const m = endpointPattern.exec(anchored[1]);
		if (m) return m[1].toLowerCase();
	}
	const m = endpointPattern.exec(line);
	return m ? m[1].toLowerCase() : undefined;
}

/** The host of `host:port`, `[v6]:port`, a bare host. */
export function hostOf(endpoint: string): string {
	if (endpoint.startsWith('[')) return endpoint.slice(1, endpoint.indexOf(']'));
	const i = endpoint.lastIndexOf(':');
	return i > 0 ? endpoint.slice(0, i) : endpoint;
}
