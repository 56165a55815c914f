-- accept(K, A): accepts one message: dedup check, seen mark, pending entry, body and conversation summary.
-- A function, prepended to the scripts that accept (state-accept, state-accept-and-acquire): Redis runs each
-- script as one step, so whatever else a script does with the same conversation's keys is atomic with it.
-- K[1] seen hash, K[2] pending sorted set, K[3] bodies hash, K[4] summary hash
-- A[1] message id, A[2] token of this accept call, A[3] timestamp in microseconds (the score),
-- A[4] ISO-8601 timestamp, A[5] message JSON, A[6] now in epoch milliseconds,
-- A[7] conversation state TTL ms, A[8] dedup TTL ms, A[9] 'accept' or 'requeue' (see below)
-- Returns {'ACCEPTED', latest timestamp in microseconds}, {'ALREADY_SEEN'} or, requeueing, {'ALREADY_PENDING'}.
local function accept(K, A)
  local requeue = A[9] == 'requeue'
  local seenBy = redis.call('HGET', K[1], A[1])
  if requeue then
    -- Recovery of a message history still holds unanswered: the seen mark may have survived what the pending
    -- set lost, so only the pending set decides. An id pending without its body is missing all the same: the
    -- body is stored again below.
    if redis.call('ZSCORE', K[2], A[1]) and redis.call('HEXISTS', K[3], A[1]) == 1 then
      return {'ALREADY_PENDING'}
    end
  elseif seenBy then
    if seenBy == A[2] then
      -- A retry of this very call whose reply was lost: it was accepted, say so again.
      return {'ACCEPTED', redis.call('HGET', K[4], 'last_score')}
    end
    return {'ALREADY_SEEN'}
  end
  if not seenBy then
    redis.call('HSET', K[1], A[1], A[2])
  end
  redis.call('ZADD', K[2], A[3], A[1])
  redis.call('HSET', K[3], A[1], A[5])

  -- The summary follows the newest message by timestamp (ties: the greater id), not the last to arrive.
  -- Scores are compared as numbers but stored as the caller's string: Lua would print large ones inexactly.
  local lastScore = redis.call('HGET', K[4], 'last_score')
  local score = tonumber(A[3])
  local newest = not lastScore or score > tonumber(lastScore)
    or (score == tonumber(lastScore) and A[1] > redis.call('HGET', K[4], 'last_id'))
  if newest then
    redis.call('HSET', K[4], 'last_id', A[1], 'last_score', A[3], 'last_timestamp', A[4])
    lastScore = A[3]
  end
  if requeue then
    -- Counted when it was first accepted; a summary lost with it restarts at one.
    redis.call('HSETNX', K[4], 'total', 1)
  else
    redis.call('HINCRBY', K[4], 'total', 1)
  end
  redis.call('HSET', K[4], 'updated_at', A[6])

  redis.call('PEXPIRE', K[1], A[8])
  redis.call('PEXPIRE', K[2], A[7])
  redis.call('PEXPIRE', K[3], A[7])
  redis.call('PEXPIRE', K[4], A[7])
  return {'ACCEPTED', lastScore}
end
