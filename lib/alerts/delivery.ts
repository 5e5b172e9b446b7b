// The transport half of a delivery: from the bytes on the wire to a JSON value, in the order
// that reveals nothing early (size, content encoding, charset, JSON). Every refusal is a 4xx
// naming the header or field, so a client can fix it and nothing it sends is a server error.
import { isUtf8 } from 'node:buffer';
import { gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';

export class DeliveryError extends Error {
	constructor(
		readonly status: 400 | 413 | 415,
		message: string,
		/** the header or body field that is wrong */
		readonly field: string,
	) {
		super(message);
		this.name = 'DeliveryError';
	}
}

const DEFAULT_PAYLOAD_MB = 16;
/** Alertmanager's JSON nests 4 levels deep; anything far deeper is not a delivery. */
export const MAX_JSON_DEPTH = 64;

/** n8n's own body limit, N8N_PAYLOAD_SIZE_MAX (MB, 16 by default), in bytes. */
export function defaultBodyLimitBytes(env: NodeJS.ProcessEnv = process.env): number {
	const mb = Number(env.N8N_PAYLOAD_SIZE_MAX);
	return Math.round((Number.isFinite(mb) && mb > 0 ? mb : DEFAULT_PAYLOAD_MB) * 1024 * 1024);
}

export function describeLimit(bytes: number): string {
	return bytes % (1024 * 1024) === 0
		? `${bytes / (1024 * 1024)} MB`
		: bytes % 1024 === 0
			? `${bytes / 1024} KB`
			: `${bytes} bytes`;
}

function tooLarge(limit: number, what: string): DeliveryError {
	return new DeliveryError(
		413,
		`Payload too large: the ${what} exceeds the limit of ${describeLimit(limit)} (option Max Body Size, default N8N_PAYLOAD_SIZE_MAX)`,
		'body',
	);
}

/**
 * Reads a request body up to `limit` bytes. A longer body is read to its end and discarded, so
 * the client gets its 413 instead of a reset connection.
 */
export async function readBodyStream(
	stream: AsyncIterable<Buffer | string>,
	limit: number,
): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of stream) {
		size += chunk.length;
		if (size <= limit) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
		else chunks.length = 0;
	}
	if (size > limit) throw tooLarge(limit, 'body');
	return Buffer.concat(chunks, size);
}

function decompress(bytes: Buffer, coding: string, limit: number): Buffer {
	const options = { maxOutputLength: limit };
	const header = 'Content-Encoding';
	try {
		if (coding === 'gzip' || coding === 'x-gzip') {
			if (bytes[0] !== 0x1f || bytes[1] !== 0x8b)
				throw new DeliveryError(
					400,
					`${header} says ${coding} but the body is not gzip data`,
					header,
				);
			return gunzipSync(bytes, options);
		}
		// HTTP's deflate is zlib-wrapped; some clients send it raw
		const zlibWrapped =
			bytes.length >= 2 && (bytes[0] & 0x0f) === 8 && (bytes[0] * 256 + bytes[1]) % 31 === 0;
		return zlibWrapped ? inflateSync(bytes, options) : inflateRawSync(bytes, options);
	} catch (error) {
		if (error instanceof DeliveryError) throw error;
		const code = (error as { code?: string }).code;
		if (code === 'ERR_BUFFER_TOO_LARGE' || (error as Error) instanceof RangeError)
			throw tooLarge(limit, 'decompressed body');
		throw new DeliveryError(
			400,
			`${header} says ${coding} but the body does not decompress: ${(error as Error).message}`,
			header,
		);
	}
}

/** Undoes Content-Encoding (gzip, deflate, identity, in the order they were applied). */
export function decodeContentEncoding(
	bytes: Buffer,
	header: string | undefined,
	limit: number,
): Buffer {
	const codings = (header ?? '')
		.split(',')
		.map((c) => c.trim().toLowerCase())
		.filter((c) => c !== '' && c !== 'identity');
	let body = bytes;
	for (const coding of codings.reverse()) {
		if (!['gzip', 'x-gzip', 'deflate'].includes(coding)) {
			throw new DeliveryError(
				415,
				`Content-Encoding ${JSON.stringify(coding).slice(0, 40)} is not supported (gzip, deflate or none)`,
				'Content-Encoding',
			);
		}
		body = decompress(body, coding, limit);
	}
	return body;
}

interface ContentType {
	type: string;
	charset?: string;
}

