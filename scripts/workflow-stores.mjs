// Switches the shipped workflows from the embedded store (one n8n process) to Redis/Postgres in
// one step: every node of this package that keeps state gets Store = Redis where it supports
// Redis and a Redis credential is given, else Postgres, with the matching credential.
//
//   npm run workflows:stores -- --redis-credential <id> --postgres-credential <id> [--out dir]
//
// writes the switched workflow files (default bench-out/workflows-shared-stores) for
// `n8n import:workflow --separate --input=<dir>`. `npm start` in queue mode does the same itself.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { ROOT } from './n8n-local.mjs';

// the shared stores each stateful node offers (its Store parameter)
const STATEFUL = {
	'n8n-nodes-aiops.recordAnomaly': ['redis', 'postgres'],
	'n8n-nodes-aiops.aggregateIncident': ['postgres'],
	'n8n-nodes-aiops.repairAction': ['redis', 'postgres'],
	'n8n-nodes-aiops.logPatterns': ['redis', 'postgres'],
	'n8n-nodes-aiops.notify': ['redis', 'postgres'],
	'n8n-nodes-aiops.aiopsOverview': ['postgres'],
};
const CREDENTIAL_TYPE = { redis: 'aiopsRedisApi', postgres: 'aiopsPostgresApi' };

function keepsState(node) {
	if (!STATEFUL[node.type]) return false;
	// Notify keeps state only with "suppress repeats"; a Store it names anyway is switched too, so
	// no node of a switched workflow still says "embedded"
	if (node.type === 'n8n-nodes-aiops.notify')
		return node.parameters?.suppressRepeats === true || 'store' in (node.parameters ?? {});
	return true;
}

/**
 * The workflow with its stateful nodes on shared stores. `redis`/`postgres` are credential
 * references ({ id, name }); Postgres is required (Aggregate Incident only speaks SQL).
 */
export function switchStores(workflow, { redis, postgres }) {
	if (!postgres?.id)
		throw new Error('switchStores: a Postgres credential ({ id, name }) is required');
	const nodes = (workflow.nodes ?? []).map((node) => {
		if (!keepsState(node)) return node;
		const store = redis?.id && STATEFUL[node.type].includes('redis') ? 'redis' : 'postgres';
		const credentials = { ...node.credentials };
		for (const type of Object.values(CREDENTIAL_TYPE)) delete credentials[type];
		credentials[CREDENTIAL_TYPE[store]] = store === 'redis' ? redis : postgres;
		return { ...node, parameters: { ...node.parameters, store }, credentials };
	});
	return { ...workflow, nodes };
}

/** Every workflow URL that points at `from` (e.g. the inbox on the main port) now points at `to`. */
export function repointUrls(workflow, from, to) {
	return JSON.parse(JSON.stringify(workflow).split(from).join(to));
}

/** The shipped workflows, parsed. */
export function shippedWorkflows() {
	const dir = join(ROOT, 'workflows');
	return readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((f) => ({ file: f, workflow: JSON.parse(readFileSync(join(dir, f), 'utf8')) }));
}

function cli(argv) {
	const arg = (name) => {
		const i = argv.indexOf(`--${name}`);
		return i >= 0 ? argv[i + 1] : undefined;
	};
	const postgresId = arg('postgres-credential');
	if (!postgresId) {
		process.stderr.write(
			'usage: npm run workflows:stores -- --postgres-credential <id> [--redis-credential <id>] [--out <dir>]\n' +
				'  the ids of your AIOps Postgres / AIOps Redis credentials in n8n (Credentials → open → the id in the URL)\n',
		);
		process.exit(2);
	}
	const redisId = arg('redis-credential');
	const out = resolve(arg('out') ?? join(ROOT, 'bench-out', 'workflows-shared-stores'));
	mkdirSync(out, { recursive: true });
	for (const { file, workflow } of shippedWorkflows()) {
		const switched = switchStores(workflow, {
			postgres: { id: postgresId, name: 'AIOps Postgres' },
			redis: redisId ? { id: redisId, name: 'AIOps Redis' } : undefined,
		});
		writeFileSync(join(out, file), JSON.stringify(switched, null, 2));
	}
	process.stdout.write(
		`switched workflows written to ${out}\nimport them with: n8n import:workflow --separate --input=${out}\n`,
	);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) cli(process.argv.slice(2));
