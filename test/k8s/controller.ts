// The controllers the fake cluster runs, one small step per tick so rollouts are observable:
// Deployment (ReplicaSets with pod-template-hash and deployment.kubernetes.io/revision,
// rolling update within maxSurge/maxUnavailable, status and conditions), ReplicaSet (pods),
// StatefulSet and DaemonSet (pods, status), Job (completes), namespace termination, garbage
// collection of dependents, and a kubelet stand-in that makes pods ready or fail on purpose.
import { createHash, randomUUID } from 'node:crypto';

import type { Json, JsonObject } from './patch';
import { clone, deepEqual, isObject } from './patch';
import type { ResourceType } from './resources';
import type { Store } from './store';

/** How a pod whose container runs a given image fails instead of becoming ready. */
export type PodFailure =
	| 'CrashLoopBackOff'
	| 'OOMKilled'
	| 'ImagePullBackOff'
	| 'Unschedulable'
	/** set by the kubelet stand-in itself, from the pod's Secret and ConfigMap references */
	| 'CreateContainerConfigError';

const obj = (v: Json | undefined): JsonObject => (isObject(v) ? v : {});
const meta = (o: JsonObject) => obj(o.metadata);
const str = (v: Json | undefined) => (v === undefined || v === null ? '' : String(v));

export function rfc3339(d = new Date()): string {
	return d.toISOString().replace(/\.\d+Z$/, 'Z');
}

// apimachinery rand.SafeEncodeString alphabet (no vowels, no confusable characters)
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';
function safeEncode(s: string): string {
	return [...s].map((c) => ALPHANUMS[c.charCodeAt(0) % ALPHANUMS.length]).join('');
}
function randomSuffix(n = 5): string {
	return Array.from(
		{ length: n },
		() => ALPHANUMS[Math.floor(Math.random() * ALPHANUMS.length)],
	).join('');
}

function fnv32a(text: string): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		h ^= text.charCodeAt(i);
		h = Math.imul(h, 0x01000193) >>> 0;
	}
	return h >>> 0;
}

function canonical(v: Json): string {
	if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
	if (isObject(v)) {
		return `{${Object.keys(v)
			.sort()
			.map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
			.join(',')}}`;
	}
	return JSON.stringify(v);
}

/** The pod-template-hash of a template (FNV-32a, safe-encoded, like the real controller). */
export function templateHash(template: JsonObject): string {
	return safeEncode(String(fnv32a(canonical(withoutHash(template)))));
}

function withoutHash(template: JsonObject): JsonObject {
	const t = clone(template);
	const m = obj(t.metadata);
	delete obj(m.labels)['pod-template-hash'];
	// the API server keeps a zero creationTimestamp as null (kubectl undo sends it so); the
	// controller compares Go structs, where null and absent are one zero time
	if (m.creationTimestamp === null) delete m.creationTimestamp;
	return t;
}

export const REVISION = 'deployment.kubernetes.io/revision';
// annotations the Deployment controller does not copy onto its ReplicaSets
const NOT_COPIED = new Set([
	'kubectl.kubernetes.io/last-applied-configuration',
	REVISION,
	'deployment.kubernetes.io/revision-history',
	'deployment.kubernetes.io/desired-replicas',
	'deployment.kubernetes.io/max-replicas',
	'deprecated.deployment.rollback.to',
]);

function resolvePercent(v: Json | undefined, total: number, roundUp: boolean): number {
	if (typeof v === 'number') return v;
	const m = /^(\d+)%$/.exec(str(v));
	if (!m) return 0;
	const x = (Number(m[1]) * total) / 100;
	return roundUp ? Math.ceil(x) : Math.floor(x);
}

function controllerOf(o: JsonObject): JsonObject | undefined {
	const refs = meta(o).ownerReferences;
	return Array.isArray(refs)
		? (refs as JsonObject[]).find((r) => r.controller === true)
		: undefined;
}

function ownedBy(o: JsonObject, owner: JsonObject): boolean {
	return str(controllerOf(o)?.uid) === str(meta(owner).uid);
}

function ownerRef(owner: JsonObject, apiVersion: string): JsonObject {
	return {
		apiVersion,
		kind: owner.kind as string,
		name: str(meta(owner).name),
		uid: str(meta(owner).uid),
		controller: true,
		blockOwnerDeletion: true,
	};
}

