// Tables and functions of the incident store (Postgres and the embedded PGlite alike).
// Exactly one open incident per anomaly_key is a unique partial index; "a resolved incident
// never reopens" is a trigger; every writer takes the key's row lock (incident_keys) first, in
// one total order, so concurrent executions serialise per key and cannot deadlock.
import type { Migration } from '../store';

export const INCIDENTS_COMPONENT = 'incidents';

const ESCALATION_RANKS = `array['REPEAT','ESCALATE','PERMANENT_FIX']`;
const SEVERITY_RANKS = `array['none','info','low','warning','medium','error','high','critical']`;

// Open or Join for a batch (version 2; version 3 adds the replay of re-claimed occurrences), in
// a fixed number of statements whatever the number of keys: lock every key of the batch (sorted:
// concurrent batches cannot deadlock), then per key join the open incident if it saw an alert
// within the window (or one of its alerts is re-delivered right now), else resolve it as quiet and
// open a new one. Occurrences already assigned to an incident are duplicates. One row per input
// item; the incident itself only on the first row of each incident. (Items are read with unnest …
// with ordinality and joined: subscripting a text[] is O(n).) With replay, each new occurrence
// keeps what its first join reported (new incident, escalation rose), and a duplicate's row
// carries it: a re-claimed occurrence whose first execution died goes on as it would have.
function batchOpenOrJoinFunction(s: string, replay: boolean): string {
	// version 3 also rewrites stored times JavaScript cannot read (infinity, BC, past 9999)
	const time = (column: string) => (replay ? `"${s}".readable_time(${column})` : column);
	return `create function "${s}".open_or_join(
				p_keys text[], p_ids text[], p_fps text[], p_starts bigint[],
				p_severities text[], p_titles text[], p_signatures text[], p_frequencies text[],
				p_levels text[], p_tiers int[], p_now bigint, p_window_ms bigint
			) returns table (
				r_ord int, r_incident_id uuid, r_incident jsonb, r_is_new boolean, r_aggregated boolean,
				r_duplicate boolean, r_escalation_changed boolean, r_superseded uuid${replay ? ', r_joined_new boolean, r_joined_escalated boolean' : ''}
			) language plpgsql
			-- custom plans: generic ones guess 10 rows per unnest and pick quadratic nested loops
			set plan_cache_mode = force_custom_plan as $fn$
			declare
				now_ts timestamptz := to_timestamp(p_now / 1000.0);
				prior uuid[];
				new_ords int[];
				k_keys text[];
				k_cur uuid[];
				k_action text[];
				k_first int[];
				k_base int[];
				k_target uuid[];
				ranks constant text[] := ${ESCALATION_RANKS};
				sev_ranks constant text[] := ${SEVERITY_RANKS};
			begin
				insert into "${s}".incident_keys as t (anomaly_key)
					select distinct k from unnest(p_keys) as k order by k
					on conflict (anomaly_key) do update set anomaly_key = excluded.anomaly_key;
				perform 1 from "${s}".incidents c
					where c.anomaly_key = any(p_keys) and c.status <> 'resolved' order by c.anomaly_key for update;
				-- the incident each item's occurrence already belongs to (null: new), and the first
				-- appearance of each new occurrence
				with p as materialized (
					select u.k, u.id, u.o::int as o, io.incident_id as inc
					from unnest(p_keys, p_ids) with ordinality as u(k, id, o)
					left join "${s}".incident_occurrences io on io.anomaly_key = u.k and io.occurrence_id = u.id
				)
				select (select array_agg(p.inc order by p.o) from p),
					(select coalesce(array_agg(q.m order by q.m), '{}') from
						(select min(p.o) as m from p where p.inc is null group by p.k, p.id) q)
					into prior, new_ords;
				with u as (
					select u.k, u.inc, u.o::int as o from unnest(p_keys, prior) with ordinality as u(k, inc, o)
				), fn as (
					select u.k, min(u.o) as first_new from u join unnest(new_ords) as n(o) on n.o = u.o group by u.k
				)
				select array_agg(x.k order by x.k), array_agg(x.cur order by x.k), array_agg(x.action order by x.k),
					array_agg(x.first_new order by x.k), array_agg(x.base order by x.k)
					into k_keys, k_cur, k_action, k_first, k_base
				from (
					select k.k, c.id as cur, fn.first_new, coalesce(array_position(ranks, c.escalation_level), 0) as base,
						case
							when fn.first_new is null then case when k.seen then 'refresh' else 'none' end
							when c.id is not null and (c.last_seen_at >= now_ts - p_window_ms * interval '1 millisecond'
								or k.seen) then 'join'
							else 'create'
						end as action
					from (
						-- seen: an item re-delivers an occurrence of the key's open incident
						select u.k, bool_or(u.inc is not null and u.inc = c2.id) as seen
						from u left join "${s}".incidents c2 on c2.anomaly_key = u.k and c2.status <> 'resolved'
						group by u.k
					) k
					left join "${s}".incidents c on c.anomaly_key = k.k and c.status <> 'resolved'
					left join fn on fn.k = k.k
				) x;
				update "${s}".incidents c set status = 'resolved', resolved_at = now_ts, updated_at = now_ts,
					resolution_reason = format('quiet: no alert for more than %s minutes; a new incident was opened', p_window_ms / 60000)
					from unnest(k_cur, k_action) as x(id, action)
					where x.action = 'create' and c.id = x.id;
				with u as (
					select u.*, u.o::int as i
					from unnest(p_titles, p_severities, p_signatures, p_starts) with ordinality as u(title, sev, sig, st, o)
				), created as (
					insert into "${s}".incidents (anomaly_key, status, title, severity, signature, first_alert_at,
						last_alert_at, last_seen_at, created_at, updated_at)
					select x.k, 'open', u.title, u.sev, u.sig::jsonb, to_timestamp(u.st / 1000.0), to_timestamp(u.st / 1000.0),
						now_ts, now_ts, now_ts
					from unnest(k_keys, k_action, k_first) as x(k, action, first_new)
					join u on u.i = x.first_new
					where x.action = 'create'
					returning id, anomaly_key
				)
				select array_agg(coalesce(cr.id, x.cur) order by x.k) into k_target
					from unnest(k_keys, k_cur) as x(k, cur) left join created cr on cr.anomaly_key = x.k;
				with fresh as (
					select u.*, t.target
					from unnest(p_keys, p_ids, p_fps, p_starts, p_severities, p_levels, p_tiers, p_frequencies)
						with ordinality as u(k, id, fp, st, sev, lvl, tier, freq, o)
					join unnest(new_ords) as n(o) on n.o = u.o
					join unnest(k_keys, k_target) as t(k, target) on t.k = u.k
				), occ as (
					insert into "${s}".incident_occurrences (anomaly_key, occurrence_id, incident_id)
					select f.k, f.id, f.target from fresh f
				), alerts as (
					insert into "${s}".incident_alerts as a (incident_id, fingerprint, status, first_at, last_at)
					select f.target, f.fp, 'firing', to_timestamp(min(f.st) / 1000.0), to_timestamp(max(f.st) / 1000.0)
					from fresh f group by f.target, f.fp
					on conflict (incident_id, fingerprint) do update set status = 'firing', resolved_at = null,
						last_at = greatest(a.last_at, excluded.last_at)
				)
				update "${s}".incidents c set
					aggregated_count = c.aggregated_count + g.n,
					first_alert_at = least(${time('c.first_alert_at')}, g.first_at),
					last_alert_at = greatest(${time('c.last_alert_at')}, g.last_at),
					last_seen_at = greatest(${time('c.last_seen_at')}, now_ts),
					updated_at = now_ts,
					severity = case when coalesce(array_position(sev_ranks, lower(g.sev)), 0)
						> coalesce(array_position(sev_ranks, lower(c.severity)), 0) then g.sev else c.severity end,
					escalation_level = case when g.rank > coalesce(array_position(ranks, c.escalation_level), 0)
						then ranks[g.rank] else c.escalation_level end,
					recommended_tier = greatest(c.recommended_tier, g.tier),
					frequency = coalesce(g.freq, c.frequency)
				from (
					select f.target, count(*)::int as n,
						to_timestamp(min(f.st) / 1000.0) as first_at,
						to_timestamp(max(f.st) / 1000.0) as last_at,
						(array_agg(f.sev order by coalesce(array_position(sev_ranks, lower(f.sev)), 0) desc))[1] as sev,
						max(coalesce(array_position(ranks, f.lvl), 0)) as rank,
						max(f.tier) as tier,
						(array_agg(f.freq order by f.o desc) filter (where f.freq is not null))[1]::jsonb as freq
					from fresh f group by f.target
				) g
				where c.id = g.target;
				-- only re-deliveries for a key: its incident's alerts are still being sent
				update "${s}".incidents c set last_seen_at = greatest(${time('c.last_seen_at')}, now_ts), updated_at = now_ts,
					frequency = coalesce(r.freq, c.frequency)
				from (
					select x.cur, (array_agg(u.freq order by u.o desc) filter (where u.freq is not null))[1]::jsonb as freq
					from unnest(k_keys, k_cur, k_action) as x(k, cur, action)
					join unnest(p_keys, p_frequencies) with ordinality as u(k, freq, o) on u.k = x.k
					where x.action = 'refresh'
					group by x.cur
				) r
				where c.id = r.cur;
				return query
					with t as (
						select * from unnest(k_keys, k_target, k_cur, k_action, k_first, k_base)
							as t(k, target, cur, action, first_new, base)
					), it as materialized (
						select u.o::int as o, u.k,${replay ? ' u.id,' : ''} u.lvl, coalesce(u.inc, t.target) as inc, n.o is not null as fresh,
							t.action = 'create' and u.o = t.first_new as created,
							case when t.action = 'create' then t.cur end as superseded,
							case when t.action = 'create' then 0 else t.base end as base
						from unnest(p_keys, prior, p_levels${replay ? ', p_ids' : ''}) with ordinality as u(k, inc, lvl${replay ? ', id' : ''}, o)
						join t on t.k = u.k
						left join unnest(new_ords) as n(o) on n.o = u.o
					), w as (
						select it.*, coalesce(array_position(ranks, it.lvl), 0) as rk,
							max(case when it.fresh then coalesce(array_position(ranks, it.lvl), 0) end)
								over (partition by it.k order by it.o rows between unbounded preceding and 1 preceding) as prev,
							row_number() over (partition by it.inc order by it.o) as nth
						from it
					), js as materialized (
						-- each incident once, with its alert counts
						select c.id, to_jsonb(c) || jsonb_build_object('alerts_total', coalesce(a.total, 0),
							'alerts_firing', coalesce(a.firing, 0)) as j
						from "${s}".incidents c
						left join (
							select x.incident_id, count(*) as total, count(*) filter (where x.status = 'firing') as firing
							from "${s}".incident_alerts x where x.incident_id in (select distinct it.inc from it)
							group by x.incident_id
						) a on a.incident_id = c.id
						where c.id in (select distinct it.inc from it)
					)${
						replay
							? REPLAY_RESULT(s)
							: `
					select w.o, w.inc, case when w.nth = 1 then js.j end,
						coalesce(w.created, false),
						w.fresh and not coalesce(w.created, false),
						not w.fresh,
						coalesce(w.fresh and not w.created and w.rk > greatest(w.base, coalesce(w.prev, 0)), false),
						w.superseded
					from w join js on js.id = w.inc;`
					}
			end
			$fn$`;
}

