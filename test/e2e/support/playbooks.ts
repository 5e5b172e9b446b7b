// The shipped workflows as a user would set them up, for the e2e tests: read from workflows/,
// credentials filled in where the user picks them, and every Schedule Trigger swapped for a
// Webhook node of the same name and connections, so the test decides when a scheduled run
// happens (POST /webhook/<path> answers when the run is over).
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface WorkflowNode {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
}

export interface ShippedWorkflow {
	id: string;
	name: string;
	nodes: WorkflowNode[];
	connections: Record<string, unknown>;
	[key: string]: unknown;
}

const WORKFLOWS = join(__dirname, '../../../workflows');

/** The file names in workflows/. */
export function shippedWorkflowFiles(): string[] {
	return readdirSync(WORKFLOWS).filter((f) => f.endsWith('.json'));
}

export function shippedWorkflowFile(file: string): string {
	return join(WORKFLOWS, file);
}

export function shippedWorkflow(file: string): ShippedWorkflow {
	return JSON.parse(readFileSync(shippedWorkflowFile(file), 'utf8'));
}

export function nodeNamed(workflow: ShippedWorkflow, name: string): WorkflowNode {
	const node = workflow.nodes.find((n) => n.name === name);
	if (!node) throw new Error(`${workflow.id} has no node "${name}"`);
	return node;
}

export function nodesOfType(workflow: ShippedWorkflow, type: string): WorkflowNode[] {
	return workflow.nodes.filter((n) => n.type === type);
}

/**
 * Replaces the Schedule Trigger `name` by a Webhook node (same name, position, connections) at
 * POST /webhook/<path>, answering with the last node's items once the execution is over.
 */
export function scheduleAsWebhook(workflow: ShippedWorkflow, name: string, path: string): void {
	const node = nodeNamed(workflow, name);
	if (node.type !== 'n8n-nodes-base.scheduleTrigger')
		throw new Error(`${name} is ${node.type}, not a Schedule Trigger`);
	Object.assign(node, {
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		webhookId: randomUUID(),
		parameters: {
			httpMethod: 'POST',
			path,
			responseMode: 'lastNode',
			responseData: 'allEntries',
			options: {},
		},
	});
}

/** Rewrites a Code node's source with `edit`; fails when the edit changed nothing. */
export function editCode(
	workflow: ShippedWorkflow,
	name: string,
	edit: (code: string) => string,
): void {
	const node = nodeNamed(workflow, name);
	const before = String(node.parameters.jsCode);
	const after = edit(before);
	if (after === before) throw new Error(`the edit of "${name}" changed nothing`);
	node.parameters.jsCode = after;
}

/** Sets the credential of every node of `type` (what the user picks in the editor). */
export function useCredential(
	workflow: ShippedWorkflow,
	type: string,
	credentialType: string,
	credential: { id: string; name: string },
	parameters: Record<string, unknown> = {},
): void {
	const nodes = nodesOfType(workflow, type);
	if (nodes.length === 0) throw new Error(`${workflow.id} has no ${type} node`);
	for (const node of nodes) {
		node.credentials = { ...node.credentials, [credentialType]: credential };
		Object.assign(node.parameters, parameters);
	}
}

/** POSTs to a production webhook and returns the items the run ended with. */
export async function runVia(baseUrl: string, path: string, body: unknown = {}): Promise<unknown> {
	const res = await fetch(`${baseUrl}/webhook/${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	const text = await res.text();
	if (!res.ok) throw new Error(`POST /webhook/${path}: ${res.status} ${text}`);
	return text ? JSON.parse(text) : null;
}
