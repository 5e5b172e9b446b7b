// An in-process fake Kubernetes API server for tests (never shipped). The real
// @kubernetes/client-node talks to it over HTTP(S) on 127.0.0.1:<free port>. It serves
// discovery, the kinds in resources.ts (three CRDs installable or not), get/list/watch/
// create/update/patch (apply, merge, strategic, JSON)/delete with dryRun=All, resourceVersion
// conflicts, generation, status/scale/log subresources, RBAC from a table, fault injection,
// and records every request. What it does not model is listed in test/README.md.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';

import { ApplyConflict, recordUpdate, serverSideApply } from './apply';
import type { PodFailure } from './controller';
import { Controllers, rfc3339 } from './controller';
import { applyDefaults, validate } from './defaults';
import type { Json, JsonObject } from './patch';
import {
	clone,
	deepEqual,
	isObject,
	jsonPatch,
	JsonPatchError,
	mergePatch,
	strategicMergePatch,
} from './patch';
import type { RbacTable, RequestAttributes } from './rbac';
import { allows, forbiddenReason } from './rbac';

const SELF_SUBJECT_ACCESS_REVIEWS = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';
import type { ResourceType } from './resources';
import { crdName, discoveryEntries, groupVersion, RESOURCE_TYPES } from './resources';
import { errors, StatusError, successStatus } from './status';
import type { StoredEvent } from './store';
import { Store } from './store';

const TLS_DIR = join(__dirname, '../fixtures/k8s');

export const DEFAULT_TOKEN = 'fake-kube-token';
export const DEFAULT_USER = 'system:serviceaccount:n8n:n8n';

export interface RecordedRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	contentType?: string;
	/** the parsed body (JSON or YAML), or the raw text when it parses as neither */
	body?: unknown;
	user?: string;
	verb?: string;
	resource?: string;
	status: number;
}

export interface Fault {
	method?: string;
	/** exact path, or a pattern tested against the path */
	path?: string | RegExp;
	verb?: string;
	/** how many matching requests it affects (default: every one) */
	times?: number;
	/** answer with this status (a Status body with the API server's reason for the code) */
	status?: number;
	/** wait this long before answering */
	delayMs?: number;
	/** never answer (until the client gives up or the server stops) */
	hang?: boolean;
}

export interface FakeKubeOptions {
	/** serve HTTPS with the test CA (test/fixtures/k8s/ca.crt) */
	tls?: boolean;
	/** bearer token → user; default { [DEFAULT_TOKEN]: DEFAULT_USER } */
	tokens?: Record<string, string>;
	/** RBAC for every user; undefined allows everything */
	rbac?: RbacTable;
	/** CRD kinds served (default all three: ServiceMonitor, PrometheusRule, Certificate) */
	crds?: string[];
	/** controllers run every tickMs (default 20); 0 = only when the test calls tick() */
	tickMs?: number;
	podReadyTicks?: number;
	/** ticks a deleted namespace stays Terminating before its contents go (default 1) */
	terminationTicks?: number;
	/** real milliseconds per second of progressDeadlineSeconds (default 1000) */
	secondsMs?: number;
}

interface LogLine {
	time: string;
	text: string;
}

type Route =
	| { type: 'version' | 'api' | 'apis' | 'healthz' }
	| { type: 'group'; group: string }
	| { type: 'groupVersion'; group: string; version: string }
	| { type: 'resource'; rt: ResourceType; namespace: string; name: string; subresource: string }
	| { type: 'notFound' };

interface Reply {
	status: number;
	body: unknown;
	text?: boolean;
}

const obj = (v: unknown): JsonObject => (isObject(v) ? v : {});
const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));

export class FakeKube {
	readonly store = new Store();
	readonly requests: RecordedRequest[] = [];
	readonly controllers: Controllers;
	private server!: Server;
	private sockets = new Set<Socket>();
	private faults: (Fault & { used: number })[] = [];
	private installed: Set<string>;
	private timer?: NodeJS.Timeout;
	private logs = new Map<string, { current: LogLine[]; previous?: LogLine[] }>();
	private watchers = new Set<() => void>();
	rbac?: RbacTable;
	url = '';

