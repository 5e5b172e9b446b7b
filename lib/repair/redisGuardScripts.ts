// Lua scripts of the Redis guard store. Each runs atomically; all keys of one target share the
// hash tag {target} so they also work on Redis Cluster. Times are the caller's clock (ms), so
// a controllable clock drives them exactly as it drives the SQL store; PEXPIRE only collects
// garbage.
//
// Keys per target:   lease               hash   holder, expires
//                    target              hash   failures, breaker_until
//                    action:<action>     hash   failures, retry_after
//                    attempts:<action>   zset   attempt id → at (ms)

/** KEYS: lease. ARGV: holder, now, ttl. Returns {1|0, holder, expires}. */
export const ACQUIRE_LEASE = `
local cur = redis.call('HMGET', KEYS[1], 'holder', 'expires')
local now, ttl = tonumber(ARGV[2]), tonumber(ARGV[3])
if cur[1] and cur[1] ~= ARGV[1] and tonumber(cur[2]) > now then
  return {0, cur[1], cur[2]}
end
local expires = string.format('%.0f', now + ttl)
redis.call('HSET', KEYS[1], 'holder', ARGV[1], 'expires', expires)
redis.call('PEXPIRE', KEYS[1], ttl)
return {1, ARGV[1], expires}
`;

/** KEYS: lease. ARGV: holder. Returns 1 when released. */
export const RELEASE_LEASE = `
if redis.call('HGET', KEYS[1], 'holder') == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
`;

/**
 * KEYS: target, action, attempts. ARGV: now, cooldown, record (1/0), attempt id, retention
 * (also the attempts' TTL), then (window ms, max) pairs. Returns {code, until, n, i}: 'ok'; 'breaker_open'
 * (n = failures); 'backoff' (n = failures); 'cooldown' (n = last attempt); 'window' (n = count,
 * i = window index).
 */
export const ADMIT = `
local now = tonumber(ARGV[1])
local t = redis.call('HMGET', KEYS[1], 'failures', 'breaker_until')
if tonumber(t[2] or '0') > now then
  return {'breaker_open', t[2], t[1] or '0', 0}
end
local a = redis.call('HMGET', KEYS[2], 'failures', 'retry_after')
if tonumber(a[2] or '0') > now then
  return {'backoff', a[2], a[1] or '0', 0}
end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. string.format('%.0f', now - tonumber(ARGV[5])))
local cooldown = tonumber(ARGV[2])
if cooldown > 0 then
  local last = redis.call('ZREVRANGEBYSCORE', KEYS[3], '+inf', '-inf', 'WITHSCORES', 'LIMIT', 0, 1)
  if last[2] and tonumber(last[2]) + cooldown > now then
    return {'cooldown', string.format('%.0f', tonumber(last[2]) + cooldown), last[2], 0}
  end
end
for i = 6, #ARGV, 2 do
  local w, max = tonumber(ARGV[i]), tonumber(ARGV[i + 1])
  local from = '(' .. string.format('%.0f', now - w)
  local n = redis.call('ZCOUNT', KEYS[3], from, '+inf')
  if n >= max then
    local at = now
    if max > 0 then
      -- the attempt whose ageing out brings the count below max
      local e = redis.call('ZRANGEBYSCORE', KEYS[3], from, '+inf', 'WITHSCORES', 'LIMIT', n - max, 1)
      at = tonumber(e[2]) + w
    end
    return {'window', string.format('%.0f', at), n, (i - 6) / 2}
  end
end
if ARGV[3] == '1' then
  redis.call('ZADD', KEYS[3], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[3], ARGV[5])
end
return {'ok', '0', 0, 0}
`;

/**
 * KEYS: target, action. ARGV: success (1/0), now, backoff base, backoff max, breaker
 * threshold, breaker open ms, state TTL. Returns {target failures, action failures,
 * retry_after, breaker_until}.
 */
export const RECORD_RESULT = `
local now = tonumber(ARGV[2])
local tf, af, retry, breaker
if ARGV[1] == '1' then
  redis.call('HSET', KEYS[1], 'failures', 0, 'breaker_until', 0)
  redis.call('HSET', KEYS[2], 'failures', 0, 'retry_after', 0)
  tf, af, retry, breaker = 0, 0, 0, 0
else
  tf = redis.call('HINCRBY', KEYS[1], 'failures', 1)
  af = redis.call('HINCRBY', KEYS[2], 'failures', 1)
  local delay = tonumber(ARGV[3]) * 2 ^ math.min(af - 1, 30)
  if delay > tonumber(ARGV[4]) then delay = tonumber(ARGV[4]) end
  retry = now + delay
  redis.call('HSET', KEYS[2], 'retry_after', string.format('%.0f', retry))
  breaker = tonumber(redis.call('HGET', KEYS[1], 'breaker_until') or '0')
  if tf >= tonumber(ARGV[5]) then
    breaker = now + tonumber(ARGV[6])
    redis.call('HSET', KEYS[1], 'breaker_until', string.format('%.0f', breaker))
  end
end
redis.call('PEXPIRE', KEYS[1], ARGV[7])
redis.call('PEXPIRE', KEYS[2], ARGV[7])
return {tf, af, string.format('%.0f', retry), string.format('%.0f', breaker)}
`;
