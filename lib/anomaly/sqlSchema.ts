// Tables and functions of the SQL anomaly store (Postgres and embedded PGlite alike). Times
// are epoch milliseconds (bigint): exact, and the same numbers the Redis store keeps.
import type { Migration } from '../store';

export const ANOMALY_COMPONENT = 'anomaly';

export const ANOMALY_MIGRATIONS: Migration[] = [
	{
		version: 1,
		name: 'anomalies, occurrences, repair outcomes',
		statements: (s) => [
			`create table "${s}".anomalies (
				anomaly_key text primary key,
				first_ms bigint,
				last_ms bigint,
				fix_ms bigint,
				fix_description text
			)`,
			// One row per occurrence: the primary key is what makes a re-delivery change nothing.
			`create table "${s}".anomaly_occurrences (
				anomaly_key text not null,
				occurrence_id text not null,
				started_ms bigint not null,
				primary key (anomaly_key, occurrence_id)
			)`,
			`create index anomaly_occurrences_key_time on "${s}".anomaly_occurrences (anomaly_key, started_ms)`,
			`create index anomaly_occurrences_time on "${s}".anomaly_occurrences (started_ms)`,
			`create table "${s}".anomaly_outcomes (
				anomaly_key text not null,
				seq bigint generated always as identity,
				outcome_id text,
				action text not null,
				success boolean not null,
				details jsonb,
				recorded_ms bigint not null,
				primary key (anomaly_key, seq)
			)`,
			`create unique index anomaly_outcomes_id on "${s}".anomaly_outcomes (anomaly_key, outcome_id) where outcome_id is not null`,
			// Records a batch in three statements whatever the number of keys: lock every key's row
			// (sorted, so concurrent batches cannot deadlock), prune, then one statement that reads
			// each key's snapshot and inserts — a statement does not see its own writes, so the
			// snapshot is the state before this batch and after every batch committed before it:
			// one atomic step per key, as the Redis script is.
			`create function "${s}".record_occurrences(
				p_keys text[], p_occ_keys text[], p_ids text[], p_ats bigint[], p_starts bigint[], p_cutoff bigint
			) returns table (
				r_key text, r_added text[], r_c1 int, r_c24 int, r_c7 int, r_c30 int,
				r_first bigint, r_last bigint, r_repairs int, r_restarts int,
				r_fix bigint, r_fix_description text, r_recurred boolean
			) language plpgsql
			-- custom plans: generic ones guess 10 rows per unnest and pick quadratic nested loops
			set plan_cache_mode = force_custom_plan as $fn$
			begin
				-- retention for keys not seen lately, a bounded slice per call
				delete from "${s}".anomaly_occurrences o where o.ctid = any(array(
					select x.ctid from "${s}".anomaly_occurrences x where x.started_ms < p_cutoff
					limit 500 for update skip locked));
				insert into "${s}".anomalies as a (anomaly_key)
					select k from unnest(p_keys) as k order by k
					on conflict (anomaly_key) do update set anomaly_key = excluded.anomaly_key;
				delete from "${s}".anomaly_occurrences o
					where o.anomaly_key = any(p_keys) and o.started_ms < p_cutoff;
				return query
					with ins as (
						insert into "${s}".anomaly_occurrences (anomaly_key, occurrence_id, started_ms)
						select u.k, u.id, u.at from unnest(p_occ_keys, p_ids, p_ats) as u(k, id, at)
						where u.at >= p_cutoff
						on conflict do nothing
						returning anomaly_key, occurrence_id, started_ms
					), added as (
						select i.anomaly_key, array_agg(i.occurrence_id) as ids, min(i.started_ms) as mn, max(i.started_ms) as mx
						from ins i group by i.anomaly_key
					), upd as (
						update "${s}".anomalies a set first_ms = least(a.first_ms, g.mn), last_ms = greatest(a.last_ms, g.mx)
						from added g where a.anomaly_key = g.anomaly_key
					)
					select k.k, coalesce(g.ids, '{}'), c.c1, c.c24, c.c7, c.c30,
						a.first_ms, a.last_ms, r.repairs, r.restarts, a.fix_ms, a.fix_description,
						a.fix_ms is not null and exists (select 1 from "${s}".anomaly_occurrences o
							where o.anomaly_key = k.k and o.started_ms > a.fix_ms)
					from unnest(p_keys) as k(k)
					join "${s}".anomalies a on a.anomaly_key = k.k
					left join added g on g.anomaly_key = k.k
					cross join lateral (
						select count(*) filter (where o.started_ms >= p_starts[1])::int as c1,
							count(*) filter (where o.started_ms >= p_starts[2])::int as c24,
							count(*) filter (where o.started_ms >= p_starts[3])::int as c7,
							count(*) filter (where o.started_ms >= p_starts[4])::int as c30
						from "${s}".anomaly_occurrences o where o.anomaly_key = k.k) c
					cross join lateral (
						select count(*)::int as repairs, count(*) filter (where x.action ~* 'restart')::int as restarts
						from "${s}".anomaly_outcomes x where x.anomaly_key = k.k) r;
			end
			$fn$`,
			// Appends outcomes (input order), skipping outcome_ids already recorded for the key,
			// and keeps the newest p_cap per key; returns the input indexes that were recorded.
			`create function "${s}".record_outcomes(
				p_keys text[], p_ids text[], p_actions text[], p_success boolean[], p_details text[],
				p_ats bigint[], p_cap int
			) returns table (r_index int) language plpgsql
			-- custom plans: generic ones guess 10 rows per unnest and pick quadratic nested loops
			set plan_cache_mode = force_custom_plan as $fn$
			declare
				k text;
				i int;
			begin
				for k in select distinct u.k from unnest(p_keys) as u(k) order by 1 loop
					insert into "${s}".anomalies as a (anomaly_key) values (k)
						on conflict (anomaly_key) do update set anomaly_key = excluded.anomaly_key;
					for i in 1 .. array_length(p_keys, 1) loop
						continue when p_keys[i] <> k;
						insert into "${s}".anomaly_outcomes (anomaly_key, outcome_id, action, success, details, recorded_ms)
							values (k, p_ids[i], p_actions[i], p_success[i], p_details[i]::jsonb, p_ats[i])
							on conflict (anomaly_key, outcome_id) where outcome_id is not null do nothing;
						if found then
							r_index := i;
							return next;
						end if;
					end loop;
					delete from "${s}".anomaly_outcomes r where r.anomaly_key = k and r.seq < (
						select min(x.seq) from (select y.seq from "${s}".anomaly_outcomes y
							where y.anomaly_key = k order by y.seq desc limit p_cap) x);
				end loop;
			end
			$fn$`,
		],
	},
];
