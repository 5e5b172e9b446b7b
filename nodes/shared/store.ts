// How a node of this package chooses and reaches its store: the Store parameter, the Redis and
// Postgres credentials mapped onto lib/store connections, and the credential tests. The
// connections themselves (and every command or statement) live in lib/.
import type {
	ICredentialDataDecryptedObject,
	ICredentialTestFunctions,
	ICredentialsDecrypted,
	IExecuteFunctions,
	INodeCredentialDescription,
	INodeCredentialTestResult,
	INodeProperties,
} from 'n8n-workflow';

import {
	checkPostgresCredential,
	checkRedisCredential,
	DEFAULT_KEY_PREFIX,
	DEFAULT_SCHEMA,
	embeddedStore,
	postgresStore,
	type PostgresConnection,
	type RedisConnection,
	type SqlStore,
} from '../../lib/store';

export { DEFAULT_KEY_PREFIX };

export type StoreChoice = 'embedded' | 'postgres' | 'redis';

export const REDIS_CREDENTIAL = 'aiopsRedisApi';
export const POSTGRES_CREDENTIAL = 'aiopsPostgresApi';

export function redisConnectionFrom(data: ICredentialDataDecryptedObject): RedisConnection {
	return {
		host: String(data.host || 'localhost'),
		port: Number(data.port || 6379),
		user: data.user ? String(data.user) : undefined,
		password: data.password ? String(data.password) : undefined,
		database: Number(data.database || 0),
		tls: data.ssl === true,
		tlsInsecure: data.disableTlsVerification === true,
	};
}

export function postgresConnectionFrom(data: ICredentialDataDecryptedObject): PostgresConnection {
	const ssl = String(data.ssl || 'disable');
	return {
		host: String(data.host || 'localhost'),
		port: Number(data.port || 5432),
		database: String(data.database || 'postgres'),
		user: String(data.user || 'postgres'),
		password: data.password ? String(data.password) : undefined,
		ssl: ssl === 'allow' || ssl === 'require' ? ssl : 'disable',
		allowUnauthorizedCerts: data.ignoreSslIssues === true,
		maxConnections: data.maxConnections ? Number(data.maxConnections) : undefined,
	};
}

/** Option: where the embedded database lives (shown for the embedded store). */
export const embeddedFolderOption: INodeProperties = {
	displayName: 'Embedded Store Folder',
	name: 'embeddedFolder',
	type: 'string',
	default: '',
	placeholder: '/home/node/.n8n/aiops-embedded',
	description:
		'Folder of the embedded database; empty means .n8n/aiops-embedded in the n8n user folder',
	displayOptions: { show: { '/store': ['embedded'] } },
};

export { DEFAULT_SCHEMA };

/** Option: the prefix of every Redis key (shown for Redis). */
export const keyPrefixOption: INodeProperties = {
	displayName: 'Key Prefix',
	name: 'keyPrefix',
	type: 'string',
	default: DEFAULT_KEY_PREFIX,
	description: `Prefix of every Redis key; empty means ${DEFAULT_KEY_PREFIX}`,
	displayOptions: { show: { '/store': ['redis'] } },
};

/** Option: the SQL schema (shown for Postgres and embedded). */
export const schemaOption: INodeProperties = {
	displayName: 'Schema',
	name: 'schema',
	type: 'string',
	default: DEFAULT_SCHEMA,
	description: 'Postgres schema of the tables; created and migrated by the node',
	displayOptions: { show: { '/store': ['postgres', 'embedded'] } },
};

/** The Store parameter; `choices` lists the stores the node supports, embedded first. */
export function storeParameter(choices: StoreChoice[]): INodeProperties {
	const all: Record<StoreChoice, { name: string; value: StoreChoice; description: string }> = {
		embedded: {
			name: 'Embedded (No Server)',
			value: 'embedded',
			description:
				'PGlite in the n8n user folder: nothing to install, one n8n process only (not in queue mode)',
		},
		postgres: {
			name: 'Postgres',
			value: 'postgres',
			description: 'A Postgres database (AIOps Postgres credential)',
		},
		redis: {
			name: 'Redis',
			value: 'redis',
			description: 'A Redis server (AIOps Redis credential)',
		},
	};
	return {
		displayName: 'Store',
		name: 'store',
		type: 'options',
		noDataExpression: true,
		options: choices.map((c) => all[c]),
		default: 'embedded',
		description:
			'Where the state is kept; Redis or Postgres are required when n8n runs in queue mode',
	};
}