	constructor(private opts: FakeKubeOptions = {}) {
		this.rbac = opts.rbac;
		this.installed = new Set(opts.crds ?? RESOURCE_TYPES.filter((r) => r.crd).map((r) => r.kind));
		this.controllers = new Controllers(
			this.store,
			(k) => this.type(k),
			() => this.served(),
			{
				podReadyTicks: opts.podReadyTicks ?? 1,
				secondsMs: opts.secondsMs ?? 1000,
				terminationTicks: opts.terminationTicks ?? 1,
			},
		);
		// the one node the kubelet stand-in schedules every pod on
		this.store.put(this.type('Node'), {
			apiVersion: 'v1',
			kind: 'Node',
			metadata: { name: 'node-1', uid: randomUUID(), creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), labels: { 'kubernetes.io/hostname': 'node-1' } },
			spec: {},
			status: {
				conditions: [
					{ type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory' },
					{ type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure' },
					{ type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID' },
					{ type: 'Ready', status: 'True', reason: 'KubeletReady' },
				],
			},
		});
	}

	// ---- lifecycle ----

	async start(): Promise<this> {
		const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
		this.server = this.opts.tls
			? createHttpsServer(
					{
						key: readFileSync(join(TLS_DIR, 'server.key')),
						cert: readFileSync(join(TLS_DIR, 'server.crt')),
					},
					handler,
				)
			: createServer(handler);
		this.server.on('connection', (s: Socket) => {
			this.sockets.add(s);
			s.on('close', () => this.sockets.delete(s));
		});
		this.server.on('secureConnection', (s: Socket) => {
			this.sockets.add(s);
			s.on('close', () => this.sockets.delete(s));
		});
		await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		const { port } = this.server.address() as AddressInfo;
		this.url = `${this.opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
		const tickMs = this.opts.tickMs ?? 20;
		if (tickMs > 0) this.timer = setInterval(() => this.controllers.tick(), tickMs);
		return this;
	}

	async stop(): Promise<void> {
		if (this.timer) clearInterval(this.timer);
		for (const end of this.watchers) end();
		for (const s of this.sockets) s.destroy();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	/** A kubeconfig for this server (HTTP servers need insecure-skip-tls-verify in client-node). */
	kubeconfig(opts: { token?: string; context?: string; namespace?: string } = {}): string {
		const ctx = opts.context ?? 'fake';
		const cluster = this.opts.tls
			? `    certificate-authority-data: ${Buffer.from(this.caPem()).toString('base64')}`
			: '    insecure-skip-tls-verify: true';
		return [
			'apiVersion: v1',
			'kind: Config',
			'clusters:',
			'- name: fake-cluster',
			'  cluster:',
			`    server: ${this.url}`,
			cluster,
			'users:',
			'- name: fake-user',
			'  user:',
			`    token: ${opts.token ?? DEFAULT_TOKEN}`,
			'contexts:',
			`- name: ${ctx}`,
			'  context:',
			'    cluster: fake-cluster',
			'    user: fake-user',
			...(opts.namespace ? [`    namespace: ${opts.namespace}`] : []),
			`current-context: ${ctx}`,
			'',
		].join('\n');
	}

	caPem(): string {
		return readFileSync(join(TLS_DIR, 'ca.crt'), 'utf8');
	}

	// ---- test controls ----

	fault(f: Fault): void {
		this.faults.push({ ...f, used: 0 });
	}

	clearFaults(): void {
		this.faults = [];
	}

	installCrd(kind: string): void {
		this.installed.add(kind);
	}

	uninstallCrd(kind: string): void {
		this.installed.delete(kind);
	}

	/** Pods running this image fail in the given way instead of becoming ready. */
	failPods(image: string, failure: PodFailure): void {
		this.controllers.podFailures.set(image, failure);
		this.controllers.wake();
	}

	healPods(image: string): void {
		this.controllers.podFailures.delete(image);
		this.controllers.wake();
	}

	setPodLogs(
		namespace: string,
		pod: string,
		container: string,
		lines: LogLine[],
		previous?: LogLine[],
	): void {
		this.logs.set(`${namespace}/${pod}/${container}`, { current: lines, previous });
	}

	/** Runs the controllers once (for tests with tickMs: 0). */
	tick(): boolean {
		return this.controllers.tick();
	}

	/** Ticks until nothing changes (at most `max` times). */
	settle(max = 50): void {
		for (let i = 0; i < max && this.controllers.tick(); i++);
	}

	/** Resolves once nothing has changed for `ms` (the controllers have caught up). */
	async quiet(ms = 30, maxMs = 5000): Promise<void> {
		const end = Date.now() + maxMs;
		let rv = this.store.resourceVersion;
		let since = Date.now();
		while (Date.now() - since < ms && Date.now() < end) {
			await new Promise((r) => setTimeout(r, 5));
			if (this.store.resourceVersion !== rv) [rv, since] = [this.store.resourceVersion, Date.now()];
		}
	}

	type(kind: string): ResourceType {
		const rt = RESOURCE_TYPES.find((r) => r.kind === kind);
		if (!rt) throw new Error(`fake kube does not serve ${kind}`);
		return rt;
	}

	get(kind: string, namespace: string, name: string): JsonObject | undefined {
		return this.store.get(this.type(kind), namespace, name);
	}

	list(kind: string, namespace?: string): JsonObject[] {
		return this.store.list(this.type(kind), namespace);
	}

	/** Creates an object directly, as if an admin had applied it (defaults, uid, generation). */
	seed(o: JsonObject, manager = 'kubectl-client-side-apply'): JsonObject {
		const rt = this.type(String(o.kind));
		const created = this.prepareCreate(rt, clone(o), str(obj(o.metadata).namespace));
		recordUpdate(undefined, created, { manager, apiVersion: groupVersion(rt), now: rfc3339() });
		return this.store.put(rt, created);
	}

	/** Changes an object directly as another manager would (an Update operation). */
	modify(
		kind: string,
		namespace: string,
		name: string,
		change: (o: JsonObject) => void,
		manager = 'kubectl-edit',
	): JsonObject {
		const rt = this.type(kind);
		const before = this.store.get(rt, namespace, name);
		if (!before) throw new Error(`${kind} ${namespace}/${name} not found`);
		const after = clone(before);
		change(after);
		this.bumpGeneration(rt, before, after);
		recordUpdate(before, after, { manager, apiVersion: groupVersion(rt), now: rfc3339() });
		return this.store.put(rt, after);
	}

	snapshot(): string {
		return this.store.snapshot();
	}

	/** Keys of the objects that differ from a snapshot() (empty: byte-for-byte unchanged). */
	changedSince(snapshot: string): string[] {
		return this.store.changedSince(snapshot);
	}

	requestsFor(predicate: (r: RecordedRequest) => boolean = () => true): RecordedRequest[] {
		return this.requests.filter(predicate);
	}

	private served(): ResourceType[] {
		return RESOURCE_TYPES.filter((r) => !r.crd || this.installed.has(r.kind));
	}

	// ---- HTTP ----

	private async handle(req: IncomingMessage, res: ServerResponse) {
		const raw = await readBody(req);
		const url = new URL(req.url ?? '/', 'http://fake');
		const query = Object.fromEntries(url.searchParams);
		const method = req.method ?? 'GET';
		const contentType = req.headers['content-type']?.split(';')[0].trim();
		const record: RecordedRequest = { method, path: url.pathname, query, status: 0 };
		if (contentType) record.contentType = contentType;
		if (raw) record.body = parseBody(raw);
		this.requests.push(record);
		const send = (reply: Reply) => {
			record.status = reply.status;
			if (res.writableEnded) return;
			const text = reply.text ? String(reply.body) : JSON.stringify(reply.body);
			res.writeHead(reply.status, {
				'Content-Type': reply.text ? 'text/plain' : 'application/json',
			});
			res.end(text);
		};
		try {
			const user = this.authenticate(req);
			record.user = user;
			if (url.pathname === SELF_SUBJECT_ACCESS_REVIEWS && method === 'POST') {
				return send(this.accessReview(user, raw));
			}
			const route = this.route(url.pathname);
			let attrs: RequestAttributes | undefined;
			if (route.type === 'resource') {
				attrs = attributes(method, route, query);
				record.verb = attrs.verb;
				record.resource = attrs.subresource
					? `${attrs.resource}/${attrs.subresource}`
					: attrs.resource;
			}
			const fault = this.takeFault(method, url.pathname, attrs?.verb);
			if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
			if (fault?.hang) return;
			if (fault?.status) throw faultError(fault.status, route);
			if (route.type === 'resource' && attrs) {
				this.authorize(user, route.rt, attrs);
				// an apply that creates the object is authorized as a create as well
				if (
					record.contentType === 'application/apply-patch+yaml' &&
					!this.store.get(route.rt, route.namespace, route.name)
				) {
					this.authorize(user, route.rt, { ...attrs, verb: 'create' });
				}
			}
			if (route.type === 'resource' && attrs?.verb === 'watch')
				return this.watch(route, query, req, res, record);
			send(this.dispatch(method, route, query, record, raw, req.headers['user-agent'] ?? ''));
		} catch (e) {
			if (e instanceof StatusError) send({ status: e.status.code ?? 500, body: e.status });
			else send({ status: 500, body: errors.internal(String((e as Error)?.message ?? e)).status });
		}
	}

	/**
	 * SelfSubjectAccessReview: may the caller do this? Every authenticated user may ask (the
	 * system:basic-user role); the answer comes from the same RBAC table as real requests.
	 */
	private accessReview(user: string, raw: string): Reply {
		const review = parseBody(raw) as {
			spec?: { resourceAttributes?: Partial<RequestAttributes> & { group?: string } };
		};
		const a = review?.spec?.resourceAttributes;
		if (!a?.verb || !a.resource) {
			throw errors.invalid('SelfSubjectAccessReview', 'authorization.k8s.io', '', [
				{ field: 'spec.resourceAttributes', message: 'verb and resource are required' },
			]);
		}
		const attrs: RequestAttributes = {
			verb: a.verb,
			apiGroup: a.group ?? '',
			resource: a.resource,
			subresource: a.subresource ?? '',
			namespace: a.namespace ?? '',
			name: a.name ?? '',
		};
		const allowed = !this.rbac || allows(this.rbac, attrs);
		return {
			status: 201,
			body: {
				apiVersion: 'authorization.k8s.io/v1',
				kind: 'SelfSubjectAccessReview',
				spec: review.spec,
				status: allowed ? { allowed: true } : { allowed: false, reason: forbiddenReason(user, attrs) },
			},
		};
	}

	private authorize(user: string, rt: ResourceType, attrs: RequestAttributes) {
		if (!this.rbac || allows(this.rbac, attrs)) return;
		throw errors.forbidden(
			{
				group: rt.group,
				resource: attrs.subresource ? `${rt.plural}/${attrs.subresource}` : rt.plural,
			},
			attrs.name || undefined,
			forbiddenReason(user, attrs),
		);
	}

	private authenticate(req: IncomingMessage): string {
		const tokens = this.opts.tokens ?? { [DEFAULT_TOKEN]: DEFAULT_USER };
		const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
		const user = m ? tokens[m[1]] : undefined;
		if (!user) throw errors.unauthorized();
		return user;
	}

	private takeFault(method: string, path: string, verb?: string): Fault | undefined {
		const f = this.faults.find(
			(x) =>
				(x.times === undefined || x.used < x.times) &&
				(!x.method || x.method === method) &&
				(!x.verb || x.verb === verb) &&
				(!x.path || (typeof x.path === 'string' ? x.path === path : x.path.test(path))),
		);
		if (f) f.used++;
		return f;
	}

	private route(path: string): Route {
		const parts = path.split('/').filter(Boolean);
		if (path === '/version' || path === '/version/') return { type: 'version' };
		if (['healthz', 'livez', 'readyz'].includes(parts[0])) return { type: 'healthz' };
		let group: string;
		let version: string;
		let rest: string[];
		if (parts[0] === 'api') {
			if (parts.length === 1) return { type: 'api' };
			if (parts[1] !== 'v1') return { type: 'notFound' };
			[group, version, rest] = ['', 'v1', parts.slice(2)];
		} else if (parts[0] === 'apis') {
			if (parts.length === 1) return { type: 'apis' };
			if (!this.served().some((r) => r.group === parts[1])) return { type: 'notFound' };
			if (parts.length === 2) return { type: 'group', group: parts[1] };
			[group, version, rest] = [parts[1], parts[2], parts.slice(3)];
		} else return { type: 'notFound' };
		const types = this.served().filter((r) => r.group === group && r.version === version);
		if (!types.length) return { type: 'notFound' };
		if (rest.length === 0) return { type: 'groupVersion', group, version };
		let namespace = '';
		if (
			rest[0] === 'namespaces' &&
			rest.length >= 3 &&
			types.some((r) => r.namespaced && r.plural === rest[2])
		) {
			namespace = rest[1];
			rest = rest.slice(2);
		}
		const rt = types.find((r) => r.plural === rest[0]);
		if (!rt || rest.length > 3 || (rt.namespaced && !namespace && rest.length > 1))
			return { type: 'notFound' };
		const subresource = rest[2] ?? '';
		if (subresource && !(rt.subresources ?? []).includes(subresource)) return { type: 'notFound' };
		return { type: 'resource', rt, namespace, name: rest[1] ?? '', subresource };
	}

	private dispatch(
		method: string,
		route: Route,
		query: Record<string, string>,
		record: RecordedRequest,
		raw: string,
		userAgent: string,
	): Reply {
		switch (route.type) {
			case 'healthz':
				return { status: 200, body: 'ok', text: true };
			case 'version':
				return {
					status: 200,
					body: {
						major: '1',
						minor: '30',
						gitVersion: 'v1.30.0',
						gitCommit: '7c48c2bd72b9bf5c44d21d7338cc7bea77d0ad2a',
						gitTreeState: 'clean',
						buildDate: '2024-04-17T17:27:03Z',
						goVersion: 'go1.22.2',
						compiler: 'gc',
						platform: 'linux/amd64',
					},
				};
			case 'api':
				return {
					status: 200,
					body: {
						kind: 'APIVersions',
						versions: ['v1'],
						serverAddressByClientCIDRs: [
							{ clientCIDR: '0.0.0.0/0', serverAddress: '10.0.0.1:6443' },
						],
					},
				};
			case 'apis':
				return {
					status: 200,
					body: { kind: 'APIGroupList', apiVersion: 'v1', groups: this.groups() },
				};
			case 'group': {
				const g = this.groups().find((x) => x.name === route.group);
				return { status: 200, body: { kind: 'APIGroup', apiVersion: 'v1', ...g } };
			}
			case 'groupVersion':
				return {
					status: 200,
					body: {
						kind: 'APIResourceList',
						apiVersion: 'v1',
						groupVersion: route.group ? `${route.group}/${route.version}` : route.version,
						resources: this.served()
							.filter((r) => r.group === route.group && r.version === route.version)
							.flatMap(discoveryEntries),
					},
				};
			case 'notFound':
				throw errors.resourceNotFound();
			case 'resource':
				return this.resourceRequest(method, route, query, raw, userAgent, record);
		}
	}

	private groups() {
		const names = [
			...new Set(
				this.served()
					.filter((r) => r.group)
					.map((r) => r.group),
			),
		];
		return names.map((name) => {
			const versions = [
				...new Set(
					this.served()
						.filter((r) => r.group === name)
						.map((r) => r.version),
				),
			].map((version) => ({
				groupVersion: `${name}/${version}`,
				version,
			}));
			return { name, versions, preferredVersion: versions[0] };
		});
	}

	// ---- resources ----

	private resourceRequest(
		method: string,
		route: Extract<Route, { type: 'resource' }>,
		query: Record<string, string>,
		raw: string,
		userAgent: string,
		record: RecordedRequest,
	): Reply {
		const { rt, namespace, name, subresource } = route;
		if (query.dryRun !== undefined && query.dryRun !== 'All') {
			throw errors.invalid('PatchOptions', 'meta.k8s.io', '', [
				{
					reason: 'FieldValueNotSupported',
					message: `Unsupported value: "${query.dryRun}": supported values: "All"`,
					field: 'dryRun',
				},
			]);
		}
		const dryRun = query.dryRun === 'All';
		// without fieldManager the server names the manager after the User-Agent, up to its first '/'
		const manager = query.fieldManager || userAgent.split('/')[0] || 'unknown';
		if (method === 'GET') {
			if (!name) return { status: 200, body: this.listResponse(rt, namespace, query) };
			const o = this.mustGet(rt, namespace, name);
			if (subresource === 'log') return { status: 200, body: this.podLog(o, query), text: true };
			if (subresource === 'scale') return { status: 200, body: scaleOf(o) };
			return { status: 200, body: o };
		}
		if (method === 'POST' && !name) return this.create(rt, namespace, raw, query, dryRun, manager);
		if (method === 'PUT' && name)
			return this.update(rt, namespace, name, subresource, parseJson(raw), dryRun, manager);
		if (method === 'PATCH' && name)
			return this.patch(
				rt,
				namespace,
				name,
				subresource,
				raw,
				record.contentType ?? '',
				query,
				dryRun,
				manager,
			);
		if (method === 'DELETE' && name) return this.delete(rt, namespace, name, query, raw, dryRun);
		if (method === 'DELETE' && !name) {
			const items = this.filtered(rt, namespace, query);
			if (!dryRun)
				for (const o of items) this.delete(rt, namespace, str(obj(o.metadata).name), {}, '', false);
			return {
				status: 200,
				body: {
					kind: `${rt.kind}List`,
					apiVersion: groupVersion(rt),
					metadata: { resourceVersion: String(this.store.resourceVersion) },
					items,
				},
			};
		}
		throw errors.methodNotAllowed();
	}

	private mustGet(rt: ResourceType, namespace: string, name: string): JsonObject {
		const o = this.store.get(rt, namespace, name);
		if (!o) throw errors.notFound({ group: rt.group, resource: rt.plural }, name);
		return o;
	}

	private filtered(
		rt: ResourceType,
		namespace: string,
		query: Record<string, string>,
	): JsonObject[] {
		const labels = parseSelector(query.labelSelector ?? '');
		const fields = parseSelector(query.fieldSelector ?? '');
		return this.store
			.list(rt, rt.namespaced && namespace ? namespace : undefined)
			.filter((o) => matches(labels, (k) => obj(obj(o.metadata).labels)[k] as string | undefined))
			.filter((o) => matches(fields, (k) => fieldValue(o, k)));
	}

	private listResponse(rt: ResourceType, namespace: string, query: Record<string, string>) {
		let items = this.filtered(rt, namespace, query);
		// built-in kinds list their items without apiVersion/kind; custom resources keep them
		if (!rt.crd) items = items.map(({ apiVersion: _a, kind: _k, ...rest }) => rest as JsonObject);
		const offset = query.continue ? Number(Buffer.from(query.continue, 'base64').toString()) : 0;
		const limit = query.limit ? Number(query.limit) : 0;
		const page = limit ? items.slice(offset, offset + limit) : items.slice(offset);
		const metadata: JsonObject = { resourceVersion: String(this.store.resourceVersion) };
		if (limit && offset + limit < items.length)
			metadata.continue = Buffer.from(String(offset + limit)).toString('base64');
		return { kind: `${rt.kind}List`, apiVersion: groupVersion(rt), metadata, items: page };
	}

	private requireNamespace(rt: ResourceType, namespace: string, name: string) {
		if (!rt.namespaced) return;
		const ns = this.store.get(this.type('Namespace'), '', namespace);
		if (!ns) throw errors.notFound({ group: '', resource: 'namespaces' }, namespace);
		if (obj(ns.metadata).deletionTimestamp) {
			const e = errors.forbidden(
				{ group: rt.group, resource: rt.plural },
				name,
				`unable to create new content in namespace ${namespace} because it is being terminated`,
			);
			e.status.details!.causes = [
				{
					reason: 'NamespaceTerminating',
					message: `namespace ${namespace} is being terminated`,
					field: 'metadata.namespace',
				},
			];
			throw e;
		}
	}

	private checkIdentity(rt: ResourceType, o: JsonObject, namespace: string, name?: string) {
		// the decoder defaults a missing apiVersion/kind from the endpoint
		o.apiVersion ??= groupVersion(rt);
		o.kind ??= rt.kind;
		if (o.apiVersion !== groupVersion(rt) || o.kind !== rt.kind) {
			throw errors.badRequest(
				`the API version in the data (${str(o.apiVersion)}) does not match the expected API version (${groupVersion(rt)})`,
			);
		}
		const m = obj(o.metadata);
		if (rt.namespaced && m.namespace !== undefined && m.namespace !== namespace) {
			throw errors.badRequest(
				'the namespace of the provided object does not match the namespace sent on the request',
			);
		}
		if (name !== undefined && m.name !== undefined && m.name !== name) {
			throw errors.badRequest(
				'the name of the object (' +
					str(m.name) +
					') does not match the name on the URL (' +
					name +
					')',
			);
		}
	}

	private prepareCreate(rt: ResourceType, o: JsonObject, namespace: string): JsonObject {
		const m = obj(o.metadata);
		o.metadata = m;
		if (!m.name && m.generateName) m.name = `${str(m.generateName)}${randomUUID().slice(0, 5)}`;
		if (rt.namespaced) m.namespace = namespace;
		else delete m.namespace;
		m.uid = randomUUID();
		m.creationTimestamp = rfc3339();
		delete m.resourceVersion;
		delete m.managedFields;
		if (rt.generation) m.generation = 1;
		if ((rt.subresources ?? []).includes('status')) delete o.status;
		applyDefaults(rt, o);
		const causes = validate(rt, o);
		if (causes.length) throw errors.invalid(rt.kind, rt.group, str(m.name), causes);
		return o;
	}

	private create(
		rt: ResourceType,
		namespace: string,
		raw: string,
		_q: Record<string, string>,
		dryRun: boolean,
		manager: string,
	): Reply {
		const o = parseJson(raw);
		this.checkIdentity(rt, o, namespace);
		const name = str(obj(o.metadata).name);
		this.requireNamespace(rt, namespace, name);
		if (name && this.store.get(rt, namespace, name))
			throw errors.alreadyExists({ group: rt.group, resource: rt.plural }, name);
		const created = this.prepareCreate(rt, o, namespace);
		recordUpdate(undefined, created, { manager, apiVersion: groupVersion(rt), now: rfc3339() });
		if (dryRun) return { status: 201, body: created };
		return { status: 201, body: this.store.put(rt, created) };
	}

	/** Fields that only the server sets survive any write; spec changes bump generation. */
	private finishUpdate(
		rt: ResourceType,
		before: JsonObject,
		after: JsonObject,
		subresource: string,
	): JsonObject {
		const bm = obj(before.metadata);
		const am = obj(after.metadata);
		after.metadata = am;
		for (const k of [
			'name',
			'namespace',
			'uid',
			'creationTimestamp',
			'generation',
			'deletionTimestamp',
		]) {
			if (bm[k] === undefined) delete am[k];
			else am[k] = bm[k];
		}
		after.apiVersion = before.apiVersion;
		after.kind = before.kind;
		if (subresource === 'status') {
			const status = after.status;
			const result = clone(before);
			if (status === undefined) delete result.status;
			else result.status = status;
			result.metadata = { ...obj(result.metadata), managedFields: am.managedFields ?? null };
			if (am.managedFields === undefined) delete obj(result.metadata).managedFields;
			return result;
		}
		if ((rt.subresources ?? []).includes('status')) {
			if (before.status === undefined) delete after.status;
			else after.status = clone(before.status);
		}
		applyDefaults(rt, after);
		const causes = validate(rt, after);
		if (causes.length) throw errors.invalid(rt.kind, rt.group, str(am.name), causes);
		this.bumpGeneration(rt, before, after);
		return after;
	}

	private bumpGeneration(rt: ResourceType, before: JsonObject, after: JsonObject) {
		if (!rt.generation) return;
		const strip = (o: JsonObject) => {
			const { metadata: _m, status: _s, ...rest } = o;
			return rest;
		};
		if (!deepEqual(strip(before), strip(after))) {
			obj(after.metadata).generation = Number(obj(before.metadata).generation ?? 1) + 1;
		}
	}

	private checkPrecondition(rt: ResourceType, live: JsonObject, sent: JsonObject) {
		const rv = obj(sent.metadata).resourceVersion;
		if (rv !== undefined && rv !== null && String(rv) !== obj(live.metadata).resourceVersion) {
			throw errors.conflict({ group: rt.group, resource: rt.plural }, str(obj(live.metadata).name));
		}
	}

	private save(
		rt: ResourceType,
		before: JsonObject | undefined,
		after: JsonObject,
		dryRun: boolean,
		created = false,
	): Reply {
		if (
			before &&
			deepEqual(before, {
				...after,
				metadata: { ...obj(after.metadata), resourceVersion: obj(before.metadata).resourceVersion },
			})
		) {
			return { status: 200, body: before };
		}
		if (dryRun) return { status: created ? 201 : 200, body: after };
		return { status: created ? 201 : 200, body: this.store.put(rt, after) };
	}

	private update(
		rt: ResourceType,
		namespace: string,
		name: string,
		subresource: string,
		body: JsonObject,
		dryRun: boolean,
		manager: string,
	): Reply {
		const live = this.mustGet(rt, namespace, name);
		if (subresource === 'scale')
			return this.updateScale(rt, live, obj(obj(body).spec).replicas, dryRun, manager);
		this.checkIdentity(rt, body, namespace, name);
		this.checkPrecondition(rt, live, body);
		const after = this.finishUpdate(rt, live, clone(body), subresource);
		recordUpdate(live, after, {
			manager,
			apiVersion: groupVersion(rt),
			now: rfc3339(),
			subresource: subresource || undefined,
		});
		return this.save(rt, live, after, dryRun);
	}

	private updateScale(
		rt: ResourceType,
		live: JsonObject,
		replicas: Json | undefined,
		dryRun: boolean,
		manager: string,
	): Reply {
		const after = clone(live);
		obj(after.spec).replicas = Number(replicas);
		this.bumpGeneration(rt, live, after);
		recordUpdate(live, after, {
			manager,
			apiVersion: groupVersion(rt),
			now: rfc3339(),
			subresource: 'scale',
		});
		const saved = this.save(rt, live, after, dryRun);
		return { status: 200, body: scaleOf(saved.body as JsonObject) };
	}

	private patch(
		rt: ResourceType,
		namespace: string,
		name: string,
		subresource: string,
		raw: string,
		contentType: string,
		query: Record<string, string>,
		dryRun: boolean,
		manager: string,
	): Reply {
		const isApply = contentType === 'application/apply-patch+yaml';
		const optionErrors = [];
		if (isApply && !query.fieldManager) {
			optionErrors.push({
				reason: 'FieldValueRequired',
				message: 'Required value: is required for apply patch',
				field: 'fieldManager',
			});
		}
		if (!isApply && query.force !== undefined) {
			optionErrors.push({
				reason: 'FieldValueForbidden',
				message: 'Forbidden: may not be specified for non-apply patch',
				field: 'force',
			});
		}
		if (optionErrors.length) throw errors.invalid('PatchOptions', 'meta.k8s.io', '', optionErrors);
		const accepted = [
			'application/json-patch+json',
			'application/merge-patch+json',
			'application/apply-patch+yaml',
		];
		if (!rt.crd) accepted.push('application/strategic-merge-patch+json');
		if (!accepted.includes(contentType)) throw errors.unsupportedMediaType(contentType, accepted);
		const live = this.store.get(rt, namespace, name);
		if (isApply) {
			const applied = parseYamlObject(raw);
			this.checkIdentity(rt, applied, namespace, name);
			if (!live) this.requireNamespace(rt, namespace, name);
			let result: JsonObject;
			try {
				result = serverSideApply(subresource === 'status' ? undefined : live, applied, {
					manager,
					force: query.force === 'true',
					apiVersion: groupVersion(rt),
					now: rfc3339(),
				});
			} catch (e) {
				if (e instanceof ApplyConflict) throw errors.applyConflict(e.message, e.causes);
				throw e;
			}
			if (!live) {
				const created = this.prepareCreate(
					rt,
					{ ...result, metadata: { ...obj(result.metadata), name } },
					namespace,
				);
				obj(created.metadata).managedFields = obj(result.metadata).managedFields ?? null;
				return this.save(rt, undefined, created, dryRun, true);
			}
			return this.save(rt, live, this.finishUpdate(rt, live, result, subresource), dryRun);
		}
		if (!live) throw errors.notFound({ group: rt.group, resource: rt.plural }, name);
		const current = subresource === 'scale' ? scaleOf(live) : live;
		let patched: Json;
		try {
			const body = JSON.parse(raw) as Json;
			if (contentType === 'application/json-patch+json')
				patched = jsonPatch(current as Json, body as JsonObject[]);
			else if (contentType === 'application/merge-patch+json')
				patched = mergePatch(current as Json, body);
			else patched = strategicMergePatch(current as Json, body);
		} catch (e) {
			if (e instanceof JsonPatchError || e instanceof SyntaxError)
				throw errors.badRequest((e as Error).message);
			throw e;
		}
		this.checkPrecondition(rt, live, obj(patched));
		if (subresource === 'scale')
			return this.updateScale(rt, live, obj(obj(patched).spec).replicas, dryRun, manager);
		const after = this.finishUpdate(rt, live, obj(patched), subresource);
		recordUpdate(live, after, {
			manager,
			apiVersion: groupVersion(rt),
			now: rfc3339(),
			subresource: subresource || undefined,
		});
		return this.save(rt, live, after, dryRun);
	}

	private delete(
		rt: ResourceType,
		namespace: string,
		name: string,
		query: Record<string, string>,
		raw: string,
		dryRun: boolean,
	): Reply {
		const live = this.mustGet(rt, namespace, name);
		const opts = raw ? parseJson(raw) : {};
		const pre = obj(opts.preconditions);
		if (
			(pre.uid && pre.uid !== obj(live.metadata).uid) ||
			(pre.resourceVersion && pre.resourceVersion !== obj(live.metadata).resourceVersion)
		) {
			throw errors.conflict({ group: rt.group, resource: rt.plural }, name);
		}
		const m = obj(live.metadata);
		if (rt.kind === 'Namespace' || (rt.kind === 'Pod' && query.gracePeriodSeconds !== '0')) {
			// graceful: the object stays, marked, until its controller removes it
			if (m.deletionTimestamp) return { status: 200, body: live };
			m.deletionTimestamp = rfc3339();
			if (rt.kind === 'Namespace') live.status = { phase: 'Terminating' };
			else m.deletionGracePeriodSeconds = 30;
			if (dryRun) return { status: 200, body: live };
			return { status: 200, body: this.store.put(rt, live) };
		}
		if (!dryRun) this.store.remove(rt, namespace, name);
		return {
			status: 200,
			body: successStatus({ group: rt.group, resource: rt.plural }, name, str(m.uid)),
		};
	}

	private podLog(pod: JsonObject, query: Record<string, string>): string {
		const m = obj(pod.metadata);
		const containers = ((obj(pod.spec).containers ?? []) as JsonObject[]).map((c) => str(c.name));
		let container = query.container;
		if (!container) {
			if (containers.length !== 1) {
				throw errors.badRequest(
					`a container name must be specified for pod ${str(m.name)}, choose one of: [${containers.join(' ')}]`,
				);
			}
			container = containers[0];
		}
		if (!containers.includes(container)) {
			throw errors.badRequest(`container ${container} is not valid for pod ${str(m.name)}`);
		}
		const entry = this.logs.get(`${str(m.namespace)}/${str(m.name)}/${container}`);
		let lines = query.previous === 'true' ? entry?.previous : (entry?.current ?? []);
		if (!lines)
			throw errors.badRequest(
				`previous terminated container "${container}" in pod "${str(m.name)}" not found`,
			);
		if (query.sinceTime)
			lines = lines.filter((l) => Date.parse(l.time) >= Date.parse(query.sinceTime));
		if (query.sinceSeconds)
			lines = lines.filter(
				(l) => Date.parse(l.time) >= Date.now() - Number(query.sinceSeconds) * 1000,
			);
		if (query.tailLines) lines = lines.slice(Math.max(0, lines.length - Number(query.tailLines)));
		let text = lines
			.map((l) => (query.timestamps === 'true' ? `${rfc3339Nano(l.time)} ${l.text}` : l.text))
			.join('\n');
		if (lines.length) text += '\n';
		if (query.limitBytes) text = text.slice(0, Number(query.limitBytes));
		return text;
	}

	// ---- watch ----

	private watch(
		route: Extract<Route, { type: 'resource' }>,
		query: Record<string, string>,
		req: IncomingMessage,
		res: ServerResponse,
		record: RecordedRequest,
	) {
		const { rt, namespace } = route;
		const labels = parseSelector(query.labelSelector ?? '');
		const fields = parseSelector(query.fieldSelector ?? '');
		const wanted = (e: { rt: ResourceType; namespace: string; object: JsonObject }) =>
			e.rt === rt &&
			(!namespace || e.namespace === namespace) &&
			matches(labels, (k) => obj(obj(e.object.metadata).labels)[k] as string | undefined) &&
			matches(fields, (k) => fieldValue(e.object, k));
		const since = Number(query.resourceVersion || 0);
		record.status = 200;
		res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
		res.flushHeaders(); // the client's fetch resolves on headers, before any event
		const write = (type: string, object: JsonObject) =>
			res.write(`${JSON.stringify({ type, object })}\n`);
		if (since === 0) {
			for (const o of this.filtered(rt, namespace, query)) write('ADDED', o);
		} else {
			for (const e of this.store.events) if (e.rv > since && wanted(e)) write(e.type, e.object);
		}
		let timer: NodeJS.Timeout | undefined;
		const end = () => {
			unsubscribe();
			this.watchers.delete(end);
			if (timer) clearTimeout(timer);
			if (!res.writableEnded) res.end();
		};
		const unsubscribe = this.store.subscribe((e: StoredEvent) => {
			if (wanted(e)) write(e.type, e.object);
		});
		this.watchers.add(end);
		if (query.timeoutSeconds) timer = setTimeout(end, Number(query.timeoutSeconds) * 1000);
		req.on('close', end);
	}
}

// ---- helpers ----

function attributes(
	method: string,
	route: Extract<Route, { type: 'resource' }>,
	query: Record<string, string>,
): RequestAttributes {
	const collection = !route.name;
	const verb =
		method === 'GET'
			? collection
				? query.watch === 'true' || query.watch === '1'
					? 'watch'
					: 'list'
				: 'get'
			: method === 'POST'
				? 'create'
				: method === 'PUT'
					? 'update'
					: method === 'PATCH'
						? 'patch'
						: method === 'DELETE'
							? collection
								? 'deletecollection'
								: 'delete'
							: method.toLowerCase();
	return {
		verb,
		apiGroup: route.rt.group,
		resource: route.rt.plural,
		subresource: route.subresource,
		namespace: route.rt.namespaced ? route.namespace : '',
		name: route.name,
	};
}

function faultError(code: number, route: Route): StatusError {
	const gr =
		route.type === 'resource'
			? { group: route.rt.group, resource: route.rt.plural }
			: { group: '', resource: 'unknown' };
	const name = route.type === 'resource' ? route.name : 'unknown';
	switch (code) {
		case 409:
			return errors.conflict(gr, name);
		case 403:
			return errors.forbidden(
				gr,
				name || undefined,
				`User "${DEFAULT_USER}" cannot do this (injected)`,
			);
		case 404:
			return errors.notFound(gr, name);
		case 429:
			return errors.tooManyRequests();
		case 503:
			return errors.serviceUnavailable('injected');
		case 504:
			return errors.timeout('injected');
		default:
			return errors.internal('injected');
	}
}

function scaleOf(o: JsonObject): JsonObject {
	const m = obj(o.metadata);
	const labels = obj(obj(obj(o.spec).selector).matchLabels);
	return {
		kind: 'Scale',
		apiVersion: 'autoscaling/v1',
		metadata: {
			name: m.name ?? null,
			namespace: m.namespace ?? null,
			uid: m.uid ?? null,
			resourceVersion: m.resourceVersion ?? null,
			creationTimestamp: m.creationTimestamp ?? null,
		},
		spec: { replicas: Number(obj(o.spec).replicas ?? 0) },
		status: {
			replicas: Number(obj(o.status).replicas ?? 0),
			selector: Object.entries(labels)
				.map(([k, v]) => `${k}=${str(v)}`)
				.join(','),
		},
	};
}

function rfc3339Nano(time: string): string {
	const d = new Date(time);
	return `${d.toISOString().slice(0, 19)}.${String(d.getUTCMilliseconds()).padStart(3, '0')}000000Z`;
}

type Requirement = {
	key: string;
	op: '=' | '!=' | 'in' | 'notin' | 'exists' | '!';
	values: string[];
};

/** Label and field selectors: k=v, k==v, k!=v, k in (a,b), k notin (a,b), k, !k. */
export function parseSelector(text: string): Requirement[] {
	const parts = text.match(/[^,(]+(\([^)]*\))?/g) ?? [];
	return parts
		.map((p) => p.trim())
		.filter(Boolean)
		.map((p): Requirement => {
			let m = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(p);
			if (m)
				return {
					key: m[1],
					op: m[2] as 'in' | 'notin',
					values: m[3].split(',').map((s) => s.trim()),
				};
			m = /^(.+?)(==|!=|=)(.*)$/.exec(p);
			if (m) return { key: m[1].trim(), op: m[2] === '!=' ? '!=' : '=', values: [m[3].trim()] };
			if (p.startsWith('!')) return { key: p.slice(1), op: '!', values: [] };
			return { key: p, op: 'exists', values: [] };
		});
}

function matches(reqs: Requirement[], value: (key: string) => string | undefined): boolean {
	return reqs.every((r) => {
		const v = value(r.key);
		switch (r.op) {
			case '=':
				return v === r.values[0];
			case '!=':
				return v !== r.values[0];
			case 'in':
				return v !== undefined && r.values.includes(v);
			case 'notin':
				return v === undefined || !r.values.includes(v);
			case 'exists':
				return v !== undefined;
			case '!':
				return v === undefined;
		}
	});
}

function fieldValue(o: JsonObject, path: string): string | undefined {
	let cur: unknown = o;
	for (const p of path.split('.')) cur = isObject(cur) ? cur[p] : undefined;
	return cur === undefined || cur === null
		? path === 'metadata.namespace'
			? ''
			: undefined
		: String(cur);
}

function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

function parseBody(raw: string): unknown {
	try {
		return JSON.parse(raw);
	} catch {
		try {
			return parseYaml(raw);
		} catch {
			return raw;
		}
	}
}

function parseJson(raw: string): JsonObject {
	try {
		const v = JSON.parse(raw);
		if (isObject(v)) return v;
	} catch {
		// fall through
	}
	throw errors.badRequest(`Object 'Kind' is missing in '${raw.slice(0, 100)}'`);
}

function parseYamlObject(raw: string): JsonObject {
	let v: unknown;
	try {
		v = parseYaml(raw);
	} catch (e) {
		throw errors.badRequest(`error decoding YAML: ${(e as Error).message}`);
	}
	if (!isObject(v)) throw errors.badRequest('error decoding YAML: not an object');
	return v;
}

export { crdName };
