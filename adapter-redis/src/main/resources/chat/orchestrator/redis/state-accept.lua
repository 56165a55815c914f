-- Accepts one message: dedup check, seen mark, pending entry, body and conversation summary, in one step.
-- KEYS[1] seen hash, KEYS[2] pending sorted set, KEYS[3] bodies hash, KEYS[4] summary hash
-- ARGV[1] message id, ARGV[2] token of this accept call, ARGV[3] timestamp in microseconds (the score),
-- ARGV[4] ISO-8601 timestamp, ARGV[5] message JSON, ARGV[6] now in epoch milliseconds,
-- ARGV[7] conversation state TTL ms, ARGV[8] dedup TTL ms, ARGV[9] 'accept' or 'requeue' (see below)
-- Returns {'ACCEPTED', latest timestamp in microseconds} or {'ALREADY_SEEN'}.
local requeue = ARGV[9] == 'requeue'
local seenBy = redis.call('HGET', KEYS[1], ARGV[1])
if requeue then
  -- Recovery of a message history still holds unanswered: the seen mark may have survived what the pending
  -- set lost, so only the pending set decides. An id pending without its body is missing all the same: the
  -- body is stored again below.
  if redis.call('ZSCORE', KEYS[2], ARGV[1]) and redis.call('HEXISTS', KEYS[3], ARGV[1]) == 1 then
    return {'ALREADY_PENDING'}
  end
elseif seenBy then
  if seenBy == ARGV[2] then
    -- A retry of this very call whose reply was lost: it was accepted, say so again.
    return {'ACCEPTED', redis.call('HGET', KEYS[4], 'last_score')}
  end
  return {'ALREADY_SEEN'}
end
if not seenBy then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[5])

-- The summary follows the newest message by timestamp (ties: the greater id), not the last to arrive.
-- Scores are compared as numbers but stored as the caller's string: Lua would print large ones inexactly.
local lastScore = redis.call('HGET', KEYS[4], 'last_score')
local score = tonumber(ARGV[3])
local newest = not lastScore or score > tonumber(lastScore)
  or (score == tonumber(lastScore) and ARGV[1] > redis.call('HGET', KEYS[4], 'last_id'))
if newest then
  redis.call('HSET', KEYS[4], 'last_id', ARGV[1], 'last_score', ARGV[3], 'last_timestamp', ARGV[4])
  lastScore = ARGV[3]
end
if requeue then
  -- Counted when it was first accepted; a summary lost with it restarts at one.
  redis.call('HSETNX', KEYS[4], 'total', 1)
else
  redis.call('HINCRBY', KEYS[4], 'total', 1)
end
redis.call('HSET', KEYS[4], 'updated_at', ARGV[6])

redis.call('PEXPIRE', KEYS[1], ARGV[8])
redis.call('PEXPIRE', KEYS[2], ARGV[7])
redis.call('PEXPIRE', KEYS[3], ARGV[7])
redis.call('PEXPIRE', KEYS[4], ARGV[7])
return {'ACCEPTED', lastScore}
