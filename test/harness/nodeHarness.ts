// The node-layer harness: runs a BUILT node class (dist/) inside an execution context shaped
// like n8n-core's ExecuteContext / WebhookContext for the parts our nodes use. What it
// reproduces from n8n (see test/README.md): parameter defaults from the node description,
// `={{ }}` expressions against the item, credentials by type with the credential class's
// generic `authenticate` applied by httpRequestWithAuthentication, real HTTP (fetch) for
// httpRequest, continueOnFail, pairedItem helpers, and a response object for webhooks.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeProperties,
	INodeType,
} from 'n8n-workflow';
import { NodeApiError, deepCopy } from 'n8n-workflow';

const requireFromRoot = createRequire(join(__dirname, '../../package.json'));
const DIST = join(__dirname, '../../dist');

export function loadNode(name: string): INodeType {
	const mod = requireFromRoot(join(DIST, 'nodes', name, `${name}.node.js`));
	return new mod[name]();
}

/**
 * lib/store as the built nodes run it (dist/lib.js, loaded once per process): their pools,
 * clients and PGlite instances, which the sources' copy of lib/store does not see.
 */
export function builtStore(): typeof import('../../lib/store') {
	return requireFromRoot(join(DIST, 'lib.js'))['store/index'];
}

export function loadCredentialType(className: string): ICredentialType {
	const mod = requireFromRoot(join(DIST, 'credentials', `${className}.credentials.js`));
	return new mod[className]();
}

export interface RunOptions {
	parameters?: IDataObject;
	items?: INodeExecutionData[];
	/** credential data by credential type name */
	credentials?: Record<string, IDataObject>;
	/** credential classes by type name, for httpRequestWithAuthentication's `authenticate` */
	credentialTypes?: Record<string, ICredentialType>;
	continueOnFail?: boolean;
	nodeName?: string;
	mode?: 'manual' | 'trigger' | 'webhook' | 'internal';
	executionId?: string;
	workflowId?: string;
	instanceBaseUrl?: string;
	/** recorded calls to putExecutionToWait */
	waits?: Date[];
	/**
	 * The node's execute data (n8n's stack entry: node, input data, source); filled by runNode so a
	 * test can see what a waiting node leaves there for n8n to resume with.
	 */
	executeData?: IDataObject;
	/** for callWebhook of a waiting execution: the waiting node's input items ($input) */
	waitingItems?: INodeExecutionData[];
}

function getPath(obj: unknown, path: string): unknown {
	let cur = obj as Record<string, unknown> | undefined;
	for (const part of path.split('.')) {
		if (cur === undefined || cur === null) return undefined;
		cur = cur[part] as Record<string, unknown>;
	}
	return cur;
}

function findProperty(
	properties: INodeProperties[],
	name: string,
	parameters: IDataObject,
): INodeProperties | undefined {
	const candidates = properties.filter((p) => p.name === name);
	// n8n picks the property whose displayOptions match the current parameters
	return (
		candidates.find((p) => {
			const show = p.displayOptions?.show ?? {};
			return Object.entries(show).every(([key, values]) => {
				if (key.startsWith('@')) return true;
				const v = parameters[key] ?? findProperty(properties, key, parameters)?.default;
				return (values as unknown[]).includes(v as never);
			});
		}) ?? candidates[0]
	);
}

/** Evaluates `={{ expr }}` (and `=text {{ expr }} text`) the way workflow parameters use them. */
export function resolveExpression(
	value: unknown,
	item: INodeExecutionData | undefined,
	extra: IDataObject = {},
): unknown {
	if (typeof value === 'string' && value.startsWith('=')) {
		const body = value.slice(1);
		const scope = { $json: item?.json ?? {}, $binary: item?.binary ?? {}, ...extra };
		const evaluate = (expr: string) =>
			// eslint-disable-next-line @typescript-eslint/no-implied-eval
			new Function(...Object.keys(scope), `return (${expr});`)(...Object.values(scope));
		const whole = /^\{\{([\s\S]*)\}\}$/.exec(body.trim());
		if (whole && !whole[1].includes('}}')) return evaluate(whole[1]);
		return body.replace(/\{\{([\s\S]*?)\}\}/g, (_m, expr) => {
			const v = evaluate(expr);
			return typeof v === 'object' ? JSON.stringify(v) : String(v);
		});
	}
	if (Array.isArray(value)) return value.map((v) => resolveExpression(v, item, extra));
	if (value && typeof value === 'object') {
		return Object.fromEntries(
			Object.entries(value).map(([k, v]) => [k, resolveExpression(v, item, extra)]),
		);
	}
	return value;
}

