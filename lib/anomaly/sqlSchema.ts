// Tables and functions of the SQL anomaly store (Postgres and embedded PGlite alike). Times
// are epoch milliseconds (bigint): exact, and the same numbers the Redis store keeps.
import type { Migration } from '../store';

export const ANOMALY_COMPONENT = 'anomaly';

// Ineffective counts as failure (version 2): each successful outcome of the key followed, within
// p_window ms, by one of the occurrences this call added becomes a failure, marked with the
// first such occurrence; r_refired lists them (JSON).
const REFIRE = (s: string) => `
					new_ids := r_added;
					with hit as (
						select distinct on (r.seq) r.seq, u.id, u.at
						from "${s}".anomaly_outcomes r
						join unnest(new_ids, new_ats) as u(id, at)
							on u.at > r.recorded_ms and u.at <= r.recorded_ms + p_window
						where r.anomaly_key = k and r.success and p_window > 0
						order by r.seq, u.at, u.id
					), flipped as (
						update "${s}".anomaly_outcomes r set success = false, refired_ms = hit.at, refired_by = hit.id
						from hit where r.anomaly_key = k and r.seq = hit.seq
						returning r.action, r.outcome_id, r.recorded_ms, hit.id, hit.at
					)
					select coalesce(array_agg(json_build_object('a', f.action, 'id', f.outcome_id, 't', f.recorded_ms,
						'o', f.id, 'f', f.at)::text), '{}')
						into r_refired from flipped f;`;

// record_occurrences: version 1 as first created (kept byte for byte), version 2 with the
// re-fire rule. Records a batch: per key (in the caller's order, the same total order for every
// caller, so concurrent batches cannot deadlock) it takes the key's row lock first, so the
// counts it reads next include every batch committed before — the snapshot and the writes are
// one atomic step per key, as in the Redis script.
function recordOccurrencesFunction(s: string, refire: boolean): string {
	return `create function "${s}".record_occurrences(
				p_keys text[], p_counts int[], p_ids text[], p_ats bigint[], p_starts bigint[], p_cutoff bigint${refire ? ', p_window bigint' : ''}
			) returns table (
				r_key text, r_added text[], r_c1 int, r_c24 int, r_c7 int, r_c30 int,
				r_first bigint, r_last bigint, r_repairs int, r_restarts int,
				r_fix bigint, r_fix_description text, r_recurred boolean${refire ? ', r_refired text[]' : ''}
			) language plpgsql as $fn$
			declare
				i int;
				lo int := 1;
				k text;
				new_min bigint;
				new_max bigint;${refire ? '\n\t\t\t\tnew_ids text[];\n\t\t\t\tnew_ats bigint[];' : ''}
			begin
				-- retention for keys not seen lately, a bounded slice per call
				delete from "${s}".anomaly_occurrences o where o.ctid = any(array(
					select x.ctid from "${s}".anomaly_occurrences x where x.started_ms < p_cutoff
					limit 500 for update skip locked));
				for i in 1 .. coalesce(array_length(p_keys, 1), 0) loop
					k := p_keys[i];
					insert into "${s}".anomalies as a (anomaly_key) values (k)
						on conflict (anomaly_key) do update set anomaly_key = excluded.anomaly_key;
					delete from "${s}".anomaly_occurrences o where o.anomaly_key = k and o.started_ms < p_cutoff;
					r_key := k;
					select count(*) filter (where o.started_ms >= p_starts[1])::int,
						count(*) filter (where o.started_ms >= p_starts[2])::int,
						count(*) filter (where o.started_ms >= p_starts[3])::int,
						count(*) filter (where o.started_ms >= p_starts[4])::int
						into r_c1, r_c24, r_c7, r_c30
						from "${s}".anomaly_occurrences o where o.anomaly_key = k;
					select a.first_ms, a.last_ms, a.fix_ms, a.fix_description
						into r_first, r_last, r_fix, r_fix_description
						from "${s}".anomalies a where a.anomaly_key = k;
					select count(*)::int, count(*) filter (where r.action ~* 'restart')::int
						into r_repairs, r_restarts
						from "${s}".anomaly_outcomes r where r.anomaly_key = k;
					r_recurred := r_fix is not null and exists (
						select 1 from "${s}".anomaly_occurrences o where o.anomaly_key = k and o.started_ms > r_fix);
					with ins as (
						insert into "${s}".anomaly_occurrences (anomaly_key, occurrence_id, started_ms)
						select k, u.id, u.at
						from unnest(p_ids[lo : lo + p_counts[i] - 1], p_ats[lo : lo + p_counts[i] - 1]) as u(id, at)
						where u.at >= p_cutoff
						on conflict do nothing
						returning occurrence_id, started_ms
					)
					select coalesce(array_agg(ins.occurrence_id), '{}'), min(ins.started_ms), max(ins.started_ms)${refire ? ', array_agg(ins.started_ms)' : ''}
						into r_added, new_min, new_max${refire ? ', new_ats' : ''} from ins;${refire ? REFIRE(s) : ''}
					if new_min is not null then
						update "${s}".anomalies a set first_ms = least(a.first_ms, new_min), last_ms = greatest(a.last_ms, new_max)
							where a.anomaly_key = k;
					end if;
					lo := lo + p_counts[i];
					return next;
				end loop;
			end
			$fn$`;
}

