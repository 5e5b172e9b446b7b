// Alertmanager's label-set fingerprint, bit for bit: FNV-1a 64 over the label pairs sorted by
// name (byte order), each name and value followed by 0xFF (prometheus/common model.LabelSet
// Fingerprint), printed as %016x. Computed on two 32-bit halves: a storm of 10,000 alerts
// hashes twice per alert, and BigInt arithmetic per byte made that take seconds.

const SEPARATOR = 0xff;
// FNV prime 2^40 + 0x1b3: multiplying is (hash * 0x1b3) + (hash << 40)
const PRIME_LOW = 0x1b3;
const TWO_32 = 0x100000000;
const SURROGATE_OR_HIGH = /[\ud800-\uffff]/;

/** FNV-1a 64 state as two 32-bit halves; `text` hashes ASCII without allocating. */
class Fnv64 {
	hi = 0xcbf29ce4;
	lo = 0x84222325;

	byte(value: number): void {
		const lo = (this.lo ^ value) >>> 0;
		const low = lo * PRIME_LOW;
		// bits 0..23 of the low half land in the high half when shifted by 40
		this.hi = (this.hi * PRIME_LOW + Math.floor(low / TWO_32) + (lo & 0xffffff) * 256) >>> 0;
		this.lo = low >>> 0;
	}

	/** the UTF-8 bytes of `text`, then the 0xFF separator */
	text(text: string): void {
		for (let i = 0; i < text.length; i++) {
			const code = text.charCodeAt(i);
			if (code >= 0x80) {
				for (const byte of Buffer.from(text.slice(i), 'utf8')) this.byte(byte);
				break;
			}
			this.byte(code);
		}
		this.byte(SEPARATOR);
	}

	hex(): string {
		return this.hi.toString(16).padStart(8, '0') + this.lo.toString(16).padStart(8, '0');
	}
}

/** Label names in UTF-8 byte order (Go sorts strings by bytes; JS by UTF-16 code units). */
export function labelNamesInByteOrder(labels: Record<string, string>): string[] {
	const names = Object.keys(labels).sort();
	// UTF-16 order equals byte order unless a name holds a surrogate pair or U+E000..U+FFFF
	if (names.some((n) => SURROGATE_OR_HIGH.test(n))) {
		names.sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
	}
	return names;
}

export function labelSetFingerprint(labels: Record<string, string>): string {
	const hash = new Fnv64();
	for (const name of labelNamesInByteOrder(labels)) {
		hash.text(name);
		hash.text(labels[name]);
	}
	return hash.hex();
}