function applyCredentialTemplate(value: unknown, credentials: IDataObject): unknown {
	return resolveExpression(value, undefined, { $credentials: credentials });
}

async function realHttpRequest(options: IHttpRequestOptions): Promise<unknown> {
	const url = new URL(options.url, options.baseURL);
	for (const [k, v] of Object.entries(options.qs ?? {})) {
		if (v !== undefined) url.searchParams.set(k, String(v));
	}
	const headers: Record<string, string> = {};
	for (const [k, v] of Object.entries(options.headers ?? {})) headers[k.toLowerCase()] = String(v);
	let body: string | Buffer | undefined;
	if (options.body !== undefined) {
		if (typeof options.body === 'string' || Buffer.isBuffer(options.body))
			body = options.body as string | Buffer;
		else if (headers['content-type']?.includes('application/x-www-form-urlencoded')) {
			body = new URLSearchParams(options.body as Record<string, string>).toString();
		} else {
			body = JSON.stringify(options.body);
			headers['content-type'] ??= 'application/json';
		}
	}
	if (options.auth) {
		headers.authorization =
			'Basic ' +
			Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64');
	}
	const controller = new AbortController();
	const timer = options.timeout ? setTimeout(() => controller.abort(), options.timeout) : undefined;
	try {
		const res = await fetch(url, {
			method: options.method ?? 'GET',
			headers,
			body,
			signal: controller.signal,
		});
		const text = await res.text();
		let data: unknown = text;
		if (options.json !== false && text && /json/.test(res.headers.get('content-type') ?? ''))
			data = JSON.parse(text);
		else if (text && (options.json || options.encoding === undefined)) {
			try {
				data = JSON.parse(text);
			} catch {
				data = text;
			}
		}
		if (res.status >= 400 && !options.ignoreHttpStatusErrors) {
			// n8n's request helper throws an axios-shaped error that nodes wrap in NodeApiError
			const error = new Error(`Request failed with status code ${res.status}`) as Error &
				IDataObject;
			error.httpCode = String(res.status);
			error.response = {
				status: res.status,
				headers: Object.fromEntries(res.headers),
				data,
			} as IDataObject;
			error.cause = { response: error.response };
			throw error;
		}
		if (options.returnFullResponse) {
			return { statusCode: res.status, headers: Object.fromEntries(res.headers), body: data };
		}
		return data;
	} finally {
		if (timer) clearTimeout(timer);
	}
}