function condition(
	type: string,
	status: string,
	reason: string,
	message: string,
	previous?: JsonObject,
): JsonObject {
	const now = rfc3339();
	const transitioned = !previous || previous.status !== status;
	return {
		type,
		status,
		lastUpdateTime:
			previous && previous.reason === reason && previous.message === message
				? str(previous.lastUpdateTime)
				: now,
		lastTransitionTime: transitioned ? now : str(previous!.lastTransitionTime),
		reason,
		message,
	};
}

export interface ControllerOptions {
	/** ticks a new pod stays not-ready before it becomes ready (default 1) */
	podReadyTicks: number;
	/** real milliseconds per "second" of progressDeadlineSeconds (default 1000) */
	secondsMs: number;
	/** ticks a deleted namespace stays Terminating before its contents are removed (default 1) */
	terminationTicks: number;
}

export class Controllers {
	readonly podFailures = new Map<string, PodFailure>();
	private podAge = new Map<string, number>();
	private progressStart = new Map<string, number>();
	private terminating = new Map<string, number>();
	/** something waits on time (a pod becoming ready, a namespace terminating, a deadline) */
	private pending = false;
	private lastSeen = -1;

	constructor(
		private store: Store,
		private type: (kind: string) => ResourceType,
		private all: () => ResourceType[],
		private opts: ControllerOptions,
	) {}

	/** Marks a rollout as having run past its progress deadline (next tick reports it). */
	exceedProgressDeadline(namespace: string, name: string) {
		const d = this.store.get(this.type('Deployment'), namespace, name);
		if (d) this.progressStart.set(str(meta(d).uid), -Infinity);
		this.wake();
	}

	/** Makes the next tick run even if nothing was written (a test changed the rules). */
	wake() {
		this.pending = true;
	}

	/** One step of every controller; true when anything changed. */
	tick(): boolean {
		// nothing changed and nothing is waiting on time: skip the work (keeps an idle fake cheap)
		if (!this.pending && this.store.resourceVersion === this.lastSeen) return false;
		this.pending = false;
		const before = this.store.resourceVersion;
		this.collectGarbage();
		this.terminateNamespaces();
		for (const d of this.store.list(this.type('Deployment'))) this.syncDeployment(d);
		for (const rs of this.store.list(this.type('ReplicaSet'))) this.syncReplicaSet(rs);
		for (const s of this.store.list(this.type('StatefulSet'))) this.syncStatefulSet(s);
		for (const ds of this.store.list(this.type('DaemonSet'))) this.syncDaemonSet(ds);
		for (const j of this.store.list(this.type('Job'))) this.syncJob(j);
		this.runKubelet();
		for (const rs of this.store.list(this.type('ReplicaSet'))) this.replicaSetStatus(rs);
		for (const d of this.store.list(this.type('Deployment'))) this.deploymentStatus(d);
		this.lastSeen = this.store.resourceVersion;
		// what this tick wrote may need a reaction from a controller that ran earlier in it
		if (this.store.resourceVersion !== before) this.pending = true;
		return this.store.resourceVersion !== before;
	}

	private put(kind: string, o: JsonObject) {
		this.store.put(this.type(kind), o);
	}

	private pods(namespace: string, owner: JsonObject): JsonObject[] {
		return this.store.list(this.type('Pod'), namespace).filter((p) => ownedBy(p, owner));
	}

	// ---- Deployment: ReplicaSets, revisions, rolling update ----

