-- owns(lockKey, lockValue): whether the lock holds this value "<fencing token>:<owner token>".
-- releaseIfNoPending(lockKey, pendingKey): lets the lock go only if nothing is pending, so no message can arrive
-- unseen between the check and the release (docs/design.md, invariant 2 and step 8); 1 released, 0 kept.
-- Functions, prepended to the scripts that release for a holder (lock-release-if-no-pending,
-- lock-remove-and-release): each runs as one step with what the script does before it.
local function owns(lockKey, lockValue)
  return redis.call('GET', lockKey) == lockValue
end

local function releaseIfNoPending(lockKey, pendingKey)
  -- An id whose body was lost counts too: the holder's next snapshot drops and reports it, so it costs one more
  -- pass, where ignoring it would let go of a message accepted after that holder's last snapshot.
  if redis.call('ZCARD', pendingKey) > 0 then
    return 0
  end
  redis.call('DEL', lockKey)
  return 1
end