function baseContext(nodeType: INodeType, opts: RunOptions, items: INodeExecutionData[]) {
	const parameters = opts.parameters ?? {};
	const description = nodeType.description;
	const node: INode = {
		id: 'node-under-test',
		name: opts.nodeName ?? description.defaults.name ?? description.displayName,
		type: `n8n-nodes-aiops.${description.name}`,
		typeVersion: Array.isArray(description.version)
			? description.version[description.version.length - 1]
			: description.version,
		position: [0, 0],
		parameters: parameters as INode['parameters'],
		// the credentials the test gives are the ones set on the node, as in a workflow
		credentials: Object.fromEntries(
			Object.keys(opts.credentials ?? {}).map((type) => [type, { id: `${type}-id`, name: type }]),
		),
	};
	const staticData: Record<string, IDataObject> = {};
	const executeData = Object.assign(opts.executeData ?? {}, {
		node,
		data: { main: [items] },
		source: null,
	});
	const getNodeParameter = (
		name: string,
		itemIndex?: number | unknown,
		fallback?: unknown,
		options?: { extractValue?: boolean },
	) => {
		// IWebhookFunctions.getNodeParameter(name, fallback) has no item index
		if (typeof itemIndex !== 'number') {
			fallback = itemIndex;
			itemIndex = 0;
		}
		let value = getPath(parameters, name);
		if (value === undefined) {
			const top = name.split('.')[0];
			const prop = findProperty(description.properties, top, parameters);
			if (prop && top === name) value = deepCopy(prop.default);
		}
		if (value === undefined) {
			if (fallback !== undefined) return fallback;
			throw new Error(`Could not get parameter "${name}"`);
		}
		value = resolveExpression(value, items[itemIndex as number], { $parameter: parameters });
		if (
			options?.extractValue &&
			value &&
			typeof value === 'object' &&
			'__rl' in (value as IDataObject)
		) {
			return (value as IDataObject).value;
		}
		return value;
	};
	const getCredentials = async (type: string) => {
		const data = opts.credentials?.[type];
		if (!data)
			throw new Error(`Node "${node.name}" does not have any credentials of type "${type}" set`);
		return deepCopy(data);
	};
	const httpRequestWithAuthentication = async function (
		credentialType: string,
		request: IHttpRequestOptions,
	) {
		const credentials = await getCredentials(credentialType);
		const type = opts.credentialTypes?.[credentialType];
		const authenticated = deepCopy(request);
		const auth = type?.authenticate;
		if (auth && typeof auth === 'object' && auth.type === 'generic') {
			const props = applyCredentialTemplate(auth.properties, credentials) as IDataObject;
			authenticated.headers = { ...(props.headers as IDataObject), ...authenticated.headers };
			authenticated.qs = { ...(props.qs as IDataObject), ...authenticated.qs };
			if (props.auth) authenticated.auth = props.auth as IHttpRequestOptions['auth'];
		} else if (typeof auth === 'function') {
			Object.assign(
				authenticated,
				await auth(credentials as ICredentialDataDecryptedObject, authenticated),
			);
		}
		return realHttpRequest(authenticated);
	};
	const returnJsonArray = (data: IDataObject | IDataObject[]) =>
		(Array.isArray(data) ? data : [data]).map((json) => ({ json }));
	return {
		node,
		context: {
			logger: { debug() {}, info() {}, warn() {}, error() {} },
			getNode: () => node,
			getNodeParameter,
			getCredentials,
			getInputData: () => items,
			continueOnFail: () => opts.continueOnFail ?? false,
			getMode: () => opts.mode ?? 'manual',
			getExecutionId: () => opts.executionId ?? 'exec-1',
			getWorkflow: () => ({ id: opts.workflowId ?? 'wf-1', name: 'test workflow', active: false }),
			getWorkflowStaticData: (type: string) => (staticData[type] ??= {}),
			getTimezone: () => 'UTC',
			getInstanceBaseUrl: () => opts.instanceBaseUrl ?? 'http://localhost:5678/',
			getRestApiUrl: () => `${opts.instanceBaseUrl ?? 'http://localhost:5678/'}rest`,
			getInstanceId: () => 'test-instance',
			getSignedResumeUrl: (params: Record<string, string> = {}) => {
				const url = new URL(
					`${opts.instanceBaseUrl ?? 'http://localhost:5678/'}webhook-waiting/${opts.executionId ?? 'exec-1'}`,
				);
				for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
				url.searchParams.set('signature', 'test-signature');
				return url.toString();
			},
			putExecutionToWait: async (until: Date) => {
				opts.waits?.push(until);
			},
			// n8n evaluates `=${expression}` with $input being the node's input items
			getExecuteData: () => executeData,
			evaluateExpression: (expr: string, i = 0) =>
				resolveExpression(`=${expr}`, items[i], {
					$input: { all: () => items, first: () => items[0], item: items[i] },
				}),
			sendMessageToUI: () => undefined,
			addExecutionHints: () => undefined,
			helpers: {
				returnJsonArray,
				constructExecutionMetaData: (
					data: INodeExecutionData[],
					{ itemData }: { itemData: unknown },
				) => data.map((d) => ({ ...d, pairedItem: itemData })),
				httpRequest: realHttpRequest,
				httpRequestWithAuthentication,
				requestWithAuthentication: httpRequestWithAuthentication,
			},
		},
	};
}