	private syncDeployment(d: JsonObject) {
		const m = meta(d);
		if (m.deletionTimestamp) return;
		const ns = str(m.namespace);
		const spec = obj(d.spec);
		const template = obj(spec.template);
		const all = this.store.list(this.type('ReplicaSet'), ns).filter((rs) => ownedBy(rs, d));
		const revision = (rs: JsonObject) => Number(obj(meta(rs).annotations)[REVISION] ?? 0) || 0;
		const maxRevision = Math.max(0, ...all.map(revision));
		let newRS = all.find((rs) =>
			deepEqual(withoutHash(obj(obj(rs.spec).template)), withoutHash(template)),
		);
		const uid = str(m.uid);
		const copied = Object.fromEntries(
			Object.entries(obj(m.annotations)).filter(([k]) => !NOT_COPIED.has(k)),
		);
		if (!newRS) {
			const hash = templateHash(template);
			const labels = { ...obj(obj(template.metadata).labels), 'pod-template-hash': hash };
			newRS = {
				apiVersion: 'apps/v1',
				kind: 'ReplicaSet',
				metadata: {
					name: `${str(m.name)}-${hash}`,
					namespace: ns,
					uid: randomUUID(),
					generation: 1,
					creationTimestamp: rfc3339(),
					labels,
					annotations: { ...copied, [REVISION]: String(maxRevision + 1) },
					ownerReferences: [ownerRef(d, 'apps/v1')],
				},
				spec: {
					replicas: 0,
					selector: {
						matchLabels: { ...obj(obj(spec.selector).matchLabels), 'pod-template-hash': hash },
					},
					template: { ...clone(template), metadata: { ...obj(template.metadata), labels } },
				},
				status: { replicas: 0, observedGeneration: 1 },
			};
			this.put('ReplicaSet', newRS);
			this.progressStart.set(uid, Date.now());
		} else if (
			revision(newRS) < maxRevision ||
			!deepEqual(withoutRevision(obj(meta(newRS).annotations)), copied)
		) {
			// a rollback adopts an old ReplicaSet as the new one: it gets the next revision
			const rev = revision(newRS) < maxRevision ? maxRevision + 1 : revision(newRS);
			if (rev !== revision(newRS)) this.progressStart.set(uid, Date.now());
			meta(newRS).annotations = { ...copied, [REVISION]: String(rev) };
			this.put('ReplicaSet', newRS);
		}
		const newRevision = String(revision(newRS));
		if (obj(m.annotations)[REVISION] !== newRevision) {
			m.annotations = { ...obj(m.annotations), [REVISION]: newRevision };
			this.put('Deployment', d);
		}
		if (spec.paused) return;
		const desired = Number(spec.replicas ?? 1);
		const olds = all.filter((rs) => str(meta(rs).uid) !== str(meta(newRS!).uid));
		const replicas = (rs: JsonObject) => Number(obj(rs.spec).replicas ?? 0);
		const scale = (rs: JsonObject, n: number) => {
			obj(rs.spec).replicas = n;
			meta(rs).annotations = {
				...obj(meta(rs).annotations),
				'deployment.kubernetes.io/desired-replicas': String(desired),
			};
			this.put('ReplicaSet', rs);
		};
		const strategy = obj(spec.strategy);
		if (strategy.type === 'Recreate') {
			const running = olds.filter((rs) => replicas(rs) > 0);
			if (running.length) for (const rs of running) scale(rs, 0);
			else if (replicas(newRS) !== desired) scale(newRS, desired);
			return;
		}
		const ru = obj(strategy.rollingUpdate);
		const maxSurge = resolvePercent(ru.maxSurge ?? '25%', desired, true);
		let maxUnavailable = resolvePercent(ru.maxUnavailable ?? '25%', desired, false);
		if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
		const total = all.reduce((n, rs) => n + replicas(rs), 0);
		if (replicas(newRS) > desired) {
			scale(newRS, desired);
		} else if (replicas(newRS) < desired && total < desired + maxSurge) {
			scale(newRS, Math.min(desired, replicas(newRS) + desired + maxSurge - total));
		}
		const availableOf = (rs: JsonObject) => Number(obj(rs.status).availableReplicas ?? 0);
		// as the real controller (cleanupUnhealthyReplicas): old pods that are not available are
		// scaled away first, or a rollback from a crashing revision could never finish
		let maxCleanup =
			all.reduce((n, rs) => n + replicas(rs), 0) -
			(desired - maxUnavailable) -
			Math.max(0, replicas(newRS) - availableOf(newRS));
		for (const rs of olds) {
			if (maxCleanup <= 0) break;
			const n = Math.min(maxCleanup, replicas(rs) - availableOf(rs));
			if (n > 0) {
				scale(rs, replicas(rs) - n);
				maxCleanup -= n;
			}
		}
		const available = all.reduce((n, rs) => n + availableOf(rs), 0);
		let canRemove = available - (desired - maxUnavailable);
		for (const rs of olds) {
			if (canRemove <= 0) break;
			const n = Math.min(replicas(rs), canRemove);
			if (n > 0) {
				scale(rs, replicas(rs) - n);
				canRemove -= n;
			}
		}
	}