const REPLAY_RESULT = (s: string) => `, res as (
						select w.o, w.k, w.id, w.fresh, w.inc, case when w.nth = 1 then js.j end as j,
							coalesce(w.created, false) as created, w.superseded,
							coalesce(w.fresh and not w.created and w.rk > greatest(w.base, coalesce(w.prev, 0)), false) as esc
						from w join js on js.id = w.inc
					), marks as (
						update "${s}".incident_occurrences io set joined_new = r.created, joined_escalated = r.esc
						from res r where r.fresh and io.anomaly_key = r.k and io.occurrence_id = r.id
					)
					select r.o, r.inc, r.j, r.created, r.fresh and not r.created, not r.fresh, r.esc, r.superseded,
						io.joined_new, io.joined_escalated
					from res r
					left join "${s}".incident_occurrences io on not r.fresh and io.anomaly_key = r.k and io.occurrence_id = r.id;`;

// Repair results on incidents, in input order: totals, restarts, the last 20 attempts (an
// outcome_id among them is not recorded twice), and the tier rule "≥ 2 restarts". Version 3
// reads repair_stats through readable_repair_stats: a hand-written or damaged value counts as
// empty instead of failing every repair result of the batch.
function recordRepairResultsFunction(s: string, readable: boolean): string {
	return `${readable ? 'create or replace' : 'create'} function "${s}".record_repair_results(
				p_ids uuid[], p_actions text[], p_success boolean[], p_outcome_ids text[], p_details text[],
				p_at text, p_now bigint
			) returns table (r_ord int, r_found boolean, r_recorded boolean, r_incident jsonb)
			language plpgsql as $fn$
			declare
				g int;
				cur "${s}".incidents;
				rs jsonb;
				entry jsonb;
				restarts int;
				now_ts timestamptz := to_timestamp(p_now / 1000.0);
			begin
				for g in 1 .. coalesce(array_length(p_ids, 1), 0) loop
					cur := null;
					select * into cur from "${s}".incidents c where c.id = p_ids[g] for update;
					if cur.id is null then
						return query select g, false, false, null::jsonb;
						continue;
					end if;
					rs := ${readable ? `"${s}".readable_repair_stats(cur.repair_stats)` : 'cur.repair_stats'};
					if p_outcome_ids[g] is not null and (rs -> 'attempts') @> jsonb_build_array(jsonb_build_object('outcome_id', p_outcome_ids[g])) then
						return query select g, true, false, "${s}".incident_json(cur);
						continue;
					end if;
					entry := jsonb_build_object('action', p_actions[g], 'success', p_success[g], 'at', p_at,
						'outcome_id', p_outcome_ids[g], 'details', p_details[g]::jsonb);
					restarts := (rs ->> 'restarts')::int + case when p_actions[g] ~* 'restart' then 1 else 0 end;
					update "${s}".incidents c set
						repair_stats = jsonb_build_object(
							'total', (rs ->> 'total')::int + 1,
							'successes', (rs ->> 'successes')::int + case when p_success[g] then 1 else 0 end,
							'restarts', restarts,
							'last_action', p_actions[g],
							'last_success', p_success[g],
							'last_at', p_at,
							'attempts', (select jsonb_agg(e order by n) from jsonb_array_elements(jsonb_build_array(entry) || (rs -> 'attempts'))
								with ordinality as t(e, n) where n <= 20)),
						recommended_tier = greatest(c.recommended_tier, case when restarts >= 2 then 2 else 1 end),
						updated_at = now_ts
						where c.id = cur.id
						returning * into cur;
					return query select g, true, true, "${s}".incident_json(cur);
				end loop;
			end
			$fn$`;
}

