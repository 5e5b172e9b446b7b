// Object storage of the fake API server: one global resourceVersion counter (like etcd's
// revision), objects keyed by resource/namespace/name, and the event history watches replay.
import type { JsonObject } from './patch';
import { clone } from './patch';
import type { ResourceType } from './resources';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoredEvent {
	type: EventType;
	rt: ResourceType;
	namespace: string;
	object: JsonObject;
	rv: number;
}

const keyOf = (rt: ResourceType, namespace: string, name: string) =>
	`${rt.group}/${rt.plural}/${namespace}/${name}`;

function meta(obj: JsonObject): JsonObject {
	return obj.metadata as JsonObject;
}

export class Store {
	private rv = 1;
	private objects = new Map<string, JsonObject>();
	readonly events: StoredEvent[] = [];
	private listeners = new Set<(e: StoredEvent) => void>();

	get resourceVersion(): number {
		return this.rv;
	}

	get(rt: ResourceType, namespace: string, name: string): JsonObject | undefined {
		return clone(this.objects.get(keyOf(rt, namespace, name)));
	}

	/** Objects of a type, in one namespace or all, ordered as etcd orders keys. */
	list(rt: ResourceType, namespace?: string): JsonObject[] {
		const prefix = `${rt.group}/${rt.plural}/${namespace === undefined ? '' : `${namespace}/`}`;
		return [...this.objects.entries()]
			.filter(([k]) => k.startsWith(prefix))
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
			.map(([, v]) => clone(v));
	}

	/** Read-only walk over every stored object, without copies (callers must not modify them). */
	scan(fn: (key: string, object: Readonly<JsonObject>) => void): void {
		for (const [k, v] of this.objects) fn(k, v);
	}

	/** Stores a new version: sets metadata.resourceVersion and records the event. */
	put(rt: ResourceType, obj: JsonObject): JsonObject {
		const m = meta(obj);
		const key = keyOf(rt, String(m.namespace ?? ''), String(m.name));
		const type: EventType = this.objects.has(key) ? 'MODIFIED' : 'ADDED';
		m.resourceVersion = String(++this.rv);
		this.objects.set(key, clone(obj));
		this.emit({ type, rt, namespace: String(m.namespace ?? ''), object: clone(obj), rv: this.rv });
		return obj;
	}

	remove(rt: ResourceType, namespace: string, name: string): JsonObject | undefined {
		const key = keyOf(rt, namespace, name);
		const obj = this.objects.get(key);
		if (!obj) return undefined;
		this.objects.delete(key);
		meta(obj).resourceVersion = String(++this.rv);
		this.emit({ type: 'DELETED', rt, namespace, object: clone(obj), rv: this.rv });
		return clone(obj);
	}

	subscribe(fn: (e: StoredEvent) => void): () => void {
		this.listeners.add(fn);
		return () => this.listeners.delete(fn);
	}

	/** The keys of objects added, changed or removed since `before` (a snapshot()). */
	changedSince(before: string): string[] {
		const then = new Map(JSON.parse(before) as [string, JsonObject][]);
		const now = new Map([...this.objects.entries()]);
		const keys = new Set([...then.keys(), ...now.keys()]);
		return [...keys]
			.filter((k) => JSON.stringify(then.get(k)) !== JSON.stringify(now.get(k)))
			.sort();
	}

	/** Every stored object as one string: a dry run must leave it byte-for-byte unchanged. */
	snapshot(): string {
		return JSON.stringify([...this.objects.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
	}

	private emit(e: StoredEvent) {
		this.events.push(e);
		for (const fn of this.listeners) fn(e);
	}
}
