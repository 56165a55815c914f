-- Releases the lock only if nothing is pending, so no message can arrive unseen between the check
-- and the release (docs/design.md, invariant 2 and step 8).
-- KEYS[1] lock, KEYS[2] pending set; ARGV[1] lock value "<fencing token>:<owner token>"
-- Returns 1 released, 0 messages pending (lock kept), -1 not the owner (nothing changed).
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return -1
end
-- An id whose body was lost counts too: the holder's next snapshot drops and reports it, so it costs one more
-- pass, where ignoring it would let go of a message accepted after that holder's last snapshot.
if redis.call('ZCARD', KEYS[2]) > 0 then
  return 0
end
redis.call('DEL', KEYS[1])
return 1
