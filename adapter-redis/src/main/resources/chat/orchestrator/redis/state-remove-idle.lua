-- Admin cleanup of one conversation: forgets its state if it is idle, in one step.
-- KEYS[1] lock, KEYS[2] pending sorted set, KEYS[3] summary hash, KEYS[4] seen hash, KEYS[5] bodies hash
-- ARGV[1] cutoff in epoch milliseconds
-- Returns 1 if removed, 0 if kept (locked, messages pending, or active since the cutoff), -1 if there was no
-- summary left (expired: only the index entry is stale). The fencing counter is never touched.
if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('ZCARD', KEYS[2]) > 0 then
  return 0
end
local updated = redis.call('HGET', KEYS[3], 'updated_at')
if not updated then
  return -1
end
if tonumber(updated) >= tonumber(ARGV[1]) then
  return 0
end
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[5])
return 1