export const INCIDENT_MIGRATIONS: Migration[] = [
	{
		version: 1,
		name: 'incidents, their occurrences and alerts',
		statements: (s) => [
			`create table "${s}".incident_keys (anomaly_key text primary key)`,
			`create table "${s}".incidents (
				id uuid primary key default gen_random_uuid(),
				anomaly_key text not null,
				status text not null default 'open' check (status in ('open', 'acknowledged', 'resolved')),
				title text not null,
				severity text,
				signature jsonb,
				first_alert_at timestamptz not null,
				last_alert_at timestamptz not null,
				last_seen_at timestamptz not null,
				aggregated_count integer not null default 0,
				escalation_level text,
				recommended_tier integer not null default 1,
				frequency jsonb,
				repair_stats jsonb not null default '{"total":0,"successes":0,"restarts":0,"last_action":null,"last_success":null,"last_at":null,"attempts":[]}',
				created_at timestamptz not null,
				updated_at timestamptz not null,
				acknowledged_at timestamptz,
				acknowledged_by text,
				resolved_at timestamptz,
				resolution_reason text
			)`,
			`create unique index incidents_one_open_per_key on "${s}".incidents (anomaly_key) where status <> 'resolved'`,
			`create index incidents_key_seen on "${s}".incidents (anomaly_key, last_seen_at desc)`,
			`create index incidents_seen on "${s}".incidents (last_seen_at desc)`,
			// Each occurrence belongs to exactly one incident, ever: a re-delivery changes nothing.
			`create table "${s}".incident_occurrences (
				anomaly_key text not null,
				occurrence_id text not null,
				incident_id uuid not null references "${s}".incidents (id) on delete cascade,
				primary key (anomaly_key, occurrence_id)
			)`,
			// The alert instances (by fingerprint) of an incident: it resolves when all are resolved.
			`create table "${s}".incident_alerts (
				incident_id uuid not null references "${s}".incidents (id) on delete cascade,
				fingerprint text not null,
				status text not null check (status in ('firing', 'resolved')),
				first_at timestamptz not null,
				last_at timestamptz not null,
				resolved_at timestamptz,
				primary key (incident_id, fingerprint)
			)`,
			`create function "${s}".incidents_never_reopen() returns trigger language plpgsql as $fn$
			begin
				if old.status = 'resolved' and new.status <> 'resolved' then
					raise exception 'incident % is resolved and never reopens', old.id;
				end if;
				return new;
			end
			$fn$`,
			`create trigger incidents_never_reopen before update on "${s}".incidents
				for each row execute function "${s}".incidents_never_reopen()`,
			`create function "${s}".incident_json(i "${s}".incidents) returns jsonb language sql stable as $fn$
				select to_jsonb(i) || jsonb_build_object(
					'alerts_total', (select count(*) from "${s}".incident_alerts a where a.incident_id = i.id),
					'alerts_firing', (select count(*) from "${s}".incident_alerts a where a.incident_id = i.id and a.status = 'firing'))
			$fn$`,
			// Open or Join for a batch, grouped by key (arrays sliced by p_counts). Per key: lock,
			// find the open incident, tell duplicates (occurrences already assigned) from new
			// occurrences, then join the open incident if it saw an alert within the window (or
			// one of its alerts is being re-delivered right now), else resolve it as quiet and
			// open a new one. One row per input position.
			`create function "${s}".open_or_join(
				p_keys text[], p_counts int[], p_ids text[], p_fps text[], p_starts bigint[],
				p_severities text[], p_titles text[], p_signatures text[], p_frequencies text[],
				p_levels text[], p_tiers int[], p_now bigint, p_window_ms bigint
			) returns table (
				r_ord int, r_incident jsonb, r_is_new boolean, r_aggregated boolean, r_duplicate boolean,
				r_escalation_changed boolean, r_superseded uuid
			) language plpgsql as $fn$
			declare
				i int;
				lo int := 1;
				hi int;
				k text;
				cur "${s}".incidents;
				now_ts timestamptz := to_timestamp(p_now / 1000.0);
				dup_ids text[];
				dup_incs uuid[];
				new_ords int[];
				target uuid;
				target_json jsonb;
				created_ord int;
				seen_cur boolean;
				superseded uuid;
				base_rank int;
				ranks constant text[] := ${ESCALATION_RANKS};
				sev_ranks constant text[] := ${SEVERITY_RANKS};
			begin
				for i in 1 .. coalesce(array_length(p_keys, 1), 0) loop
					k := p_keys[i];
					hi := lo + p_counts[i] - 1;
					insert into "${s}".incident_keys as t (anomaly_key) values (k)
						on conflict (anomaly_key) do update set anomaly_key = excluded.anomaly_key;
					cur := null;
					select * into cur from "${s}".incidents c where c.anomaly_key = k and c.status <> 'resolved' for update;
					select coalesce(array_agg(io.occurrence_id), '{}'), coalesce(array_agg(io.incident_id), '{}')
						into dup_ids, dup_incs
						from "${s}".incident_occurrences io
						where io.anomaly_key = k and io.occurrence_id = any(p_ids[lo:hi]);
					select coalesce(array_agg(f.o order by f.o), '{}') into new_ords from (
						select min(g) as o from generate_series(lo, hi) g
						where p_ids[g] <> all(dup_ids) group by p_ids[g]) f;
					seen_cur := cur.id is not null and cur.id = any(dup_incs);
					target := null;
					created_ord := null;
					superseded := null;
					base_rank := 0;
					if cardinality(new_ords) > 0 then
						if cur.id is not null
							and (cur.last_seen_at >= now_ts - p_window_ms * interval '1 millisecond' or seen_cur) then
							target := cur.id;
							base_rank := coalesce(array_position(ranks, cur.escalation_level), 0);
						else
							if cur.id is not null then
								update "${s}".incidents c set status = 'resolved', resolved_at = now_ts, updated_at = now_ts,
									resolution_reason = format('quiet: no alert for more than %s minutes; a new incident was opened', p_window_ms / 60000)
									where c.id = cur.id;
								superseded := cur.id;
							end if;
							created_ord := new_ords[1];
							insert into "${s}".incidents (anomaly_key, status, title, severity, signature, first_alert_at,
								last_alert_at, last_seen_at, created_at, updated_at)
								values (k, 'open', p_titles[created_ord], p_severities[created_ord],
									p_signatures[created_ord]::jsonb, to_timestamp(p_starts[created_ord] / 1000.0),
									to_timestamp(p_starts[created_ord] / 1000.0), now_ts, now_ts, now_ts)
								returning id into target;
						end if;
						insert into "${s}".incident_occurrences (anomaly_key, occurrence_id, incident_id)
							select k, p_ids[o], target from unnest(new_ords) o;
						insert into "${s}".incident_alerts as a (incident_id, fingerprint, status, first_at, last_at)
							select target, p_fps[o], 'firing', to_timestamp(min(p_starts[o]) / 1000.0), to_timestamp(max(p_starts[o]) / 1000.0)
							from unnest(new_ords) o group by p_fps[o]
							on conflict (incident_id, fingerprint) do update set status = 'firing', resolved_at = null,
								last_at = greatest(a.last_at, excluded.last_at);
						update "${s}".incidents c set
							aggregated_count = c.aggregated_count + cardinality(new_ords),
							first_alert_at = least(c.first_alert_at, x.first_at),
							last_alert_at = greatest(c.last_alert_at, x.last_at),
							last_seen_at = greatest(c.last_seen_at, now_ts),
							updated_at = now_ts,
							severity = case when coalesce(array_position(sev_ranks, lower(x.sev)), 0)
								> coalesce(array_position(sev_ranks, lower(c.severity)), 0) then x.sev else c.severity end,
							escalation_level = case when x.rank > coalesce(array_position(ranks, c.escalation_level), 0)
								then ranks[x.rank] else c.escalation_level end,
							recommended_tier = greatest(c.recommended_tier, x.tier),
							frequency = coalesce(x.freq, c.frequency)
						from (
							select to_timestamp(min(p_starts[o]) / 1000.0) as first_at,
								to_timestamp(max(p_starts[o]) / 1000.0) as last_at,
								(array_agg(p_severities[o] order by coalesce(array_position(sev_ranks, lower(p_severities[o])), 0) desc))[1] as sev,
								max(coalesce(array_position(ranks, p_levels[o]), 0)) as rank,
								max(p_tiers[o]) as tier,
								(array_agg(p_frequencies[o] order by o desc) filter (where p_frequencies[o] is not null))[1]::jsonb as freq
							from unnest(new_ords) o
						) x
						where c.id = target;
					elsif seen_cur then
						-- only re-deliveries: the incident's alerts are still being sent
						target := cur.id;
						update "${s}".incidents c set last_seen_at = greatest(c.last_seen_at, now_ts), updated_at = now_ts,
							frequency = coalesce((select p_frequencies[g]::jsonb from generate_series(lo, hi) g
								where p_frequencies[g] is not null order by g desc limit 1), c.frequency)
							where c.id = cur.id;
					end if;
					target_json := (select "${s}".incident_json(c) from "${s}".incidents c where c.id = target);
					return query
						with n as (
							select o, coalesce(array_position(ranks, p_levels[o]), 0) as rk from unnest(new_ords) o
						), w as (
							select n.o, n.rk, max(n.rk) over (order by n.o rows between unbounded preceding and 1 preceding) as prev
							from n
						)
						select g,
							case when p_ids[g] = any(dup_ids) and dup_incs[array_position(dup_ids, p_ids[g])] is distinct from target
								then (select "${s}".incident_json(c) from "${s}".incidents c
									where c.id = dup_incs[array_position(dup_ids, p_ids[g])])
								else target_json end,
							coalesce(g = created_ord, false),
							w.o is not null and g is distinct from created_ord,
							w.o is null,
							coalesce(w.o is not null and g is distinct from created_ord
								and w.rk > greatest(base_rank, coalesce(w.prev, 0)), false),
							superseded
						from generate_series(lo, hi) g left join w on w.o = g;
					lo := hi + 1;
				end loop;
			end
			$fn$`,
			// Resolved alerts, grouped by key like open_or_join: marks each fingerprint resolved in
			// the key's open incident, and resolves the incident when none of its alerts fires.
			`create function "${s}".resolve_alerts(p_keys text[], p_counts int[], p_fps text[], p_now bigint)
			returns table (r_ord int, r_incident jsonb, r_alert_found boolean, r_resolved_now boolean)
			language plpgsql as $fn$
			declare
				i int;
				lo int := 1;
				hi int;
				k text;
				cur "${s}".incidents;
				now_ts timestamptz := to_timestamp(p_now / 1000.0);
				resolved_now boolean;
				inc jsonb;
			begin
				for i in 1 .. coalesce(array_length(p_keys, 1), 0) loop
					k := p_keys[i];
					hi := lo + p_counts[i] - 1;
					insert into "${s}".incident_keys as t (anomaly_key) values (k)
						on conflict (anomaly_key) do update set anomaly_key = excluded.anomaly_key;
					cur := null;
					resolved_now := false;
					select * into cur from "${s}".incidents c where c.anomaly_key = k and c.status <> 'resolved' for update;
					if cur.id is not null then
						update "${s}".incident_alerts a set status = 'resolved', resolved_at = now_ts
							where a.incident_id = cur.id and a.status = 'firing' and a.fingerprint = any(p_fps[lo:hi]);
						if not exists (select 1 from "${s}".incident_alerts a where a.incident_id = cur.id and a.status = 'firing') then
							update "${s}".incidents c set status = 'resolved', resolved_at = now_ts, updated_at = now_ts,
								resolution_reason = 'alerts resolved: Alertmanager reported every alert of the incident resolved'
								where c.id = cur.id;
							resolved_now := true;
						end if;
					end if;
					inc := (select "${s}".incident_json(c) from "${s}".incidents c where c.id = cur.id);
					return query select g, inc,
						cur.id is not null and exists (select 1 from "${s}".incident_alerts a
							where a.incident_id = cur.id and a.fingerprint = p_fps[g]),
						resolved_now
						from generate_series(lo, hi) g;
					lo := hi + 1;
				end loop;
			end
			$fn$`,
			recordRepairResultsFunction(s, false),
		],
	},
	{
		version: 2,
		name: 'open_or_join for a whole batch at once',
		statements: (s) => [
			// No foreign keys: incidents are never deleted, and two checks per item cost more than
			// the rest of Open or Join.
			`alter table "${s}".incident_occurrences drop constraint if exists incident_occurrences_incident_id_fkey`,
			`alter table "${s}".incident_alerts drop constraint if exists incident_alerts_incident_id_fkey`,
			`drop function "${s}".open_or_join(text[], int[], text[], text[], bigint[], text[], text[], text[], text[], text[], int[], bigint, bigint)`,
			batchOpenOrJoinFunction(s, false),
			`alter function "${s}".resolve_alerts(text[], int[], text[], bigint) set plan_cache_mode = force_custom_plan`,
			`alter function "${s}".record_repair_results(uuid[], text[], boolean[], text[], text[], text, bigint)
				set plan_cache_mode = force_custom_plan`,
		],
	},
	// Version 3 (issue 22): what each occurrence's first join reported, so that an occurrence
	// re-claimed after its execution died is acted on as it would have been. Older rows: null.
	{
		version: 3,
		name: 'open_or_join replays the first join of a re-claimed occurrence',
		statements: (s) => [
			`alter table "${s}".incident_occurrences add column if not exists joined_new boolean,
				add column if not exists joined_escalated boolean`,
			`drop function if exists "${s}".open_or_join(text[], text[], text[], bigint[], text[], text[], text[], text[], text[], int[], bigint, bigint)`,
			// stored values read defensively (poison never spreads): a time JavaScript cannot read
			// is null (and rewritten on the next write), a count that is not one is 0
			`create or replace function "${s}".readable_time(t timestamptz) returns timestamptz
				language sql immutable as $fn$
				select case when t >= timestamptz '0001-01-01 00:00:00+00' and t < timestamptz '10000-01-01 00:00:00+00' then t end
			$fn$`,
			`create or replace function "${s}".readable_count(j jsonb) returns int language sql immutable as $fn$
				select case when jsonb_typeof(j) = 'number' and j::text::numeric >= 0 and j::text::numeric < 2147483648
					then floor(j::text::numeric)::int else 0 end
			$fn$`,
			`create or replace function "${s}".readable_repair_stats(j jsonb) returns jsonb language sql immutable as $fn$
				select jsonb_build_object('total', "${s}".readable_count(j -> 'total'),
					'successes', "${s}".readable_count(j -> 'successes'),
					'restarts', "${s}".readable_count(j -> 'restarts'),
					'last_action', j -> 'last_action', 'last_success', j -> 'last_success', 'last_at', j -> 'last_at',
					'attempts', case when jsonb_typeof(j -> 'attempts') = 'array' then j -> 'attempts' else '[]'::jsonb end)
			$fn$`,
			batchOpenOrJoinFunction(s, true),
			recordRepairResultsFunction(s, true),
			`alter function "${s}".record_repair_results(uuid[], text[], boolean[], text[], text[], text, bigint)
				set plan_cache_mode = force_custom_plan`,
		],
	},
];
