-- One token-bucket decision, atomic because Redis runs a script to completion before it runs
-- any other command: the read, the refill, the take and the write below cannot interleave with
-- another node's decision on the same key, so there is no compare-and-swap and no retry.
-- The same arithmetic in Java: lab.ratelimit.bucket.TokenBucket.
--
-- KEYS[1]  the bucket key: a string "<tokens> <microseconds of the last write>"
-- ARGV[1]  capacity (tokens, > 0)
-- ARGV[2]  refill per second (tokens, > 0, fractional allowed)
-- ARGV[3]  permits (>= 1)
-- ARGV[4]  1 to take the permits when admitted, 0 to only look
-- returns  { allowed (1/0), tokens left (string, fractional), retry after (µs), full in (µs) }

-- TIME makes the script non-deterministic: replicate its effects, not the script itself.
redis.replicate_commands()

local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local permits = tonumber(ARGV[3])
local consume = ARGV[4] == '1'

-- One clock for every limiter node: Redis's own. Nodes with skewed clocks still agree.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])

local tokens, updated
local state = redis.call('GET', KEYS[1])
if state then
  local space = string.find(state, ' ', 1, true)
  if space then
    tokens = tonumber(string.sub(state, 1, space - 1))
    updated = tonumber(string.sub(state, space + 1))
  end
end
if tokens == nil or updated == nil then
  tokens = capacity
  updated = now
end
-- A clock that went backwards refills nothing instead of un-spending tokens.
if now < updated then
  now = updated
end
tokens = math.min(capacity, tokens + (now - updated) * rate / 1000000)

local allowed = tokens >= permits
if allowed and consume then
  tokens = tokens - permits
end

local retry_after = 0
if not allowed then
  retry_after = math.ceil((permits - tokens) * 1000000 / rate)
end
local full_in = 0
if tokens < capacity then
  full_in = math.ceil((capacity - tokens) * 1000000 / rate)
end

if allowed and consume then
  if full_in > 0 then
    -- %.17g and %.0f: Lua's default number-to-string keeps 14 digits, too few for microseconds.
    -- The state expires when the bucket would be full again: a missing key means a full bucket.
    -- The expiry as digits too: a number passed to redis.call is written with 14 digits, and a bucket
    -- that takes more than 10^14 ms to fill (capacity 10^9 at 0.001/s) would become "1e+15", which SET refuses.
    redis.call('SET', KEYS[1], string.format('%.17g %.0f', tokens, now), 'PX', string.format('%.0f', math.ceil(full_in / 1000) + 1))
  else
    redis.call('DEL', KEYS[1])
  end
end

return { allowed and 1 or 0, string.format('%.17g', tokens), retry_after, full_in }