/**
 * A node's credentials: its own (`others`), then the store's — Redis when the Store is Redis,
 * Postgres when it is Postgres, and with Redis too for a node that keeps tables beside its keys.
 */
export function storeCredentials(
	others: INodeCredentialDescription[] = [],
	options: { postgresWithRedis?: boolean } = {},
): INodeCredentialDescription[] {
	return [
		...others,
		{
			name: REDIS_CREDENTIAL,
			required: true,
			testedBy: 'aiopsRedisConnectionTest',
			displayOptions: { show: { store: ['redis'] } },
		},
		{
			name: POSTGRES_CREDENTIAL,
			required: true,
			testedBy: 'aiopsPostgresConnectionTest',
			displayOptions: {
				show: { store: options.postgresWithRedis ? ['postgres', 'redis'] : ['postgres'] },
			},
		},
	];
}

async function testResult(test: () => Promise<string>): Promise<INodeCredentialTestResult> {
	try {
		return { status: 'OK', message: await test() };
	} catch (error) {
		return { status: 'Error', message: (error as Error).message };
	}
}

/** `methods.credentialTest` of every node that uses a store credential. */
export const storeCredentialTests = {
	async aiopsRedisConnectionTest(
		this: ICredentialTestFunctions,
		credential: ICredentialsDecrypted,
	): Promise<INodeCredentialTestResult> {
		return testResult(() => checkRedisCredential(redisConnectionFrom(credential.data ?? {})));
	},
	async aiopsPostgresConnectionTest(
		this: ICredentialTestFunctions,
		credential: ICredentialsDecrypted,
	): Promise<INodeCredentialTestResult> {
		return testResult(() => checkPostgresCredential(postgresConnectionFrom(credential.data ?? {})));
	},
};

export async function redisConnection(this: IExecuteFunctions): Promise<RedisConnection> {
	return redisConnectionFrom(await this.getCredentials(REDIS_CREDENTIAL));
}

/** The SQL store (Postgres or embedded) the node's parameters select. */
export async function sqlStore(
	this: IExecuteFunctions,
	choice: StoreChoice,
	embeddedFolderOverride?: string,
): Promise<SqlStore> {
	if (choice === 'postgres') {
		return postgresStore(postgresConnectionFrom(await this.getCredentials(POSTGRES_CREDENTIAL)));
	}
	return embeddedStore({ folder: embeddedFolderOverride || undefined });
}

/** Where a node keeps its state, as its Store parameter and store options say. */
export interface StoreSettings {
	choice: StoreChoice;
	keyPrefix: string;
	schema: string;
	embeddedFolder?: string;
}

/**
 * The store settings of the execution (item 0: one store per execution), from the Store
 * parameter and the options collection `optionsParameter`. One rule for every node: an empty
 * key prefix or schema means the default.
 */
export function storeSettings(
	this: IExecuteFunctions,
	optionsParameter = 'options',
): StoreSettings {
	const o = this.getNodeParameter(optionsParameter, 0, {}) as {
		keyPrefix?: string;
		schema?: string;
		embeddedFolder?: string;
	};
	return {
		choice: this.getNodeParameter('store', 0, 'embedded') as StoreChoice,
		keyPrefix: o.keyPrefix || DEFAULT_KEY_PREFIX,
		schema: o.schema || DEFAULT_SCHEMA,
		embeddedFolder: o.embeddedFolder || undefined,
	};
}

/** How a node builds its store over either kind of connection. */
export interface StoreMaker<T> {
	redis(connection: RedisConnection, keyPrefix: string): T;
	sql(store: SqlStore, schema: string): T;
}

/** The node's store: Redis, Postgres or embedded, as the settings choose. */
export async function openStore<T>(
	ctx: IExecuteFunctions,
	settings: StoreSettings,
	make: StoreMaker<T>,
): Promise<T> {
	if (settings.choice === 'redis') {
		return make.redis(await redisConnection.call(ctx), settings.keyPrefix);
	}
	return make.sql(
		await sqlStore.call(ctx, settings.choice, settings.embeddedFolder),
		settings.schema,
	);
}
