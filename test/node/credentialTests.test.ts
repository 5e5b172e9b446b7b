// The credential tests of the store, Kubernetes and Alertmanager receiver credentials, called
// as n8n calls them (the node's methods.credentialTest with the decrypted data): real Redis and
// Postgres (with restricted users made for the test), the fake Kubernetes API with the shipped
// RBAC, and the secret checks of the one credential that has no server.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import Redis from 'ioredis';
import { parseAllDocuments } from 'yaml';
import type { IDataObject, INodeCredentialTestResult } from 'n8n-workflow';

import { NODE_ACCESS } from '../../lib/kube';
import { checkPostgresCredential, closePostgresPools, closeRedisClients } from '../../lib/store';
import { loadNode } from '../harness/nodeHarness';
import { rbacTableFromYaml } from '../k8s/rbac';
import { FakeKube } from '../k8s/server';
import { freePort } from '../support/net';
import {
	DATABASE_URL,
	REDIS_URL,
	dropSchema,
	postgresConnection,
	randomId,
	redisConnection,
	testSchema,
} from '../support/stores';

type TestMethod = (this: unknown, c: { data: IDataObject }) => Promise<INodeCredentialTestResult>;
function credentialTest(nodeName: string, test: string) {
	const methods = loadNode(nodeName).methods!.credentialTest as unknown as Record<string, TestMethod>;
	return (data: IDataObject) => methods[test].call({}, { data } as never);
}

afterAll(async () => {
	await Promise.all([closeRedisClients(), closePostgresPools()]);
});

describe('AIOps Redis credential: PING, then a script that writes under the key prefix', () => {
	const test = credentialTest('RecordAnomaly', 'aiopsRedisConnectionTest');
	const admin = new Redis(REDIS_URL);
	const users: string[] = [];
	afterAll(async () => {
		for (const user of users) await admin.call('ACL', 'DELUSER', user);
		admin.disconnect();
	});

	it('passes for a user that may run scripts and write', async () => {
		const c = redisConnection();
		const result = await test({ host: c.host, port: c.port, password: c.password ?? '' });
		expect(result.status).toBe('OK');
		expect(result.message).toMatch(/^Connected to Redis at 127\.0\.0\.1:\d+ \(Redis [\d.]+\); scripts and writes under "aiops:" work$/);
	});

	it('names the ACL that is missing for a user limited to other keys', async () => {
		const user = `aiops_cred_${randomId()}`;
		users.push(user);
		await admin.call('ACL', 'SETUSER', user, 'on', '>Cred-test-pass-1', '~other:*', '+@all');
		const c = redisConnection();
		const result = await test({ host: c.host, port: c.port, user, password: 'Cred-test-pass-1' });
		expect(result.status).toBe('Error');
		expect(result.message).toContain('may not run scripts or write keys under "aiops:"');
		expect(result.message).toContain(`ACL SETUSER ${user} +@read +@write +@scripting ~aiops:*`);
	});

	it('a wrong password and an unreachable server say so', async () => {
		const user = `aiops_cred_${randomId()}`;
		users.push(user);
		await admin.call('ACL', 'SETUSER', user, 'on', '>Right-pass-123', '~*', '+@all');
		const c = redisConnection();
		const wrong = await test({ host: c.host, port: c.port, user, password: 'Wrong-pass-123' });
		expect(wrong.status).toBe('Error');
		expect(wrong.message).toMatch(/WRONGPASS/);
		expect(wrong.message).not.toContain('Wrong-pass-123');
		const port = await freePort();
		const down = await test({ host: '127.0.0.1', port });
		expect(down).toMatchObject({ status: 'Error' });
		expect(down.message).toContain(`Redis at 127.0.0.1:${port} is unreachable`);
	});
});

