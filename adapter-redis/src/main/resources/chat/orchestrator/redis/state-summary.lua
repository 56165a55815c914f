-- Reads a conversation summary and its pending count together.
-- KEYS[1] summary hash, KEYS[2] pending sorted set
-- Returns {last id, last ISO timestamp, total, updated at ms, pending count}, or an empty array if none.
local fields = redis.call('HMGET', KEYS[1], 'last_id', 'last_timestamp', 'total', 'updated_at')
if not fields[1] or not fields[2] or not fields[3] or not fields[4] then
  return {}
end
return {fields[1], fields[2], fields[3], fields[4], redis.call('ZCARD', KEYS[2])}
