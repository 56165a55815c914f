-- Removes answered messages from the pending set, only for the lock's owner.
-- KEYS[1] lock, KEYS[2] pending sorted set, KEYS[3] bodies hash
-- ARGV[1] lock value "<fencing token>:<owner token>", ARGV[2..n] message ids
-- Returns 1 if the caller holds the lock (ids removed), 0 otherwise (nothing changed).
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
-- One id per call: unpack() of a long list would hit Lua's stack limit.
for i = 2, #ARGV do
  redis.call('ZREM', KEYS[2], ARGV[i])
  redis.call('HDEL', KEYS[3], ARGV[i])
end
return 1