// record_occurrences for a whole batch (version 3; version 4 adds claims): lock every key's row
// (sorted, so concurrent batches cannot deadlock), prune, then one statement that reads each key's
// snapshot and writes — a statement does not see its own writes, so the snapshot is the state
// before this batch and after every batch committed before it: one atomic step per key, as the
// Redis script is. With claims, a new occurrence is claimed until p_lease_until, and one recorded
// before whose claim ended (lease_until <= p_lease_now; null means handled) is re-claimed by this
// call alone: the key's row lock serialises the callers, and the update re-checks the lease.
function batchRecordOccurrencesFunction(s: string, claims: boolean): string {
	return `create function "${s}".record_occurrences(
				p_keys text[], p_occ_keys text[], p_ids text[], p_ats bigint[], p_starts bigint[], p_cutoff bigint, p_window bigint${claims ? ', p_lease_until bigint, p_lease_now bigint' : ''}
			) returns table (
				r_key text, r_added text[], r_c1 int, r_c24 int, r_c7 int, r_c30 int,
				r_first bigint, r_last bigint, r_repairs int, r_restarts int,
				r_fix bigint, r_fix_description text, r_recurred boolean, r_refired text[]${claims ? ', r_reclaimed text[]' : ''}
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
						insert into "${s}".anomaly_occurrences (anomaly_key, occurrence_id, started_ms${claims ? ', lease_until' : ''})
						select u.k, u.id, u.at${claims ? ', p_lease_until' : ''} from unnest(p_occ_keys, p_ids, p_ats) as u(k, id, at)
						where u.at >= p_cutoff
						on conflict do nothing
						returning anomaly_key, occurrence_id, started_ms
					), ${claims ? RECLAIM(s) : ''}added as (
						select i.anomaly_key, array_agg(i.occurrence_id) as ids, min(i.started_ms) as mn, max(i.started_ms) as mx
						from ins i group by i.anomaly_key
					), upd as (
						update "${s}".anomalies a set first_ms = least(a.first_ms, g.mn), last_ms = greatest(a.last_ms, g.mx)
						from added g where a.anomaly_key = g.anomaly_key
					), hit as (
						-- ineffective counts as failure: a successful outcome followed within p_window by
						-- an occurrence this call added becomes a failure, marked with the first one
						select distinct on (r.anomaly_key, r.seq) r.anomaly_key, r.seq, i.occurrence_id as id, i.started_ms as at
						from "${s}".anomaly_outcomes r
						join ins i on i.anomaly_key = r.anomaly_key
							and i.started_ms > r.recorded_ms and ${claims ? 'i.started_ms::numeric - r.recorded_ms' : 'i.started_ms <= r.recorded_ms + p_window'}${claims ? ' <= p_window' : ''}
						where r.success and p_window > 0 and r.anomaly_key = any(p_keys)
						order by r.anomaly_key, r.seq, i.started_ms, i.occurrence_id
					), flipped as (
						update "${s}".anomaly_outcomes r set success = false, refired_ms = hit.at, refired_by = hit.id
						from hit where r.anomaly_key = hit.anomaly_key and r.seq = hit.seq
						returning r.anomaly_key, r.action, r.outcome_id, r.recorded_ms, hit.id, hit.at
					), refired as (
						select f.anomaly_key, array_agg(json_build_object('a', f.action, 'id', f.outcome_id, 't', f.recorded_ms,
							'o', f.id, 'f', f.at)::text) as list
						from flipped f group by f.anomaly_key
					)
					select k.k, coalesce(g.ids, '{}'), c.c1, c.c24, c.c7, c.c30,
						a.first_ms, a.last_ms, r.repairs, r.restarts, a.fix_ms, a.fix_description,
						a.fix_ms is not null and exists (select 1 from "${s}".anomaly_occurrences o
							where o.anomaly_key = k.k and o.started_ms > a.fix_ms),
						coalesce(rf.list, '{}')${claims ? `, coalesce((select array_agg(rc.occurrence_id) from reclaimed rc where rc.anomaly_key = k.k), '{}')` : ''}
					from unnest(p_keys) as k(k)
					join "${s}".anomalies a on a.anomaly_key = k.k
					left join added g on g.anomaly_key = k.k
					left join refired rf on rf.anomaly_key = k.k
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
			$fn$`;
}