export function parseContentType(header: string | undefined): ContentType {
	const [type, ...params] = (header ?? '').split(';');
	const result: ContentType = { type: type.trim().toLowerCase() };
	for (const param of params) {
		const eq = param.indexOf('=');
		if (eq < 0) continue;
		if (param.slice(0, eq).trim().toLowerCase() === 'charset')
			result.charset = param
				.slice(eq + 1)
				.trim()
				.replace(/^"|"$/g, '')
				.toLowerCase();
	}
	return result;
}

const JSON_TYPES =
	/^(application\/(json|[\w.+-]*\+json)|text\/json|text\/plain|application\/octet-stream|)$/;
const CHARSETS: Record<string, BufferEncoding | 'utf-16be'> = {
	'utf-8': 'utf8',
	utf8: 'utf8',
	'us-ascii': 'utf8',
	ascii: 'utf8',
	'iso-8859-1': 'latin1',
	latin1: 'latin1',
	'utf-16le': 'utf16le',
	'utf-16be': 'utf-16be',
	'utf-16': 'utf16le',
};

function decodeText(bytes: Buffer, charset: string | undefined, warnings: string[]): string {
	// a byte order mark decides over the declared charset, as in browsers and Go's decoders
	if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
		warnings.push('the body starts with a UTF-8 byte order mark; ignored');
		bytes = bytes.subarray(3);
		charset = 'utf-8';
	} else if (bytes[0] === 0xff && bytes[1] === 0xfe) {
		warnings.push('the body is UTF-16 (little endian, byte order mark); decoded');
		return bytes.subarray(2).toString('utf16le');
	} else if (bytes[0] === 0xfe && bytes[1] === 0xff) {
		warnings.push('the body is UTF-16 (big endian, byte order mark); decoded');
		return Buffer.from(bytes.subarray(2)).swap16().toString('utf16le');
	}
	const encoding = CHARSETS[charset ?? 'utf-8'];
	if (!encoding) {
		throw new DeliveryError(
			415,
			`Content-Type charset ${JSON.stringify(charset).slice(0, 40)} is not supported (utf-8, utf-16, iso-8859-1)`,
			'Content-Type',
		);
	}
	if (encoding === 'utf-16be') {
		if (bytes.length % 2)
			throw new DeliveryError(400, 'the body is not UTF-16 (odd length)', 'Content-Type');
		return Buffer.from(bytes).swap16().toString('utf16le');
	}
	if (encoding === 'utf8' && !isUtf8(bytes)) {
		warnings.push(
			'the body is not valid UTF-8; invalid bytes were replaced with U+FFFD, as Alertmanager itself does',
		);
	}
	return bytes.toString(encoding);
}

/** The deepest nesting of arrays and objects in JSON text, stopping once past `max`. */
function nestingDepth(text: string, max: number): number {
	let depth = 0;
	let deepest = 0;
	let inString = false;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (inString) {
			if (c === 0x5c) i++;
			else if (c === 0x22) inString = false;
		} else if (c === 0x22) inString = true;
		else if (c === 0x7b || c === 0x5b) {
			if (++depth > deepest && (deepest = depth) > max) return deepest;
		} else if (c === 0x7d || c === 0x5d) depth--;
	}
	return deepest;
}

export interface DecodedDelivery {
	value: unknown;
	/** odd but harmless things about the transport, for the items' warnings */
	warnings: string[];
}

/** From the bytes as received to the JSON value they carry. */
export function decodeDelivery(
	raw: Buffer,
	headers: { contentType?: string; contentEncoding?: string },
	limit: number,
): DecodedDelivery {
	if (raw.length > limit) throw tooLarge(limit, 'body');
	const bytes = decodeContentEncoding(raw, headers.contentEncoding, limit);
	const contentType = parseContentType(headers.contentType);
	const jsonType = JSON_TYPES.test(contentType.type);
	const warnings: string[] = [];
	const text = decodeText(bytes, contentType.charset, warnings);
	const notJson = (reason: string) =>
		jsonType
			? new DeliveryError(400, `the body is not valid JSON: ${reason}`, 'body')
			: new DeliveryError(
					415,
					`Content-Type ${contentType.type} is not JSON and neither is the body (${reason}); Alertmanager sends application/json`,
					'Content-Type',
				);
	if (text.trim() === '') throw notJson('it is empty');
	if (nestingDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH)
		throw new DeliveryError(400, `the body nests deeper than ${MAX_JSON_DEPTH} levels`, 'body');
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (error) {
		throw notJson((error as Error).message.slice(0, 200));
	}
	if (!jsonType)
		warnings.push(`Content-Type ${contentType.type} is not JSON; the body was read as JSON`);
	return { value, warnings };
}
