// n8n's editor picks a "main authentication field" per node and moves it out of the parameter
// list, hiding every parameter the credentials' displayOptions depend on as well. The rule, as
// n8n 2.41.1's editor applies it (editor-ui nodeTypesUtils getMainAuthField/findAlternativeAuthField,
// checked against the bundle of n8n-editor-ui 2.41.1):
//   1. a credential-dependency field named `authentication` with no `none` option; else
//   2. the first credential-dependency field that has options, all of whose string values
//      appear in some credential's displayOptions.show for that field.
// Only a real authentication selector may be picked: otherwise users lose fields such as Notify's
// Channels, Operation and Suppress Repeats (issue 13; the editor e2e test shows it in n8n).
import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';

import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

import { loadNode } from '../harness/nodeHarness';

const pkg = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8'));
const nodeNames: string[] = pkg.n8n.nodes.map((p: string) => basename(p, '.node.js'));

function credentialDependencyFields(d: INodeTypeDescription): INodeProperties[] {
	const fields: INodeProperties[] = [];
	for (const cred of d.credentials ?? []) {
		for (const name of Object.keys(cred.displayOptions?.show ?? {})) {
			for (const f of d.properties.filter((p) => p.name === name))
				if (!fields.includes(f)) fields.push(f);
		}
	}
	return fields;
}

function mainAuthField(d: INodeTypeDescription): INodeProperties | null {
	const fields = credentialDependencyFields(d);
	const named = fields.find(
		(f) =>
			f.name === 'authentication' && !f.options?.find((o) => 'value' in o && o.value === 'none'),
	);
	if (named) return named;
	const gated: Record<string, string[]> = {};
	for (const cred of d.credentials ?? []) {
		for (const [name, values] of Object.entries(cred.displayOptions?.show ?? {}))
			gated[name] = (gated[name] ?? []).concat(
				((values as unknown[]) ?? []).map((v) => (v ? String(v) : '')),
			);
	}
	return (
		fields.find(
			(f) =>
				!!f.options?.length &&
				f.options.every(
					(o) => !('value' in o) || typeof o.value !== 'string' || gated[f.name].includes(o.value),
				),
		) ?? null
	);
}

/** What the editor hides from the parameter list because of the main authentication field. */
function hiddenByEditor(d: INodeTypeDescription): string[] {
	const main = mainAuthField(d);
	if (!main) return [];
	const fields = credentialDependencyFields(d);
	return [
		...new Set(
			d.properties
				.filter(
					(p) =>
						p.name === main.name ||
						fields.some((f) => f.displayOptions?.show && p.name in f.displayOptions.show),
				)
				.map((p) => p.name),
		),
	];
}

describe("n8n editor's main authentication field", () => {
	it('the rule as ported picks a channel-like selector whose every value gates a credential', () => {
		// the shape Notify had: the signing credential gated by channels too
		const notify = loadNode('Notify').description;
		const old: INodeTypeDescription = {
			...notify,
			credentials: notify.credentials!.map((c) =>
				c.name === 'aiopsWebhookSigningApi'
					? { ...c, displayOptions: { show: { channels: ['webhook'], webhookSign: [true] } } }
					: c,
			),
		};
		expect(mainAuthField(old)?.name).toBe('channels');
		expect(hiddenByEditor(old)).toEqual(
			expect.arrayContaining(['channels', 'operation', 'suppressRepeats']),
		);
	});

	it.each(nodeNames)(
		'%s: only an authentication selector may be picked, nothing else is hidden',
		(name) => {
			const d = loadNode(name).description;
			const main = mainAuthField(d);
			if (main) expect(main.name).toBe('authentication');
			for (const hidden of hiddenByEditor(d))
				expect(['authentication'], `${name} would lose "${hidden}" in the editor`).toContain(
					hidden,
				);
		},
	);

	it('Notify keeps Channels, Operation and Suppress Repeats in the parameter list', () => {
		const d = loadNode('Notify').description;
		expect(mainAuthField(d)).toBeNull();
		expect(hiddenByEditor(d)).toEqual([]);
	});
});