	private deploymentStatus(d: JsonObject) {
		const m = meta(d);
		if (m.deletionTimestamp) return;
		const spec = obj(d.spec);
		const all = this.store
			.list(this.type('ReplicaSet'), str(m.namespace))
			.filter((rs) => ownedBy(rs, d));
		const newRS = all.find((rs) =>
			deepEqual(withoutHash(obj(obj(rs.spec).template)), withoutHash(obj(spec.template))),
		);
		const st = (rs: JsonObject | undefined, f: string) => Number(obj(rs?.status)[f] ?? 0);
		const desired = Number(spec.replicas ?? 1);
		const replicas = all.reduce((n, rs) => n + st(rs, 'replicas'), 0);
		const updated = st(newRS, 'replicas');
		const ready = all.reduce((n, rs) => n + st(rs, 'readyReplicas'), 0);
		const available = all.reduce((n, rs) => n + st(rs, 'availableReplicas'), 0);
		const ru = obj(obj(spec.strategy).rollingUpdate);
		const maxUnavailable =
			obj(spec.strategy).type === 'Recreate'
				? 0
				: resolvePercent(ru.maxUnavailable ?? '25%', desired, false);
		const old = obj(d.status);
		const oldConditions = (Array.isArray(old.conditions) ? old.conditions : []) as JsonObject[];
		const prev = (type: string) => oldConditions.find((c) => c.type === type);
		const rsName = str(meta(newRS ?? {}).name);
		const complete =
			updated === desired &&
			replicas === updated &&
			available === updated &&
			st(newRS, 'replicas') === Number(obj(newRS?.spec).replicas ?? -1);
		const started = this.progressStart.get(str(m.uid)) ?? Date.now();
		const deadline = Number(spec.progressDeadlineSeconds ?? 600) * this.opts.secondsMs;
		const availableCond =
			available >= desired - maxUnavailable
				? condition(
						'Available',
						'True',
						'MinimumReplicasAvailable',
						'Deployment has minimum availability.',
						prev('Available'),
					)
				: condition(
						'Available',
						'False',
						'MinimumReplicasUnavailable',
						'Deployment does not have minimum availability.',
						prev('Available'),
					);
		let progressing: JsonObject;
		if (complete) {
			progressing = condition(
				'Progressing',
				'True',
				'NewReplicaSetAvailable',
				`ReplicaSet "${rsName}" has successfully progressed.`,
				prev('Progressing'),
			);
		} else if (
			prev('Progressing')?.reason === 'ProgressDeadlineExceeded' ||
			Date.now() - started > deadline
		) {
			progressing = condition(
				'Progressing',
				'False',
				'ProgressDeadlineExceeded',
				`ReplicaSet "${rsName}" has timed out progressing.`,
				prev('Progressing'),
			);
		} else {
			this.pending = true; // the progress deadline runs on the clock
			progressing = condition(
				'Progressing',
				'True',
				'ReplicaSetUpdated',
				`ReplicaSet "${rsName}" is progressing.`,
				prev('Progressing'),
			);
		}
		const status: JsonObject = {
			observedGeneration: Number(m.generation ?? 1),
			replicas,
			updatedReplicas: updated,
			readyReplicas: ready,
			availableReplicas: available,
			...(desired - available > 0 ? { unavailableReplicas: desired - available } : {}),
			conditions: [availableCond, progressing],
		};
		for (const k of ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas'])
			if (status[k] === 0) delete status[k];
		if (!deepEqual(status, old)) {
			d.status = status;
			this.put('Deployment', d);
		}
	}

	// ---- ReplicaSet: pods ----

	private syncReplicaSet(rs: JsonObject) {
		const m = meta(rs);
		if (m.deletionTimestamp) return;
		const ns = str(m.namespace);
		const want = Number(obj(rs.spec).replicas ?? 1);
		const pods = this.pods(ns, rs).filter((p) => !meta(p).deletionTimestamp);
		for (let i = pods.length; i < want; i++)
			this.createPod(rs, 'ReplicaSet', `${str(m.name)}-${randomSuffix()}`);
		if (pods.length > want) {
			// not-ready pods first, then the newest
			const victims = pods
				.sort(
					(a, b) =>
						Number(isReady(a)) - Number(isReady(b)) ||
						str(meta(b).creationTimestamp).localeCompare(str(meta(a).creationTimestamp)),
				)
				.slice(0, pods.length - want);
			for (const p of victims) this.store.remove(this.type('Pod'), ns, str(meta(p).name));
		}
	}

	private replicaSetStatus(rs: JsonObject) {
		const pods = this.pods(str(meta(rs).namespace), rs).filter((p) => !meta(p).deletionTimestamp);
		const ready = pods.filter(isReady).length;
		const status: JsonObject = {
			replicas: pods.length,
			fullyLabeledReplicas: pods.length,
			readyReplicas: ready,
			availableReplicas: ready,
			observedGeneration: Number(meta(rs).generation ?? 1),
		};
		for (const k of ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'])
			if (status[k] === 0) delete status[k];
		if (!deepEqual(status, rs.status)) {
			rs.status = status;
			this.put('ReplicaSet', rs);
		}
	}

	private createPod(
		owner: JsonObject,
		ownerKind: string,
		name: string,
		extraLabels: JsonObject = {},
	) {
		const template = obj(obj(owner.spec).template);
		const tm = obj(template.metadata);
		const pod: JsonObject = {
			apiVersion: 'v1',
			kind: 'Pod',
			metadata: {
				name,
				namespace: str(meta(owner).namespace),
				uid: randomUUID(),
				creationTimestamp: rfc3339(),
				labels: { ...obj(tm.labels), ...extraLabels },
				...(tm.annotations ? { annotations: clone(tm.annotations) } : {}),
				ownerReferences: [ownerRef(owner, ownerKind === 'Job' ? 'batch/v1' : 'apps/v1')],
			},
			spec: { ...clone(obj(template.spec)), nodeName: 'node-1' },
			status: { phase: 'Pending', qosClass: 'Burstable' },
		};
		this.put('Pod', pod);
		this.podAge.set(str(meta(pod).uid), 0);
	}

	// ---- kubelet stand-in: pods become ready, or fail as configured ----

	private runKubelet() {
		for (const pod of this.store.list(this.type('Pod'))) {
			const m = meta(pod);
			if (m.deletionTimestamp) continue;
			const uid = str(m.uid);
			// pods the controllers did not create (seeded by a test) count as old
			const age = (this.podAge.get(uid) ?? this.opts.podReadyTicks) + 1;
			this.podAge.set(uid, age);
			const containers = (obj(pod.spec).containers ?? []) as JsonObject[];
			const configError = this.missingConfig(pod);
			const failure = configError
				? 'CreateContainerConfigError'
				: containers.map((c) => this.podFailures.get(str(c.image))).find(Boolean);
			const status = podStatus(pod, age > this.opts.podReadyTicks, failure, age, configError);
			if (age <= Math.max(this.opts.podReadyTicks, 3)) this.pending = true;
			if (!deepEqual(status, pod.status)) {
				pod.status = status;
				this.put('Pod', pod);
				this.recordKubeletEvents(pod, status);
			}
		}
	}

	/**
	 * The kubelet's CreateContainerConfigError: an env var taken from a Secret or ConfigMap (key
	 * or envFrom) that does not exist, unless marked optional. Messages as the kubelet writes them.
	 */
	private missingConfig(pod: JsonObject): string | undefined {
		const ns = str(meta(pod).namespace);
		const lookup = (kind: 'Secret' | 'ConfigMap', name: string) =>
			this.store.get(this.type(kind), ns, name);
		for (const c of (obj(pod.spec).containers ?? []) as JsonObject[]) {
			for (const e of (c.env ?? []) as JsonObject[]) {
				const from = obj(e.valueFrom);
				for (const [field, kind] of [
					['secretKeyRef', 'Secret'],
					['configMapKeyRef', 'ConfigMap'],
				] as const) {
					const ref = obj(from[field]);
					if (!ref.name || ref.optional === true) continue;
					const found = lookup(kind, str(ref.name));
					if (!found) return `${kind.toLowerCase()} "${str(ref.name)}" not found`;
					const data = { ...obj(found.data), ...obj(found.stringData) };
					if (!(str(ref.key) in data))
						return `couldn't find key ${str(ref.key)} in ${kind} ${ns}/${str(ref.name)}`;
				}
			}
			for (const f of (c.envFrom ?? []) as JsonObject[]) {
				for (const [field, kind] of [
					['secretRef', 'Secret'],
					['configMapRef', 'ConfigMap'],
				] as const) {
					const ref = obj(f[field]);
					if (ref.name && ref.optional !== true && !lookup(kind, str(ref.name)))
						return `${kind.toLowerCase()} "${str(ref.name)}" not found`;
				}
			}
		}
		return undefined;
	}

	/** Warning events as the kubelet records them for a container that cannot run; counted up on repeats. */
	private recordKubeletEvents(pod: JsonObject, status: JsonObject) {
		for (const s of (status.containerStatuses ?? []) as JsonObject[]) {
			const waiting = obj(obj(s.state).waiting);
			const reason = str(waiting.reason);
			const image = str(s.image);
			const events: [string, string][] =
				reason === 'CrashLoopBackOff'
					? [['BackOff', `Back-off restarting failed container ${str(s.name)} in pod ${str(meta(pod).name)}`]]
					: reason === 'ImagePullBackOff'
						? [
								['Failed', `Failed to pull image "${image}": rpc error: code = NotFound desc = failed to pull and unpack image "${image}": not found`],
								['BackOff', `Back-off pulling image "${image}"`],
							]
						: reason === 'CreateContainerConfigError'
							? [['Failed', `Error: ${str(waiting.message)}`]]
							: [];
			for (const [eventReason, message] of events) this.recordEvent(pod, eventReason, message);
		}
	}

	private recordEvent(involved: JsonObject, reason: string, message: string) {
		const m = meta(involved);
		const ns = str(m.namespace);
		const name = `${str(m.name)}.${createHash('sha256').update(`${reason}|${message}`).digest('hex').slice(0, 16)}`;
		const now = rfc3339();
		const existing = this.store.get(this.type('Event'), ns, name);
		this.put('Event', {
			apiVersion: 'v1',
			kind: 'Event',
			metadata: { name, namespace: ns, ...(existing ? { uid: meta(existing).uid, creationTimestamp: meta(existing).creationTimestamp } : { uid: randomUUID(), creationTimestamp: now }) },
			involvedObject: { kind: str(involved.kind), name: str(m.name), namespace: ns, uid: str(m.uid), apiVersion: str(involved.apiVersion) },
			reason,
			message,
			type: 'Warning',
			source: { component: 'kubelet', host: str(obj(involved.spec).nodeName) },
			count: Number(existing?.count ?? 0) + 1,
			firstTimestamp: existing ? str(existing.firstTimestamp) : now,
			lastTimestamp: now,
			reportingComponent: 'kubelet',
		});
	}

	// ---- StatefulSet and DaemonSet: pods and status, replaced on template change ----

	private syncStatefulSet(s: JsonObject) {
		const m = meta(s);
		if (m.deletionTimestamp) return;
		const ns = str(m.namespace);
		const name = str(m.name);
		const revision = `${name}-${templateHash(obj(obj(s.spec).template))}`;
		const want = Number(obj(s.spec).replicas ?? 1);
		const pods = this.pods(ns, s);
		const outdated = pods.filter(
			(p) => obj(meta(p).labels)['controller-revision-hash'] !== revision,
		);
		if (outdated.length) {
			const last = outdated.sort((a, b) => str(meta(b).name).localeCompare(str(meta(a).name)))[0];
			this.store.remove(this.type('Pod'), ns, str(meta(last).name));
		}
		for (let i = 0; i < want; i++) {
			if (!pods.some((p) => str(meta(p).name) === `${name}-${i}`)) {
				this.createPod(s, 'StatefulSet', `${name}-${i}`, {
					'controller-revision-hash': revision,
					'statefulset.kubernetes.io/pod-name': `${name}-${i}`,
				});
			}
		}
		for (const p of pods) {
			const ordinal = Number(str(meta(p).name).slice(name.length + 1));
			if (ordinal >= want) this.store.remove(this.type('Pod'), ns, str(meta(p).name));
		}
		const current = this.pods(ns, s);
		const ready = current.filter(isReady).length;
		const updated = current.filter(
			(p) => obj(meta(p).labels)['controller-revision-hash'] === revision,
		).length;
		const status: JsonObject = {
			observedGeneration: Number(m.generation ?? 1),
			replicas: current.length,
			readyReplicas: ready,
			currentReplicas: updated,
			updatedReplicas: updated,
			availableReplicas: ready,
			currentRevision: revision,
			updateRevision: revision,
			collisionCount: 0,
		};
		if (!deepEqual(status, s.status)) {
			s.status = status;
			this.put('StatefulSet', s);
		}
	}

	private syncDaemonSet(ds: JsonObject) {
		const m = meta(ds);
		if (m.deletionTimestamp) return;
		const ns = str(m.namespace);
		const hash = templateHash(obj(obj(ds.spec).template));
		const pods = this.pods(ns, ds);
		for (const p of pods) {
			if (obj(meta(p).labels)['controller-revision-hash'] !== hash)
				this.store.remove(this.type('Pod'), ns, str(meta(p).name));
		}
		if (!pods.some((p) => obj(meta(p).labels)['controller-revision-hash'] === hash)) {
			this.createPod(ds, 'DaemonSet', `${str(m.name)}-${randomSuffix()}`, {
				'controller-revision-hash': hash,
			});
		}
		const current = this.pods(ns, ds).filter(
			(p) => obj(meta(p).labels)['controller-revision-hash'] === hash,
		);
		const ready = current.filter(isReady).length;
		const status: JsonObject = {
			currentNumberScheduled: 1,
			numberMisscheduled: 0,
			desiredNumberScheduled: 1,
			numberReady: ready,
			observedGeneration: Number(m.generation ?? 1),
			updatedNumberScheduled: current.length,
			numberAvailable: ready,
			...(ready < 1 ? { numberUnavailable: 1 } : {}),
		};
		if (!deepEqual(status, ds.status)) {
			ds.status = status;
			this.put('DaemonSet', ds);
		}
	}

	private syncJob(j: JsonObject) {
		if (obj(j.status).completionTime || obj(j.status).failed || meta(j).deletionTimestamp) return;
		const containers = (obj(obj(obj(j.spec).template).spec).containers ?? []) as JsonObject[];
		const failing = containers.some((c) => this.podFailures.has(str(c.image)));
		const now = rfc3339();
		j.status = failing
			? {
					startTime: now,
					failed: Number(obj(j.spec).backoffLimit ?? 6) + 1,
					conditions: [
						{
							type: 'Failed',
							status: 'True',
							reason: 'BackoffLimitExceeded',
							message: 'Job has reached the specified backoff limit',
							lastProbeTime: now,
							lastTransitionTime: now,
						},
					],
				}
			: {
					startTime: now,
					completionTime: now,
					succeeded: 1,
					conditions: [
						{ type: 'Complete', status: 'True', lastProbeTime: now, lastTransitionTime: now },
					],
				};
		this.put('Job', j);
	}

	// ---- namespaces and garbage collection ----

	private terminateNamespaces() {
		const nsType = this.type('Namespace');
		for (const n of this.store.list(nsType)) {
			if (!meta(n).deletionTimestamp) continue;
			const name = str(meta(n).name);
			// a terminating namespace lingers a while before its contents go
			const waited = (this.terminating.get(name) ?? 0) + 1;
			this.terminating.set(name, waited);
			this.pending = true;
			if (waited < this.opts.terminationTicks) continue;
			let left = 0;
			for (const rt of this.all().filter((r) => r.namespaced)) {
				for (const o of this.store.list(rt, name)) {
					this.store.remove(rt, name, str(meta(o).name));
					left++;
				}
			}
			// content goes in one tick, the namespace itself in the next one
			if (left === 0) {
				this.store.remove(nsType, '', name);
				this.terminating.delete(name);
			}
		}
	}

	private collectGarbage() {
		// one read-only pass (no copies): the fake ticks often and this sees every object
		const uids = new Set<string>();
		const doomed: { kind: string; namespace: string; name: string }[] = [];
		this.store.scan((_k, o) => uids.add(str(meta(o as JsonObject).uid)));
		this.store.scan((_k, o) => {
			const m = meta(o as JsonObject);
			const refs = (Array.isArray(m.ownerReferences) ? m.ownerReferences : []) as JsonObject[];
			const podGone = o.kind === 'Pod' && !!m.deletionTimestamp;
			if (podGone || (refs.length && refs.every((r) => !uids.has(str(r.uid))))) {
				doomed.push({ kind: str(o.kind), namespace: str(m.namespace), name: str(m.name) });
			}
		});
		for (const d of doomed) this.store.remove(this.type(d.kind), d.namespace, d.name);
	}
}

function withoutRevision(annotations: JsonObject): JsonObject {
	return Object.fromEntries(
		Object.entries(annotations).filter(
			([k]) => !NOT_COPIED.has(k) && k !== 'deployment.kubernetes.io/desired-replicas',
		),
	);
}

export function isReady(pod: JsonObject): boolean {
	const conditions = (obj(pod.status).conditions ?? []) as JsonObject[];
	return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

function podStatus(
	pod: JsonObject,
	ready: boolean,
	failure: PodFailure | undefined,
	age: number,
	configError?: string,
): JsonObject {
	const old = obj(pod.status);
	const startTime = str(old.startTime) || rfc3339();
	const containers = (obj(pod.spec).containers ?? []) as JsonObject[];
	const oldStatuses = (old.containerStatuses ?? []) as JsonObject[];
	const cond = (type: string, status: boolean) => {
		const prevCond = ((old.conditions ?? []) as JsonObject[]).find((c) => c.type === type);
		const s = status ? 'True' : 'False';
		return {
			type,
			status: s,
			lastProbeTime: null,
			lastTransitionTime: prevCond?.status === s ? prevCond.lastTransitionTime : rfc3339(),
		};
	};
	if (failure === 'Unschedulable') {
		return {
			phase: 'Pending',
			conditions: [
				{
					...cond('PodScheduled', false),
					reason: 'Unschedulable',
					message: '0/1 nodes are available: 1 Insufficient memory.',
				},
			],
			qosClass: 'Burstable',
		};
	}
	const statuses = containers.map((c): JsonObject => {
		const prevStatus = oldStatuses.find((s) => s.name === c.name);
		const base: JsonObject = {
			name: str(c.name),
			image: str(c.image),
			imageID: '',
			started: false,
			ready: false,
			restartCount: Number(prevStatus?.restartCount ?? 0),
		};
		if (failure === 'CreateContainerConfigError')
			return {
				...base,
				state: { waiting: { reason: 'CreateContainerConfigError', message: configError ?? '' } },
			};
		if (failure === 'ImagePullBackOff')
			return {
				...base,
				state: {
					waiting: {
						reason: 'ImagePullBackOff',
						message: `Back-off pulling image "${str(c.image)}"`,
					},
				},
			};
		if (failure === 'CrashLoopBackOff' || failure === 'OOMKilled') {
			const oom = failure === 'OOMKilled';
			return {
				...base,
				// a few restarts, then stable, so the fake settles
				restartCount: Math.min(age, 3),
				state: {
					waiting: {
						reason: 'CrashLoopBackOff',
						message: `back-off restarting failed container ${str(c.name)}`,
					},
				},
				lastState: {
					terminated: {
						exitCode: oom ? 137 : 1,
						reason: oom ? 'OOMKilled' : 'Error',
						startedAt: startTime,
						finishedAt: startTime,
					},
				},
			};
		}
		if (!ready) return { ...base, state: { waiting: { reason: 'ContainerCreating' } } };
		return { ...base, ready: true, started: true, state: { running: { startedAt: startTime } } };
	});
	const allReady = statuses.length > 0 && statuses.every((s) => s.ready);
	const phase =
		failure === 'ImagePullBackOff' || failure === 'CreateContainerConfigError' || (!ready && !failure)
			? 'Pending'
			: 'Running';
	return {
		phase,
		conditions: [
			cond('Initialized', true),
			cond('Ready', allReady),
			cond('ContainersReady', allReady),
			cond('PodScheduled', true),
		],
		hostIP: '10.0.0.1',
		podIP: str(old.podIP) || `10.244.0.${Math.floor(Math.random() * 250) + 2}`,
		startTime,
		containerStatuses: statuses,
		qosClass: 'Burstable',
	};
}
