-- Extends the lease only for its owner.
-- KEYS[1] lock; ARGV[1] lock value "<fencing token>:<owner token>", ARGV[2] lease in milliseconds
-- Returns 1 if renewed, 0 if the lock is gone or someone else's.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
