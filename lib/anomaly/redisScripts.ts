// Lua scripts of the Redis anomaly store. Each runs atomically for one anomaly_key; all keys of
// one anomaly_key share a hash tag ({key}) so the scripts also work on Redis Cluster.
//
// Keys per anomaly_key:  occ      sorted set  occurrence_id → startsAt (ms): the timeline
//                        meta     hash        first_seen, last_seen, repair_count,
//                                             restart_count, fix_at, fix_description
//                        outcomes list        repair outcomes as JSON, newest first (capped)
//                        ids      hash        outcome_id → 1 for the outcomes in the list
//                        claims   hash        occurrence_id → lease end (ms) while the
//                                             occurrence is claimed and not yet handled

/**
 * Lua for the writing scripts: a key of the wrong type (written by hand or by something else) is
 * moved aside to `<key>:corrupt` with a warning, so it cannot fail this signature forever.
 * Warnings go at the end of a script's reply as JSON {"w": text}.
 */
const GUARD = `
local warnings = {}
local function guard(i, want)
  local t = redis.call('TYPE', KEYS[i]).ok
  if t ~= 'none' and t ~= want then
    redis.call('RENAME', KEYS[i], KEYS[i] .. ':corrupt')
    warnings[#warnings + 1] = cjson.encode({w = 'Redis key ' .. KEYS[i] .. ' held a ' .. t .. ', not a ' .. want .. '; moved to ' .. KEYS[i] .. ':corrupt'})
  end
end
-- a finite number, or nil (a hand-written "abc", "nan" or "inf" reads as nothing)
local function finite(v)
  local n = tonumber(v)
  if n and n == n and n ~= math.huge and n ~= -math.huge then return n end
  return nil
end
`;

/** Lua: the snapshot fields, shared by the record and frequency scripts (windows in ARGV[1..4]). */
const SNAPSHOT = `
local occ, meta = KEYS[1], KEYS[2]
local c1 = redis.call('ZCOUNT', occ, ARGV[1], '+inf')
local c24 = redis.call('ZCOUNT', occ, ARGV[2], '+inf')
local c7 = redis.call('ZCOUNT', occ, ARGV[3], '+inf')
local c30 = redis.call('ZCOUNT', occ, ARGV[4], '+inf')
local m = redis.call('HMGET', meta, 'first_seen', 'last_seen', 'repair_count', 'restart_count', 'fix_at', 'fix_description')
local recurred = 0
local fix_n = tonumber(m[5])
if fix_n and fix_n == fix_n and fix_n ~= math.huge and fix_n ~= -math.huge
  and redis.call('ZCOUNT', occ, '(' .. string.format('%.0f', fix_n), '+inf') > 0 then recurred = 1 end
local out = {c1, c24, c7, c30, m[1] or '', m[2] or '', m[3] or '0', m[4] or '0', m[5] or '', m[6] or '', recurred}
`;

/**
 * Record occurrences of one key. KEYS: occ, meta, outcomes, ids, claims. ARGV: window starts
 * (1h, 24h, 7d, 30d), cutoff, occurrence TTL ms, state TTL ms, verification window ms, lease end
 * ms (0: no claims), lease clock ms, then (occurrence_id, startsAt ms) pairs. Returns the
 * snapshot before the writes, then per occurrence 1 new (claimed), 0 already recorded, 2
 * re-claimed (recorded before, never handled, its lease over), then one JSON per successful
 * outcome that a new occurrence starting within the verification window after it turned into a
 * failure.
 */
export const RECORD_OCCURRENCES = `${GUARD}
guard(1, 'zset') guard(2, 'hash') guard(3, 'list') guard(5, 'hash')
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[5])
${SNAPSHOT}
-- unreadable first/last seen are rewritten from this batch
local first, last = finite(m[1]), finite(m[2])
local any = false
local new = {}
local lease, lease_now = tonumber(ARGV[9]), tonumber(ARGV[10])
for i = 11, #ARGV, 2 do
  local at = tonumber(ARGV[i + 1])
  local added = redis.call('ZADD', occ, 'NX', at, ARGV[i])
  if added == 1 then
    if lease > 0 then redis.call('HSET', KEYS[5], ARGV[i], ARGV[9]) end
  elseif lease > 0 then
    -- no claim entry: handled (or recorded before claims existed)
    local held = tonumber(redis.call('HGET', KEYS[5], ARGV[i]))
    if held and held <= lease_now then
      redis.call('HSET', KEYS[5], ARGV[i], ARGV[9])
      added = 2
    end
  end
  out[#out + 1] = added
  if added == 1 then
    any = true
    new[#new + 1] = {ARGV[i], at}
    if not first or at < first then first = at end
    if not last or at > last then last = at end
  end
end
-- Ineffective counts as failure: a successful outcome followed, within the verification
-- window, by a new occurrence of the same key becomes a failure. The entry text is edited in
-- place (not re-encoded) so its details keep their exact JSON.
local window = tonumber(ARGV[8])
if window > 0 and #new > 0 then
  local entries = redis.call('LRANGE', KEYS[3], 0, -1)
  for idx, raw in ipairs(entries) do
    local okd, e = pcall(cjson.decode, raw)
    -- an unreadable entry is skipped (Get Repair Stats names it)
    if okd and type(e) == 'table' and e.s == 1 and type(e.t) == 'number' then
      local hit
      for _, n in ipairs(new) do
        if n[2] > e.t and n[2] <= e.t + window and (not hit or n[2] < hit[2]) then hit = n end
      end
      if hit then
        local mark = ',"s":0,"f":' .. string.format('%.0f', hit[2]) .. ',"o":' .. cjson.encode(hit[1]) .. ',"t":'
        local from, to = string.find(raw, ',"s":1,"t":', 1, true)
        if from then
          redis.call('LSET', KEYS[3], idx - 1, string.sub(raw, 1, from - 1) .. mark .. string.sub(raw, to + 1))
          out[#out + 1] = cjson.encode({a = e.a, id = e.id, t = e.t, o = hit[1], f = hit[2]})
        end
      end
    end
  end
end
if any then
  redis.call('HSET', meta, 'first_seen', string.format('%.0f', first), 'last_seen', string.format('%.0f', last))
  redis.call('PEXPIRE', occ, ARGV[6])
  for k = 2, 4 do redis.call('PEXPIRE', KEYS[k], ARGV[7]) end
end
if lease > 0 and redis.call('EXISTS', KEYS[5]) == 1 then redis.call('PEXPIRE', KEYS[5], ARGV[6]) end
for _, w in ipairs(warnings) do out[#out + 1] = w end
return out
`;

