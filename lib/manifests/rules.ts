// Field rules for an app spec: each check returns the value when it obeys the rule and throws
// InvalidInputError naming the field and the rule otherwise. The rules are Kubernetes' own
// (apimachinery validation, the distribution/reference image grammar, resource quantities),
// narrowed where the rendered objects need it (an app name also names Services and StatefulSets).
import { InvalidInputError } from '../errors';

/** Shows a rejected value in a message: JSON-quoted (so control characters are visible), cut short. */
export function showValue(value: unknown): string {
	const text = typeof value === 'string' ? value : JSON.stringify(value);
	const cut =
		text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 60)}…` : text;
	return JSON.stringify(cut);
}

/**
 * An empty map without a prototype, for every map keyed by user text: `__proto__`,
 * `constructor` or `toString` are then plain keys, never Object.prototype's members.
 */
export function dict<T>(): Record<string, T> {
	return Object.create(null) as Record<string, T>;
}

export function fail(field: string, rule: string, value?: unknown): never {
	const got = value === undefined ? '' : `; got ${showValue(value)}`;
	throw new InvalidInputError(`${field}: ${rule}${got}`, field);
}

export function requireString(value: unknown, field: string): string {
	if (typeof value !== 'string') fail(field, 'must be a string', value);
	if (value === '') fail(field, 'must not be empty');
	return value;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** RFC 1123 label as Kubernetes checks names of namespaces (IsDNS1123Label). */
export function dns1123Label(value: unknown, field: string, maxLength = 63): string {
	const text = requireString(value, field);
	if (text.length > maxLength || !DNS1123_LABEL.test(text)) {
		fail(
			field,
			`must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most ${maxLength} characters`,
			value,
		);
	}
	return text;
}

/** RFC 1035 label (IsDNS1035Label): what a Service name must be. */
export function dns1035Label(value: unknown, field: string, maxLength = 63): string {
	const text = requireString(value, field);
	if (text.length > maxLength || !DNS1035_LABEL.test(text)) {
		fail(
			field,
			`must be a DNS-1035 label: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit, at most ${maxLength} characters`,
			value,
		);
	}
	return text;
}

/** RFC 1123 subdomain (IsDNS1123Subdomain): Secret and ConfigMap names. */
export function dns1123Subdomain(value: unknown, field: string): string {
	const text = requireString(value, field);
	if (text.length > 253 || !text.split('.').every((part) => DNS1123_LABEL.test(part))) {
		fail(
			field,
			"must be a DNS-1123 subdomain: dot-separated lowercase labels of letters, digits and '-', at most 253 characters",
			value,
		);
	}
	return text;
}

/**
 * A host name an Ingress and a certificate can carry: lowercase RFC 1123 labels, at least two,
 * no wildcard (an HTTP-01 certificate cannot cover one), not an IP address.
 */
export function hostname(value: unknown, field: string): string {
	const text = requireString(value, field);
	const labels = text.split('.');
	const valid =
		text.length <= 253 &&
		labels.length >= 2 &&
		labels.every((label) => label.length <= 63 && DNS1123_LABEL.test(label)) &&
		!/^[0-9]+$/.test(labels[labels.length - 1]);
	if (!valid) {
		fail(
			field,
			'must be a fully qualified host name: two or more dot-separated lowercase labels (letters, digits, inner hyphens; at most 63 characters each, 253 in all), no wildcard, not an IP address; write internationalised names in punycode',
			value,
		);
	}
	return text;
}

// Image references as the container runtime parses them: the grammar of
// github.com/distribution/reference (regexp.go, normalize.go) and the digest rules of
// github.com/opencontainers/go-digest, which the kubelet's runtime (containerd, CRI-O) applies
// before pulling. Each part is checked on its own so the message says which part is wrong.
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const REGISTRY = new RegExp(
	`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`,
);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*):(.*)$/;
/** go-digest's registered algorithms and the length of their hex encoding */
const DIGEST_HEX_LENGTH = new Map([
	['sha256', 64],
	['sha384', 96],
	['sha512', 128],
]);
const NAME_MAX_LENGTH = 255;

export function imageReference(value: unknown, field: string): string {
	const text = requireString(value, field);
	const bad = (rule: string): never => fail(field, `not an image reference: ${rule}`, value);
	const at = text.indexOf('@');
	const named = at < 0 ? text : text.slice(0, at);
	if (at >= 0) {
		const digest = DIGEST.exec(text.slice(at + 1));
		if (!digest) bad('the digest after @ must be algorithm:hex, e.g. sha256:<64 hex digits>');
		const [, algorithm, hex] = digest!;
		const length = DIGEST_HEX_LENGTH.get(algorithm);
		if (length === undefined) {
			bad(`the digest algorithm must be sha256, sha384 or sha512, not "${algorithm}"`);
		}
		if (hex.length !== length || !/^[a-f0-9]+$/.test(hex)) {
			bad(`a ${algorithm} digest is ${length} lowercase hex digits (0-9, a-f)`);
		}
	}
	// a tag is what follows the last ':' after the last '/' (before that, ':' is a port)
	const colon = named.lastIndexOf(':');
	const hasTag = colon > named.lastIndexOf('/');
	const name = hasTag ? named.slice(0, colon) : named;
	if (hasTag && !TAG.test(named.slice(colon + 1))) {
		bad(
			'the tag must be letters, digits, "_", "." and "-", not starting with "." or "-", at most 128 characters',
		);
	}
	if (name === '') bad('the name is empty');
	if (name.length > NAME_MAX_LENGTH) bad(`the name is longer than ${NAME_MAX_LENGTH} characters`);
	// the first component is a registry when it has a '.' or ':', is localhost, or has capitals
	const slash = name.indexOf('/');
	const first = slash < 0 ? '' : name.slice(0, slash);
	const isRegistry =
		slash >= 0 && (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase());
	if (isRegistry && !REGISTRY.test(first)) {
		bad('the registry must be a host name or [IPv6 address], optionally with :port');
	}
	const path = isRegistry ? name.slice(slash + 1) : name;
	if (path !== path.toLowerCase()) bad('the repository path must be lowercase');
	for (const component of path.split('/')) {
		if (!PATH_COMPONENT.test(component)) {
			bad(
				`the path component "${component}" must be lowercase letters and digits, separated by ".", "_", "__" or "-"`,
			);
		}
	}
	if (/^[a-f0-9]{64}$/.test(named)) bad('64 hex digits name an image ID, not a repository');
	return text;
}

// Kubernetes resource quantities (k8s.io/apimachinery resource.Quantity), restricted to the
// suffixes a memory or CPU amount is written with.
const QUANTITY = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?$/;
const FACTORS: Record<string, number> = {
	'': 1,
	m: 1e-3,
	k: 1e3,
	M: 1e6,
	G: 1e9,
	T: 1e12,
	P: 1e15,
	E: 1e18,
	Ki: 2 ** 10,
	Mi: 2 ** 20,
	Gi: 2 ** 30,
	Ti: 2 ** 40,
	Pi: 2 ** 50,
	Ei: 2 ** 60,
};

/** The amount a quantity stands for (bytes for memory, cores for CPU). */
export function quantityValue(quantity: string): number {
	const match = QUANTITY.exec(quantity);
	if (!match) throw new Error(`not a quantity: ${quantity}`);
	return Number(match[1]) * FACTORS[match[2] ?? ''];
}

/** A memory or storage size: a whole number of bytes written with a binary or decimal suffix. */
export function memoryQuantity(value: unknown, field: string): string {
	const text = requireString(value, field);
	const match = QUANTITY.exec(text);
	if (
		!match ||
		match[2] === 'm' ||
		!Number.isInteger(quantityValue(text)) ||
		quantityValue(text) <= 0
	) {
		fail(
			field,
			'must be a Kubernetes memory quantity: a positive number with a suffix Ki, Mi, Gi, Ti (binary) or k, M, G, T (decimal), e.g. "512Mi" or "2Gi"',
			value,
		);
	}
	return text;
}

/**
 * An environment variable name. Kubernetes accepts [-._a-zA-Z][-._a-zA-Z0-9]*; it must also be
 * a ConfigMap key (the app's env lives in its ConfigMap), so it starts with a letter or '_'.
 */
export function envName(value: unknown, field: string): string {
	const text = requireString(value, field);
	if (text.length > 253 || !/^[A-Za-z_][-._A-Za-z0-9]*$/.test(text)) {
		fail(
			field,
			"must be an environment variable name: a letter or '_' followed by letters, digits, '_', '-' or '.', at most 253 characters",
			value,
		);
	}
	return text;
}

/** A Secret key (IsConfigMapKey). */
export function secretKey(value: unknown, field: string): string {
	const text = requireString(value, field);
	if (
		text.length > 253 ||
		!/^[-._a-zA-Z0-9]+$/.test(text) ||
		text === '.' ||
		text.startsWith('..')
	) {
		fail(
			field,
			"must be a Secret key: letters, digits, '-', '_' or '.', not '.' and not starting with '..', at most 253 characters",
			value,
		);
	}
	return text;
}

// Characters YAML cannot carry literally (outside c-printable) besides tab and line breaks, the
// Unicode line separators that YAML 1.1 readers treat as line breaks, and unpaired surrogates.
const NOT_PRINTABLE =
	// eslint-disable-next-line no-control-regex -- finding control characters is the point
	/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/;
const LINE_BREAK = /[\r\n]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Free text (a display name, an env value): any printable Unicode; line breaks only when allowed. */
export function text(
	value: unknown,
	field: string,
	{ maxLength, multiline }: { maxLength: number; multiline: boolean },
): string {
	if (typeof value !== 'string') fail(field, 'must be a string', value);
	if (value.length > maxLength) fail(field, `must be at most ${maxLength} characters`, value);
	if (LONE_SURROGATE.test(value))
		fail(field, 'must be well-formed Unicode (no unpaired surrogate)', value);
	if (NOT_PRINTABLE.test(value)) {
		fail(field, 'must not contain control characters (tab and line breaks aside)', value);
	}
	if (!multiline && (LINE_BREAK.test(value) || value.includes('\t'))) {
		fail(field, 'must be a single line (no line breaks or tabs)', value);
	}
	return value;
}

/** An HTTP path for probes and scraping: starts with '/', URL path characters only, no '..'. */
export function httpPath(value: unknown, field: string): string {
	const text = requireString(value, field);
	if (
		text.length > 256 ||
		!/^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/.test(text) ||
		/(^|\/)\.\.(\/|$)/.test(text) ||
		/%(?![0-9A-Fa-f]{2})/.test(text)
	) {
		fail(
			field,
			"must be an absolute URL path: '/' followed by URL path characters (letters, digits, -._~!$&'()*+,;=:@/ and %XX escapes), no '..' segment, no query, at most 256 characters",
			value,
		);
	}
	return text;
}

export function integer(value: unknown, field: string, min: number, max: number): number {
	// digits as text (a form field) count; a leading zero does not (is 0755 octal?)
	const number =
		typeof value === 'string' && /^(0|[1-9][0-9]{0,8})$/.test(value) ? Number(value) : value;
	if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) {
		fail(field, `must be a whole number from ${min} to ${max}`, value);
	}
	return number;
}

export function boolean(value: unknown, field: string): boolean {
	if (value === true || value === 'true') return true;
	if (value === false || value === 'false') return false;
	return fail(field, 'must be true or false', value);
}

export function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
	if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
		fail(field, `must be one of ${allowed.join(', ')}`, value);
	}
	return value as T;
}

/** A list given as an array or as a comma-separated string (what a form field sends). */
export function list(value: unknown, field: string): unknown[] {
	if (Array.isArray(value)) return value;
	if (typeof value === 'string') {
		return value
			.split(',')
			.map((part) => part.trim())
			.filter((part) => part !== '');
	}
	return fail(field, 'must be a list (an array, or a comma-separated string)', value);
}

/** A Kubernetes label key (optional DNS-subdomain prefix + '/' + name) and a label value. */
export function labelKey(value: unknown, field: string): string {
	const key = requireString(value, field);
	const slash = key.lastIndexOf('/');
	const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
	const name = slash >= 0 ? key.slice(slash + 1) : key;
	const nameOk = name.length <= 63 && /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name);
	const prefixOk =
		prefix === undefined ||
		(prefix.length <= 253 && prefix.split('.').every((part) => DNS1123_LABEL.test(part)));
	if (!nameOk || !prefixOk) {
		fail(
			field,
			"must be a label key: an optional DNS subdomain prefix and '/', then up to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
			value,
		);
	}
	return key;
}

export function labelValue(value: unknown, field: string): string {
	if (typeof value !== 'string') fail(field, 'must be a string', value);
	if (value.length > 63 || !/^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/.test(value)) {
		fail(
			field,
			"must be a label value: up to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
			value,
		);
	}
	return value;
}

/** A map of labels given as an object or as "k=v, k=v" text. */
export function labelMap(value: unknown, field: string): Record<string, string> {
	if (value === undefined || value === null || value === '') return {};
	let entries: Array<[string, unknown]>;
	if (typeof value === 'string') {
		entries = value
			.split(/[,\n]/)
			.map((pair) => pair.trim())
			.filter((pair) => pair !== '')
			.map((pair) => {
				const eq = pair.indexOf('=');
				if (eq < 0) fail(field, 'must be key=value pairs separated by commas', pair);
				return [pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()];
			});
	} else if (typeof value === 'object' && !Array.isArray(value)) {
		entries = Object.entries(value as Record<string, unknown>);
	} else {
		return fail(field, 'must be an object of labels or "key=value, key=value" text', value);
	}
	const labels = dict<string>();
	for (const [key, v] of entries) {
		labels[labelKey(key, `${field}.${key}`)] = labelValue(v, `${field}.${key}`);
	}
	return labels;
}