const RECLAIM = (s: string) => `reclaimed as (
						update "${s}".anomaly_occurrences o set lease_until = p_lease_until
						from unnest(p_occ_keys, p_ids) as u(k, id)
						where p_lease_until is not null and o.anomaly_key = u.k and o.occurrence_id = u.id
							and o.lease_until <= p_lease_now
						returning o.anomaly_key, o.occurrence_id
					), `;

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
			recordOccurrencesFunction(s, false),
			// Appends outcomes (input order), skipping outcome_ids already recorded for the key,
			// and keeps the newest p_cap per key; returns the input indexes that were recorded.
			`create function "${s}".record_outcomes(
				p_keys text[], p_ids text[], p_actions text[], p_success boolean[], p_details text[],
				p_ats bigint[], p_cap int
			) returns table (r_index int) language plpgsql as $fn$
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
	{
		version: 2,
		name: 'ineffective repairs count as failures (re-fired)',
		statements: (s) => [
			`alter table "${s}".anomaly_outcomes add column refired_ms bigint, add column refired_by text`,
			`drop function "${s}".record_occurrences(text[], int[], text[], bigint[], bigint[], bigint)`,
			recordOccurrencesFunction(s, true),
		],
	},
	// Version 3: record_occurrences in three statements whatever the number of keys (version 2
	// looped over the keys, ~10 statements each, and subscripted text[] arrays, which is O(n) per
	// access). Same results as version 2, re-fire rule included.
	{
		version: 3,
		name: 'record_occurrences for a whole batch at once',
		statements: (s) => [
			`drop function "${s}".record_occurrences(text[], int[], text[], bigint[], bigint[], bigint, bigint)`,
			batchRecordOccurrencesFunction(s, false),
		],
	},
	// Version 4 (issue 22): an occurrence is handled when the workflow says so, not when it is
	// recorded. Rows recorded before keep lease_until null: handled, as they were treated.
	{
		version: 4,
		name: 'claims: occurrences are handled when marked, re-claimed when their lease ends',
		statements: (s) => [
			`alter table "${s}".anomaly_occurrences add column if not exists lease_until bigint`,
			`drop function if exists "${s}".record_occurrences(text[], text[], text[], bigint[], bigint[], bigint, bigint)`,
			batchRecordOccurrencesFunction(s, true),
			// Ends claims (p_lease null: handled; 0: released, the next delivery re-claims). Takes
			// the keys' row locks first, in the order record_occurrences takes them.
			`create function "${s}".settle_claims(p_keys text[], p_ids text[], p_lease bigint)
			returns table (r_key text, r_id text) language plpgsql as $fn$
			begin
				perform 1 from "${s}".anomalies a where a.anomaly_key = any(p_keys) order by a.anomaly_key for update;
				return query
					update "${s}".anomaly_occurrences o set lease_until = p_lease
					from unnest(p_keys, p_ids) as u(k, id)
					where o.anomaly_key = u.k and o.occurrence_id = u.id and o.lease_until is not null
					returning o.anomaly_key, o.occurrence_id;
			end
			$fn$`,
		],
	},
];