/**
 * End claims of one key. KEYS: claims. ARGV: 'handled' (remove the claim: handled) or 'release'
 * (lease over now: the next delivery re-claims), then occurrence ids. Returns 1/0 per id
 * (claimed/not claimed).
 */
export const SETTLE_CLAIMS = `${GUARD}
guard(1, 'hash')
local out = {}
for i = 2, #ARGV do
  local held = redis.call('HEXISTS', KEYS[1], ARGV[i])
  if held == 1 then
    if ARGV[1] == 'handled' then redis.call('HDEL', KEYS[1], ARGV[i])
    else redis.call('HSET', KEYS[1], ARGV[i], '0') end
  end
  out[#out + 1] = held
end
return out
`;

/** The snapshot of one key, read-only. KEYS: occ, meta. ARGV: window starts. */
export const FREQUENCY = `${SNAPSHOT}
return out
`;

/**
 * Append repair outcomes of one key. KEYS: occ, meta, outcomes, ids. ARGV: cap, state TTL ms,
 * then (outcome_id or '', entry JSON, 1 if a restart action) triples. Returns 1/0 per outcome
 * (recorded/duplicate outcome_id). Entries dropped by the cap leave the counters and ids too.
 */
export const RECORD_OUTCOMES = `${GUARD}
guard(2, 'hash') guard(3, 'list') guard(4, 'hash')
local meta, list, ids = KEYS[2], KEYS[3], KEYS[4]
local cap = tonumber(ARGV[1])
local out = {}
-- counters that are not whole numbers are recounted from the list they count
local counts = redis.call('HMGET', meta, 'repair_count', 'restart_count')
local function whole(v) local n = tonumber(v) return v == false or (n and n == math.floor(n) and n >= 0) end
if not whole(counts[1]) or not whole(counts[2]) then
  local restarts = 0
  for _, raw in ipairs(redis.call('LRANGE', list, 0, -1)) do
    local okd, e = pcall(cjson.decode, raw)
    if okd and type(e) == 'table' and e.r == 1 then restarts = restarts + 1 end
  end
  redis.call('HSET', meta, 'repair_count', redis.call('LLEN', list), 'restart_count', restarts)
  warnings[#warnings + 1] = cjson.encode({w = 'Redis key ' .. meta .. ': repair_count/restart_count were not counts; recounted from ' .. list})
end
for i = 3, #ARGV, 3 do
  local id = ARGV[i]
  if id ~= '' and redis.call('HSETNX', ids, id, '1') == 0 then
    out[#out + 1] = 0
  else
    redis.call('LPUSH', list, ARGV[i + 1])
    redis.call('HINCRBY', meta, 'repair_count', 1)
    if ARGV[i + 2] == '1' then redis.call('HINCRBY', meta, 'restart_count', 1) end
    while redis.call('LLEN', list) > cap do
      local okd, old = pcall(cjson.decode, redis.call('RPOP', list))
      if not okd or type(old) ~= 'table' then old = {} end
      redis.call('HINCRBY', meta, 'repair_count', -1)
      if old.r == 1 then redis.call('HINCRBY', meta, 'restart_count', -1) end
      if type(old.id) == 'string' and old.id ~= '' then redis.call('HDEL', ids, old.id) end
    end
    out[#out + 1] = 1
  end
end
for k = 2, 4 do redis.call('PEXPIRE', KEYS[k], ARGV[2]) end
for _, w in ipairs(warnings) do out[#out + 1] = w end
return out
`;

/** Mark a permanent fix. KEYS: occ, meta, outcomes, ids. ARGV: at ms, description, state TTL ms. */
export const MARK_PERMANENT_FIX = `${GUARD}
guard(2, 'hash')
redis.call('HSET', KEYS[2], 'fix_at', ARGV[1], 'fix_description', ARGV[2])
for k = 2, 4 do redis.call('PEXPIRE', KEYS[k], ARGV[3]) end
return tonumber(ARGV[1])
`;
