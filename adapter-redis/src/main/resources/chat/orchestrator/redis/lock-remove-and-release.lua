-- Removes the answered messages and releases the lock if nothing else is pending, in one step, only for the
-- lock's owner (state-remove-pending, then lock-release-if-no-pending, without a round trip between).
-- KEYS[1] lock, KEYS[2] pending sorted set, KEYS[3] bodies hash
-- ARGV[1] lock value "<fencing token>:<owner token>", ARGV[2..n] message ids
-- Returns 1 released, 0 messages still pending (lock kept), -1 not the owner (nothing changed).
if not owns(KEYS[1], ARGV[1]) then
  return -1
end
-- One id per call: unpack() of a long list would hit Lua's stack limit.
for i = 2, #ARGV do
  redis.call('ZREM', KEYS[2], ARGV[i])
  redis.call('HDEL', KEYS[3], ARGV[i])
end
return releaseIfNoPending(KEYS[1], KEYS[2])