/** Runs execute() like n8n's WorkflowExecute does for one node with the given input items. */
export async function runNode(
	nodeType: INodeType,
	opts: RunOptions = {},
): Promise<INodeExecutionData[][]> {
	const items = opts.items ?? [{ json: {} }];
	const { context } = baseContext(nodeType, opts, items);
	if (!nodeType.execute) throw new Error(`${nodeType.description.name} has no execute()`);
	const result = await nodeType.execute.call(context as never);
	return result as INodeExecutionData[][];
}

export interface WebhookRequest {
	method?: 'GET' | 'POST';
	query?: Record<string, string>;
	body?: unknown;
	rawBody?: Buffer | string;
	headers?: Record<string, string>;
}

export interface WebhookResult {
	/** what the webhook handed to the workflow (undefined: no execution started) */
	workflowData?: INodeExecutionData[][];
	status: number;
	responseBody?: unknown;
	/** headers the node set on the response (lower-case names) */
	responseHeaders?: Record<string, string>;
}

/** Calls webhook() like n8n's webhook service: the node either answers itself or n8n answers 200. */
export async function callWebhook(
	nodeType: INodeType,
	request: WebhookRequest,
	opts: RunOptions = {},
): Promise<WebhookResult> {
	const { context } = baseContext(nodeType, { mode: 'webhook', ...opts }, opts.waitingItems ?? []);
	const raw =
		request.rawBody ?? (request.body === undefined ? undefined : JSON.stringify(request.body));
	const rawBody = raw === undefined ? undefined : Buffer.from(raw);
	let parsed: unknown = request.body;
	if (parsed === undefined && rawBody) {
		try {
			parsed = JSON.parse(rawBody.toString('utf8'));
		} catch {
			parsed = {};
		}
	}
	const headers: Record<string, string> = { 'content-type': 'application/json' };
	for (const [k, v] of Object.entries(request.headers ?? {})) headers[k.toLowerCase()] = v;
	if (rawBody) headers['content-length'] = String(rawBody.length);
	const response: {
		status: number;
		body?: unknown;
		sent: boolean;
		headers: Record<string, string>;
	} = { status: 200, sent: false, headers: {} };
	const res = {
		status(code: number) {
			response.status = code;
			return res;
		},
		json(body: unknown) {
			response.body = body;
			response.sent = true;
			return res;
		},
		send(body?: unknown) {
			response.body = body;
			response.sent = true;
			return res;
		},
		end() {
			response.sent = true;
			return res;
		},
		setHeader(name: string, value: string) {
			response.headers[name.toLowerCase()] = value;
			return res;
		},
	};
	const webhookContext = {
		...context,
		getBodyData: () => parsed,
		getHeaderData: () => headers,
		getQueryData: () => request.query ?? {},
		getParamsData: () => ({}),
		getRequestObject: () => ({
			method: request.method ?? 'POST',
			query: request.query ?? {},
			body: parsed,
			rawBody,
			headers,
		}),
		getResponseObject: () => res,
		getNodeWebhookUrl: (name: string) =>
			`${opts.instanceBaseUrl ?? 'http://localhost:5678/'}webhook/${name}`,
		getWebhookName: () => 'default',
	};
	if (!nodeType.webhook) throw new Error(`${nodeType.description.name} has no webhook()`);
	const out = await nodeType.webhook.call(webhookContext as never);
	if (out.noWebhookResponse)
		return {
			status: response.status,
			responseBody: response.body,
			responseHeaders: response.headers,
			workflowData: out.workflowData,
		};
	return { status: 200, responseBody: out.webhookResponse, workflowData: out.workflowData };
}

export { NodeApiError };
