-- Reads the lock and its remaining time together, so the two cannot disagree.
-- KEYS[1] lock
-- Returns {value, remaining milliseconds}, or an empty array when the lock is free.
local value = redis.call('GET', KEYS[1])
if not value then
  return {}
end
return {value, redis.call('PTTL', KEYS[1])}
