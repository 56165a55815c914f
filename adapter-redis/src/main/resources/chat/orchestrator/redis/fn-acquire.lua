-- acquire(lockKey, fenceKey, owner, lease): takes a free conversation lock and draws the next fencing token.
-- A function, prepended to the scripts that acquire (lock-acquire, state-accept-and-acquire).
-- lockKey, fenceKey: the keys of the lock and of the fencing counter (expires once the clock has passed it, see below)
-- The token is the counter plus one, but never less than the server's clock in microseconds: if Redis
-- restarts empty, the counter would start again at 1 while PostgreSQL still remembers the old highest
-- token and would refuse every write of the conversation as stale. The clock floor keeps tokens growing
-- across such a loss. Microseconds stay exact in a Lua double until about the year 2255.
-- owner: the owner token, lease: the lease in milliseconds (a string)
-- Returns the fencing token of the lease, or 0 when another owner holds the lock.
local function acquire(lockKey, fenceKey, owner, lease)
  local current = redis.call('GET', lockKey)
  if current then
    -- A retry of our own acquire whose reply was lost: the lease is already ours, hand it out again
    -- rather than leave an orphan lock that nobody releases before its TTL.
    local separator = string.find(current, ':', 1, true)
    if separator and string.sub(current, separator + 1) == owner then
      return tonumber(string.sub(current, 1, separator - 1))
    end
    return 0
  end
  local now = redis.call('TIME')
  local floor = tonumber(now[1]) * 1000000 + tonumber(now[2])
  local fence = tonumber(redis.call('GET', fenceKey) or '0') + 1
  if fence < floor then
    fence = floor
  end
  -- The counter only matters while it is at or ahead of the clock: once the clock has passed it, a missing
  -- counter gives a token from the clock, higher than every token drawn before. So it expires when the clock
  -- has passed it, plus a margin (the lease, at least a minute) against small clock steps; a larger step back is
  -- what the PostgreSQL fence and the fencing floor recover from, as after a Redis that lost its data.
  local margin = math.max(tonumber(lease), 60000)
  -- %d: plain concatenation would print a large token in exponent form (Lua's %.14g).
  redis.call('SET', fenceKey, string.format('%d', fence), 'PX', string.format('%d', math.floor((fence - floor) / 1000) + margin))
  redis.call('SET', lockKey, string.format('%d', fence) .. ':' .. owner, 'NX', 'PX', lease)
  return fence
end
