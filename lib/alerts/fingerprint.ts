// Alertmanager's label-set fingerprint, bit for bit: FNV-1a 64 over the label pairs sorted by
// name (byte order), each name and value followed by 0xFF (prometheus/common model.LabelSet
// Fingerprint), printed as %016x. Computed on two 32-bit halves: a storm of 10,000 alerts
// hashes twice per alert, and BigInt arithmetic per byte made that take seconds.

const SEPARATOR = 0xff;
// FNV prime 2^40 + 0x1b3: multiplying is (hash * 0x1b3) + (hash << 40)
const PRIME_LOW = 0x1b3;
const TWO_32 = 0x100000000;

interface Fnv {
	hi: number;
	lo: number;
}

function addByte(h: Fnv, byte: number): void {
	const lo = (h.lo ^ byte) >>> 0;
	const low = lo * PRIME_LOW;
	const carry = Math.floor(low / TWO_32);
	// bits 0..23 of the low half land in the high half when shifted by 40
	h.hi = (h.hi * PRIME_LOW + carry + (lo & 0xffffff) * 256) >>> 0;
	h.lo = low >>> 0;
}

function addString(h: Fnv, text: string): void {
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code < 0x80) addByte(h, code);
		else {
			for (const byte of Buffer.from(text.slice(i), 'utf8')) addByte(h, byte);
			break;
		}
	}
	addByte(h, SEPARATOR);
}

/** Label names in UTF-8 byte order (Go sorts strings by bytes; JS by UTF-16 code units). */
export function labelNamesInByteOrder(labels: Record<string, string>): string[] {
	const names = Object.keys(labels).sort();
	// UTF-16 order equals byte order unless a name holds a surrogate pair or U+E000..U+FFFF
	if (names.some((n) => /[\ud800-\uffff]/.test(n))) {
		names.sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
	}
	return names;
}

export function labelSetFingerprint(labels: Record<string, string>): string {
	const h: Fnv = { hi: 0xcbf29ce4, lo: 0x84222325 };
	for (const name of labelNamesInByteOrder(labels)) {
		addString(h, name);
		addString(h, labels[name]);
	}
	return h.hi.toString(16).padStart(8, '0') + h.lo.toString(16).padStart(8, '0');
}
