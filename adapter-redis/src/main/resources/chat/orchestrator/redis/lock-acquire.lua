-- Takes a free conversation lock and draws the next fencing token, in one step (acquire, fn-acquire.lua).
-- KEYS[1] lock, KEYS[2] fencing counter; ARGV[1] owner token, ARGV[2] lease in milliseconds
-- Returns the fencing token of the lease, or 0 when another owner holds the lock.
return acquire(KEYS[1], KEYS[2], ARGV[1], ARGV[2])
