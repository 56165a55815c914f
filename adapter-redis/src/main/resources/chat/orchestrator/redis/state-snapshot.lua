-- Reads the batch to answer and the ids of everything pending in one step, so the set that decides whether
-- the answer is stale is the set the batch was cut from: a message accepted at any moment is either among
-- the ids or arrives after this read, and is then newer than the batch (docs/design.md, step 5;
-- docs/architecture.md, "The worker loop").
-- An id whose body is gone (evicted, or lost in a failover) is dropped from the pending set in the same step
-- and reported apart: left pending, it would keep every holder from releasing the lock and never be answered.
-- KEYS[1] pending sorted set, KEYS[2] bodies hash; ARGV[1] batch size (0 or more)
-- Returns {batch, ids, bodiless}: batch = message JSONs of the oldest ARGV[1] pending messages that have a
-- body, plus any further ones tied with the last of them (see below), oldest first; ids = every pending id
-- that has a body; bodiless = the ids dropped for having none.
local all = redis.call('ZRANGE', KEYS[1], 0, -1)
local ids = {}
local bodiless = {}
for _, id in ipairs(all) do
  if redis.call('HEXISTS', KEYS[2], id) == 1 then
    ids[#ids + 1] = id
  else
    bodiless[#bodiless + 1] = id
    -- One id per call: unpack() of a long list would hit Lua's stack limit.
    redis.call('ZREM', KEYS[1], id)
  end
end
local last = math.min(tonumber(ARGV[1]), #ids)
if last > 0 then
  -- Scores are whole microseconds and equal scores sort by the ids' bytes, while the core orders by the
  -- full timestamp, then by the id's UTF-16 units: a message just past the cut that ties with the last one
  -- may come first in the core's order. Hand over the whole tie; the adapter sorts and cuts to the size.
  local boundary = redis.call('ZSCORE', KEYS[1], ids[last])
  while last < #ids and redis.call('ZSCORE', KEYS[1], ids[last + 1]) == boundary do
    last = last + 1
  end
end
local batch = {}
for i = 1, last do
  batch[i] = redis.call('HGET', KEYS[2], ids[i])
end
return {batch, ids, bodiless}
