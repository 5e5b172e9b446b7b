// Alertmanager's label-set fingerprint, bit for bit: FNV-1a 64 over the label pairs sorted by
// name (byte order), each name and value followed by 0xFF (prometheus/common model.LabelSet
// Fingerprint), printed as %016x.

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK_64 = 0xffffffffffffffffn;
const SEPARATOR = 0xff;

function byteOrder(a: string, b: string): number {
	return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export function labelSetFingerprint(labels: Record<string, string>): string {
	let hash = FNV_OFFSET;
	const add = (byte: number) => {
		hash ^= BigInt(byte);
		hash = (hash * FNV_PRIME) & MASK_64;
	};
	for (const name of Object.keys(labels).sort(byteOrder)) {
		for (const byte of Buffer.from(name, 'utf8')) add(byte);
		add(SEPARATOR);
		for (const byte of Buffer.from(labels[name], 'utf8')) add(byte);
		add(SEPARATOR);
	}
	return hash.toString(16).padStart(16, '0');
}
