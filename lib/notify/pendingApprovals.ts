// One pending approval per incident and action. The first execution that asks claims the key
// with its request id until the request's deadline; later executions asking for the same key
// join that request instead of sending another one. Atomic in the store, since executions race
// (and run on different workers in queue mode): a Lua script in Redis, one INSERT … ON CONFLICT
// statement in SQL. The answer is recorded on the key and holds until the deadline: occurrences
// that arrive after it learn the answer instead of asking again (the repair it allowed happens
// once). A request that reached nobody releases its key at once.
import {
	migrate,
	qualified,
	redisClient,
	redisFailure,
	schemaName,
	type RedisConnection,
	type SqlStore,
} from '../store';
import { NOTIFY_COMPONENT, NOTIFY_MIGRATIONS, repeatKeyHash } from './suppression';

export interface PendingApproval {
	/** the request that holds the key: ours when we claimed it */
	requestId: string;
	/** when that request stops waiting (ISO) */
	expiresAt: string;
	/** how many later askers joined it, this one included */
	joined: number;
	/** the answer, once there is one */
	answer?: ApprovalAnswer;
}

export interface ApprovalAnswer {
	decision: 'approved' | 'rejected';
	by: string | null;
	at: string;
}

export interface ApprovalRegistry {
	/** Claims `key` for `requestId` for `ttlMs`, or joins the request already waiting on it. */
	claim(key: string, requestId: string, ttlMs: number): Promise<PendingApproval>;
	/** Records the answer on the key, if `requestId` still holds it. */
	answer(key: string, requestId: string, answer: ApprovalAnswer): Promise<void>;
	/** Lets the key go, if `requestId` still holds it. */
	release(key: string, requestId: string): Promise<void>;
}

function parseAnswer(text: string | null | undefined): ApprovalAnswer | undefined {
	if (!text) return undefined;
	try {
		return JSON.parse(text) as ApprovalAnswer;
	} catch {
		return undefined;
	}
}

// KEYS[1] the approval key; ARGV request id, ttl ms, now ms.
const CLAIM_SCRIPT = `
local held = redis.call('hmget', KEYS[1], 'request', 'expires', 'answer')
if held[1] then
	local joined = redis.call('hincrby', KEYS[1], 'joined', 1)
	return {held[1], held[2], joined, held[3] or ''}
end
local expires = tonumber(ARGV[3]) + tonumber(ARGV[2])
redis.call('hset', KEYS[1], 'request', ARGV[1], 'expires', tostring(expires), 'joined', 0)
redis.call('pexpire', KEYS[1], ARGV[2])
return {ARGV[1], tostring(expires), 0, ''}`;

const ANSWER_SCRIPT = `if redis.call('hget', KEYS[1], 'request') == ARGV[1] then return redis.call('hset', KEYS[1], 'answer', ARGV[2]) else return 0 end`;

const RELEASE_SCRIPT = `if redis.call('hget', KEYS[1], 'request') == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export class RedisApprovalRegistry implements ApprovalRegistry {
	constructor(
		private readonly connection: RedisConnection,
		private readonly prefix = 'aiops:',
		private readonly now: () => number = Date.now,
	) {}

	private redisKey(key: string): string {
		return `${this.prefix}notify:approval:${repeatKeyHash(key)}`;
	}

	async claim(key: string, requestId: string, ttlMs: number): Promise<PendingApproval> {
		const client = await redisClient(this.connection);
		try {
			const [request, expires, joined, answer] = (await client.eval(
				CLAIM_SCRIPT,
				1,
				this.redisKey(key),
				requestId,
				String(Math.max(1, Math.round(ttlMs))),
				String(this.now()),
			)) as [string, string, number, string];
			return {
				requestId: request,
				expiresAt: new Date(Number(expires)).toISOString(),
				joined: Number(joined),
				answer: parseAnswer(answer),
			};
		} catch (error) {
			throw redisFailure(client, this.connection, error);
		}
	}

	async answer(key: string, requestId: string, answer: ApprovalAnswer): Promise<void> {
		const client = await redisClient(this.connection);
		try {
			await client.eval(ANSWER_SCRIPT, 1, this.redisKey(key), requestId, JSON.stringify(answer));
		} catch (error) {
			throw redisFailure(client, this.connection, error);
		}
	}

	async release(key: string, requestId: string): Promise<void> {
		const client = await redisClient(this.connection);
		try {
			await client.eval(RELEASE_SCRIPT, 1, this.redisKey(key), requestId);
		} catch (error) {
			throw redisFailure(client, this.connection, error);
		}
	}
}

export const PENDING_APPROVALS_TABLE = 'notify_pending_approvals';

export class SqlApprovalRegistry implements ApprovalRegistry {
	private readonly schema: string;

	constructor(
		private readonly sql: SqlStore,
		schema = 'aiops',
	) {
		this.schema = schemaName(schema);
	}

	async claim(key: string, requestId: string, ttlMs: number): Promise<PendingApproval> {
		await migrate(this.sql, this.schema, NOTIFY_COMPONENT, NOTIFY_MIGRATIONS);
		const table = qualified(this.schema, PENDING_APPROVALS_TABLE);
		// One statement: a new key inserts; a waiting one counts the joiner and keeps its
		// request; one past its deadline is taken over. SET reads the row as it was.
		const rows = await this.sql.query<{
			request_id: string;
			expires_at: Date | string;
			joined: number;
			answer: string | null;
		}>(
			`insert into ${table} as p (key, request_id, expires_at, joined)
			values ($1, $2, now() + $3::bigint * interval '1 millisecond', 0)
			on conflict (key) do update set
				request_id = case when p.expires_at <= now() then excluded.request_id else p.request_id end,
				joined = case when p.expires_at <= now() then 0 else p.joined + 1 end,
				answer = case when p.expires_at <= now() then null else p.answer end,
				expires_at = case when p.expires_at <= now() then excluded.expires_at else p.expires_at end
			returning request_id, expires_at, joined, answer`,
			[repeatKeyHash(key), requestId, Math.max(1, Math.round(ttlMs))],
		);
		const row = rows[0];
		return {
			requestId: row.request_id,
			expiresAt: new Date(row.expires_at).toISOString(),
			joined: Number(row.joined),
			answer: parseAnswer(row.answer),
		};
	}

	async answer(key: string, requestId: string, answer: ApprovalAnswer): Promise<void> {
		await migrate(this.sql, this.schema, NOTIFY_COMPONENT, NOTIFY_MIGRATIONS);
		await this.sql.query(
			`update ${qualified(this.schema, PENDING_APPROVALS_TABLE)} set answer = $3 where key = $1 and request_id = $2`,
			[repeatKeyHash(key), requestId, JSON.stringify(answer)],
		);
	}

	async release(key: string, requestId: string): Promise<void> {
		await migrate(this.sql, this.schema, NOTIFY_COMPONENT, NOTIFY_MIGRATIONS);
		await this.sql.query(
			`delete from ${qualified(this.schema, PENDING_APPROVALS_TABLE)} where key = $1 and request_id = $2`,
			[repeatKeyHash(key), requestId],
		);
	}
}