describe('AIOps Postgres credential: select 1, then the schema rights the nodes need', () => {
	const test = credentialTest('AggregateIncident', 'aiopsPostgresConnectionTest');
	const admin = new Client({ connectionString: DATABASE_URL });
	const role = `aiops_cred_${randomId()}`;
	const schema = testSchema();
	const c = postgresConnection();
	beforeAll(async () => {
		await admin.connect();
		await admin.query(`create role ${role} login`);
	});
	afterAll(async () => {
		await dropSchema(schema);
		await admin.query(`drop owned by ${role}`).catch(() => undefined);
		await admin.query(`drop role if exists ${role}`);
		await admin.end();
	});

	it('passes for the owner of the database (the node test checks the default schema)', async () => {
		const result = await test({ host: c.host, port: c.port, database: c.database, user: c.user });
		expect(result.status).toBe('OK');
		expect(result.message).toMatch(/^Connected to Postgres [\d.]+.* at 127\.0\.0\.1:\d+\/\w+ as "\w+"; the schema "aiops" is usable$/);
	});

	it('walks a restricted user through each GRANT it lacks, then passes', async () => {
		const as = { ...c, user: role, password: undefined };
		const db = `"${c.database}"`;
		await expect(checkPostgresCredential(as, schema)).rejects.toThrow(
			`the user may not create the schema "${schema}" the nodes use. Run GRANT CREATE ON DATABASE ${db} TO "${role}"; or create the schema and GRANT USAGE, CREATE ON SCHEMA "${schema}" TO "${role}";`,
		);
		await admin.query(`create schema "${schema}"`);
		await expect(checkPostgresCredential(as, schema)).rejects.toThrow(
			`the user may not use or create tables in the schema "${schema}". Run GRANT USAGE, CREATE ON SCHEMA "${schema}" TO "${role}";`,
		);
		await admin.query(`grant usage, create on schema "${schema}" to ${role}`);
		await admin.query(`create table "${schema}".incidents (id int)`);
		await admin.query(`grant select on "${schema}".incidents to ${role}`);
		await expect(checkPostgresCredential(as, schema)).rejects.toThrow(
			`the user may not read and write incidents in the schema "${schema}". Run GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "${schema}" TO "${role}";`,
		);
		await admin.query(`grant select, insert, update, delete on all tables in schema "${schema}" to ${role}`);
		await expect(checkPostgresCredential(as, schema)).resolves.toContain(
			`as "${role}"; the schema "${schema}" is usable`,
		);
		// a read-only session (what a hot standby gives) is refused
		await admin.query(`alter role ${role} set default_transaction_read_only = on`);
		await expect(checkPostgresCredential(as, schema)).rejects.toThrow(/is read-only \(a standby\?\)/);
	});

	it('a missing database and an unreachable server say so', async () => {
		const missing = await test({ host: c.host, port: c.port, database: 'no_such_db_aiops', user: c.user });
		expect(missing.status).toBe('Error');
		expect(missing.message).toMatch(/database "no_such_db_aiops" does not exist/);
		const port = await freePort();
		const down = await test({ host: '127.0.0.1', port, database: 'x', user: 'x' });
		expect(down.message).toContain(`Postgres at 127.0.0.1:${port}/x is unreachable`);
	});
});

