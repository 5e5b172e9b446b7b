// Every shipped workflow, exactly as in workflows/, imported into a real n8n 2.41.1 with the
// packed package installed, published, and activated by `n8n start` without an error; every node
// type and typeVersion is one n8n knows, and the editor-facing shape holds (fixed ids, sticky
// notes over every node, everything connected, no $env).
import { readFileSync } from 'node:fs';

import { startN8n, type N8nInstance } from './support/n8n';
import { shippedWorkflow, shippedWorkflowFile, shippedWorkflowFiles } from './support/playbooks';

const files = shippedWorkflowFiles();
const workflows = files.map((file) => ({
	file,
	text: readFileSync(shippedWorkflowFile(file), 'utf8'),
	workflow: shippedWorkflow(file),
}));

const STICKY = 'n8n-nodes-base.stickyNote';
// what a node covers on n8n's canvas (a default node is 100 × 100 from its position)
const NODE_SIZE = 100;

describe('shipped workflows in real n8n 2.41.1', () => {
	let n8n: N8nInstance;
	let cookie: string;

	beforeAll(async () => {
		n8n = await startN8n({ workflows: workflows.map((w) => w.workflow) });
		cookie = await n8n.login();
	});

	afterAll(async () => {
		await n8n?.stop();
	});

	it('ships the playbooks', () => {
		expect(files).toEqual(
			expect.arrayContaining([
				'proactive-inspection.json',
				'health-checks.json',
				'housekeeping.json',
			]),
		);
	});

	it('publishes and activates every workflow without an error', async () => {
		const ids = workflows.map((w) => w.workflow.id);
		// activation runs after the editor is up: wait until every workflow is active or failed
		const deadline = Date.now() + 120_000;
		let active: string[] = [];
		const errors: Record<string, unknown> = {};
		while (Date.now() < deadline) {
			const res = await fetch(`${n8n.baseUrl}/rest/active-workflows`, { headers: { cookie } });
			active = ((await res.json()) as { data: string[] }).data;
			for (const id of ids.filter((i) => !active.includes(i))) {
				const e = await fetch(`${n8n.baseUrl}/rest/active-workflows/error/${id}`, {
					headers: { cookie },
				});
				const error = ((await e.json()) as { data: unknown }).data;
				if (error) errors[id] = error;
			}
			if (ids.every((id) => active.includes(id) || errors[id])) break;
			await new Promise((r) => setTimeout(r, 500));
		}
		expect(errors).toEqual({});
		expect(active).toEqual(expect.arrayContaining(ids));
		expect(n8n.logs()).not.toMatch(/Unrecognized node type/);
		expect(n8n.logs()).not.toMatch(/Issue on initial workflow activation/);
	});

	it('uses only node types and typeVersions that n8n and this package declare', async () => {
		const types = (await (
			await fetch(`${n8n.baseUrl}/types/nodes.json`, { headers: { cookie } })
		).json()) as Array<{ name: string; version: number | number[] }>;
		const known = new Map<string, Set<number>>();
		for (const t of types) {
			const versions = known.get(t.name) ?? new Set<number>();
			for (const v of Array.isArray(t.version) ? t.version : [t.version]) versions.add(v);
			known.set(t.name, versions);
		}
		for (const { file, workflow } of workflows) {
			for (const node of workflow.nodes) {
				expect(
					known.get(node.type)?.has(node.typeVersion),
					`${file}: ${node.name} is ${node.type} v${node.typeVersion}`,
				).toBe(true);
				expect(node.type).toMatch(/^n8n-nodes-(base|aiops)\./);
			}
		}
	});

	it('has fixed unique ids, no $env, sticky notes over every node and no loose node', () => {
		const ids = workflows.map((w) => w.workflow.id);
		expect(new Set(ids).size).toBe(ids.length);
		for (const { file, text, workflow } of workflows) {
			expect(workflow.id, file).toMatch(/^[A-Za-z0-9]{16}$/);
			expect(text, file).not.toMatch(/\$env\b/);
			const notes = workflow.nodes.filter((n) => n.type === STICKY);
			const nodes = workflow.nodes.filter((n) => n.type !== STICKY);
			expect(notes.length, file).toBeGreaterThan(0);
			for (const node of nodes) {
				const [x, y] = node.position;
				const covered = notes.some((note) => {
					const [nx, ny] = note.position;
					const { width, height } = note.parameters as { width: number; height: number };
					return x >= nx && y >= ny && x + NODE_SIZE <= nx + width && y + NODE_SIZE <= ny + height;
				});
				expect(covered, `${file}: ${node.name} lies on a sticky note`).toBe(true);
			}
			const names = new Set(nodes.map((n) => n.name));
			const targets = new Set<string>();
			const connections = workflow.connections as Record<
				string,
				{ main: Array<Array<{ node: string }>> }
			>;
			for (const [from, { main }] of Object.entries(connections)) {
				expect(names.has(from), `${file}: connection from ${from}`).toBe(true);
				for (const c of main.flat()) {
					expect(names.has(c.node), `${file}: connection to ${c.node}`).toBe(true);
					targets.add(c.node);
				}
			}
			for (const node of nodes) {
				const isTrigger = /trigger|webhook/i.test(node.type);
				if (isTrigger)
					expect(workflow.connections[node.name], `${file}: ${node.name}`).toBeDefined();
				else expect(targets.has(node.name), `${file}: ${node.name} has an input`).toBe(true);
			}
		}
	});
});
