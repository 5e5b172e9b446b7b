// Tables and functions of the SQL repair store (Postgres and embedded PGlite alike): guard
// state, leases and the audit trail. Times are epoch milliseconds (bigint), the caller's clock.
import type { Migration } from '../store';

export const REPAIR_COMPONENT = 'repair';

export const REPAIR_MIGRATIONS: Migration[] = [
	{
		version: 1,
		name: 'repair leases, guard state, attempts, audit',
		statements: (s) => [
			`create table "${s}".repair_leases (
				target text primary key,
				holder text not null,
				expires_ms bigint not null
			)`,
			`create table "${s}".repair_targets (
				target text primary key,
				failures int not null default 0,
				breaker_until_ms bigint not null default 0
			)`,
			`create table "${s}".repair_backoff (
				target text not null,
				action text not null,
				failures int not null default 0,
				retry_after_ms bigint not null default 0,
				primary key (target, action)
			)`,
			`create table "${s}".repair_attempts (
				target text not null,
				action text not null,
				attempt_id text not null,
				at_ms bigint not null,
				primary key (target, action, attempt_id)
			)`,
			`create index repair_attempts_time on "${s}".repair_attempts (target, action, at_ms)`,
			// Who asked for what, why, what it changed and how it ended: one row per decision.
			`create table "${s}".repair_audit (
				id bigint generated always as identity primary key,
				at_ms bigint not null,
				who text not null,
				namespace text not null,
				kind text not null,
				name text not null,
				container text,
				operation text not null,
				action text,
				dry_run boolean not null,
				why text not null,
				anomaly_key text,
				incident_id text,
				before jsonb,
				after jsonb,
				result text not null,
				reason text,
				duration_ms int,
				details jsonb
			)`,
			`create index repair_audit_target on "${s}".repair_audit (namespace, name, at_ms)`,
			`create index repair_audit_key on "${s}".repair_audit (anomaly_key, at_ms)`,
			// Admission: the target's row lock serialises every admission of the target, so the
			// checks and the recorded attempt are one atomic step (as the Redis script).
			`create function "${s}".admit_repair(
				p_target text, p_action text, p_now bigint, p_cooldown bigint, p_record boolean,
				p_id text, p_retention bigint, p_windows bigint[], p_maxes int[]
			) returns table (r_code text, r_until bigint, r_n bigint, r_window int)
			language plpgsql as $fn$
			declare
				t record;
				a record;
				last_at bigint;
				n bigint;
				i int;
				oldest bigint;
			begin
				insert into "${s}".repair_targets as x (target) values (p_target)
					on conflict (target) do update set target = excluded.target
					returning x.failures, x.breaker_until_ms into t;
				if t.breaker_until_ms > p_now then
					return query select 'breaker_open'::text, t.breaker_until_ms, t.failures::bigint, 0;
					return;
				end if;
				select b.failures, b.retry_after_ms into a from "${s}".repair_backoff b
					where b.target = p_target and b.action = p_action;
				if found and a.retry_after_ms > p_now then
					return query select 'backoff'::text, a.retry_after_ms, a.failures::bigint, 0;
					return;
				end if;
				delete from "${s}".repair_attempts x
					where x.target = p_target and x.action = p_action and x.at_ms < p_now - p_retention;
				if p_cooldown > 0 then
					select max(x.at_ms) into last_at from "${s}".repair_attempts x
						where x.target = p_target and x.action = p_action;
					if last_at is not null and last_at + p_cooldown > p_now then
						return query select 'cooldown'::text, last_at + p_cooldown, last_at, 0;
						return;
					end if;
				end if;
				for i in 1 .. coalesce(array_length(p_windows, 1), 0) loop
					select count(*) into n from "${s}".repair_attempts x
						where x.target = p_target and x.action = p_action and x.at_ms > p_now - p_windows[i];
					if n >= p_maxes[i] then
						oldest := p_now;
						if p_maxes[i] > 0 then
							select x.at_ms into oldest from "${s}".repair_attempts x
								where x.target = p_target and x.action = p_action and x.at_ms > p_now - p_windows[i]
								order by x.at_ms, x.attempt_id offset n - p_maxes[i] limit 1;
							oldest := oldest + p_windows[i];
						end if;
						return query select 'window'::text, oldest, n, i - 1;
						return;
					end if;
				end loop;
				if p_record then
					insert into "${s}".repair_attempts (target, action, attempt_id, at_ms)
						values (p_target, p_action, p_id, p_now) on conflict do nothing;
				end if;
				return query select 'ok'::text, 0::bigint, 0::bigint, 0;
			end
			$fn$`,
			`create function "${s}".record_repair_result(
				p_target text, p_action text, p_success boolean, p_now bigint,
				p_base bigint, p_max bigint, p_threshold int, p_open bigint
			) returns table (r_target_failures int, r_action_failures int, r_retry bigint, r_breaker bigint)
			language plpgsql as $fn$
			declare
				tf int;
				af int;
				br bigint;
				delay bigint;
			begin
				if p_success then
					insert into "${s}".repair_targets as x (target, failures, breaker_until_ms) values (p_target, 0, 0)
						on conflict (target) do update set failures = 0, breaker_until_ms = 0;
					insert into "${s}".repair_backoff as b (target, action, failures, retry_after_ms)
						values (p_target, p_action, 0, 0)
						on conflict (target, action) do update set failures = 0, retry_after_ms = 0;
					return query select 0, 0, 0::bigint, 0::bigint;
					return;
				end if;
				insert into "${s}".repair_targets as x (target, failures) values (p_target, 1)
					on conflict (target) do update set failures = x.failures + 1
					returning x.failures, x.breaker_until_ms into tf, br;
				insert into "${s}".repair_backoff as b (target, action, failures) values (p_target, p_action, 1)
					on conflict (target, action) do update set failures = b.failures + 1
					returning b.failures into af;
				delay := least(p_max, p_base * power(2, least(af - 1, 30))::bigint);
				update "${s}".repair_backoff set retry_after_ms = p_now + delay
					where target = p_target and action = p_action;
				if tf >= p_threshold then
					br := p_now + p_open;
					update "${s}".repair_targets set breaker_until_ms = br where target = p_target;
				end if;
				return query select tf, af, p_now + delay, br;
			end
			$fn$`,
		],
	},
];