describe('Kubernetes credential: /version, then a SelfSubjectAccessReview of every verb the nodes use', () => {
	const RBAC_DIR = join(__dirname, '../../templates/rbac');
	const SA = { namespace: 'n8n', name: 'n8n' };
	const yaml = (file: string) => readFileSync(join(RBAC_DIR, file), 'utf8');
	const repairOnly = rbacTableFromYaml(yaml('repair-action.yaml'), SA);
	const both = rbacTableFromYaml(`${yaml('repair-action.yaml')}\n---\n${yaml('deploy-app.yaml')}`, SA);
	let fake: FakeKube;
	beforeAll(async () => (fake = await new FakeKube({ tickMs: 0 }).start()));
	afterAll(() => fake.stop());
	const data = () => ({ authentication: 'kubeconfig', kubeconfig: fake.kubeconfig() });

	it.each(['RepairAction', 'DeployApp', 'LogPatterns'])('%s: passes with the shipped ClusterRoles bound', async (node) => {
		fake.rbac = both;
		const before = fake.requests.length;
		const result = await credentialTest(node, 'kubernetesConnectionTest')(data());
		expect(result).toEqual({ status: 'OK', message: `Connected to Kubernetes v1.30.0 at ${fake.url}` });
		const reviews = fake.requests.slice(before).filter((r) => r.path.endsWith('/selfsubjectaccessreviews'));
		expect(reviews).toHaveLength(NODE_ACCESS.reduce((n, r) => n + r.verbs.length, 0));
	});

	it('names what is missing and which node needs it', async () => {
		fake.rbac = repairOnly;
		const result = await credentialTest('RepairAction', 'kubernetesConnectionTest')(data());
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(
			new RegExp(`^Connected to Kubernetes v1\\.30\\.0 at ${fake.url.replace(/\./g, '\\.')}, but Deploy App cannot get namespaces, list namespaces, .*create secrets, delete secrets, .*patch prometheusrules\\.monitoring\\.coreos\\.com, delete prometheusrules\\.monitoring\\.coreos\\.com\\. Bind the ClusterRoles in templates/rbac/`),
		);
		expect(result.message).not.toContain('Repair Action cannot');
		fake.rbac = { cluster: [], namespaced: {} };
		const none = await credentialTest('RepairAction', 'kubernetesConnectionTest')(data());
		expect(none.message).toContain('Repair Action, Log Patterns cannot get deployments.apps, list deployments.apps');
		expect(none.message).toContain('get pods/log');
	});

	it('a wrong token is refused by the server, and says so', async () => {
		fake.rbac = both;
		const result = await credentialTest('RepairAction', 'kubernetesConnectionTest')({
			authentication: 'token',
			server: fake.url,
			token: 'not-a-valid-token',
			insecure: true,
		});
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/401/);
		expect(result.message).not.toContain('not-a-valid-token');
	});

	it('NODE_ACCESS is exactly the rules of templates/rbac/', () => {
		const fromYaml = (file: string, nodes: string[]) =>
			parseAllDocuments(yaml(file))
				.map((d) => d.toJS() as { kind: string; rules?: Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }> })
				.filter((d) => d.kind === 'ClusterRole')
				.flatMap((d) => d.rules ?? [])
				.flatMap((r) => r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${nodes.join('+')}|${g}|${res}|${v}`))));
		const shipped = [
			...fromYaml('repair-action.yaml', ['Repair Action', 'Log Patterns']),
			...fromYaml('deploy-app.yaml', ['Deploy App']),
		].sort();
		const checked = NODE_ACCESS.flatMap((r) => r.verbs.map((v) => `${r.nodes.join('+')}|${r.group}|${r.resource}|${v}`)).sort();
		expect(checked).toEqual(shipped);
	});
});

describe('Alertmanager Receiver credential: no server, so whether the secret can work and resists guessing', () => {
	const test = credentialTest('AlertmanagerTrigger', 'alertmanagerReceiverAuthTest');

	it.each([
		[{ authType: 'bearer', token: '' }, 'Token is empty'],
		[{ authType: 'bearer', token: 'changeme' }, 'Token has 8 characters; use at least 16 random ones'],
		[{ authType: 'bearer', token: 'x'.repeat(32) }, 'Token repeats too few different characters'],
		[{ authType: 'bearer', token: ' 3f9c1a7be20d4e6f8a5b' }, 'Token starts or ends with white space'],
		[{ authType: 'bearer', token: '3f9c1a7b e20d4e6f8a5b' }, 'Token contains spaces, control characters or non-ASCII'],
		[{ authType: 'bearer', token: '3f9c1a7bé20d4e6f8a5b' }, 'Token contains spaces, control characters or non-ASCII'],
		[{ authType: 'basic', user: '', password: '3f9c1a7be20d4e6f8a5b' }, 'User is empty'],
		[{ authType: 'basic', user: 'alertmanager', password: 'secret' }, 'Password has 6 characters'],
	])('refuses %j', async (data, message) => {
		const result = await test(data);
		expect(result.status).toBe('Error');
		expect(result.message).toContain(message);
	});

	it.each([
		{ authType: 'bearer', token: '3f9c1a7be20d4e6f8a5b0c2d' },
		{ authType: 'basic', user: 'alertmanager', password: 'Kx9!qT2#vL8@wR4$' },
	])('accepts %j', async (data) => {
		expect((await test(data)).status).toBe('OK');
	});
});
