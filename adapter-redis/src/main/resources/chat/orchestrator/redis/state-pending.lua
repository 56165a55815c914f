-- Reads the oldest pending messages with their bodies in one step, so a concurrent removal cannot leave
-- an id without its body. An id whose body the store lost is skipped but left pending: a read changes
-- nothing, and state-snapshot drops and reports it to the holder.
-- KEYS[1] pending sorted set, KEYS[2] bodies hash; ARGV[1] how many
-- Returns the message JSONs, oldest timestamp first (ties by id, as sorted sets order equal scores).
local ids = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
local bodies = {}
for _, id in ipairs(ids) do
  local body = redis.call('HGET', KEYS[2], id)
  if body then
    bodies[#bodies + 1] = body
  end
end
return bodies
