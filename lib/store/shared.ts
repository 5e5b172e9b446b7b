// Objects shared by every node of this package inside one n8n process. esbuild bundles each
// node separately, so a module-level variable exists once per node bundle; a registry on
// globalThis under a Symbol.for key is the one place all bundles see. Only plain library
// handles (a PGlite instance, a pg Pool, an ioredis client) and promises go in here: classes of
// this package differ per bundle, so `instanceof` across bundles would fail.
const REGISTRY = Symbol.for('n8n-nodes-aiops.shared');

type Registry = Map<string, Map<string, unknown>>;

function registry(): Registry {
	const holder = globalThis as unknown as Record<symbol, Registry | undefined>;
	return (holder[REGISTRY] ??= new Map());
}

/** A process-wide map for one kind of shared object (e.g. `pglite`, `pg-pools`). */
export function sharedMap<V>(kind: string): Map<string, V> {
	const all = registry();
	let map = all.get(kind);
	if (!map) {
		map = new Map();
		all.set(kind, map);
	}
	return map as Map<string, V>;
}

/** The value stored under `key`, created once per process by `create`. */
export function sharedValue<V>(kind: string, key: string, create: () => V): V {
	const map = sharedMap<V>(kind);
	if (!map.has(key)) map.set(key, create());
	return map.get(key) as V;
}
