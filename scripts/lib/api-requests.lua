-- wrk script for scripts/bench's API scenario (scripts/lib/bench-api.sh), as a server calls the
-- verification API (docs/api.md) over kept-alive connections with HTTP Basic. Arguments:
-- `-- MODE CLIENT_ID SECRET ARG`:
--   start NUMBERS: POST /api/v1/verifications, the numbers +3161000xxxx cycling through NUMBERS
--     (each a call placed upstream: 201);
--   check ID: POST /api/v1/verifications/ID/check with a code of the wrong form, which the pool
--     refuses itself (client authentication, the record's lookup, 422 invalid-code), never
--     asking MessageBird.
-- done() prints how many answers were anything else (none should be).
local threads = {}
local mode, auth, arg
local n = 0
others = 0  -- a global: done() reads it from each thread (thread:get)

function setup(thread)
  table.insert(threads, thread)
end

local function b64(s)
  local chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
  return ((s:gsub(".", function(c)
    local bits, byte = "", c:byte()
    for i = 8, 1, -1 do bits = bits .. (byte % 2 ^ i - byte % 2 ^ (i - 1) > 0 and "1" or "0") end
    return bits
  end) .. "0000"):gsub("%d%d%d?%d?%d?%d?", function(x)
    if #x < 6 then return "" end
    local n = 0
    for i = 1, 6 do n = n + (x:sub(i, i) == "1" and 2 ^ (6 - i) or 0) end
    return chars:sub(n + 1, n + 1)
  end) .. ({ "", "==", "=" })[#s % 3 + 1])
end

function init(args)
  mode, auth, arg = args[1], "Basic " .. b64(args[2] .. ":" .. args[3]), args[4]
  n = math.random(0, 1000000)
end

local headers = function()
  return { ["Authorization"] = auth, ["Content-Type"] = "application/json" }
end

function request()
  if mode == "start" then
    n = n + 1
    local number = string.format("+3161000%04d", n % tonumber(arg))
    return wrk.format("POST", "/api/v1/verifications", headers(),
                      '{"phone_number":"' .. number .. '"}')
  end
  return wrk.format("POST", "/api/v1/verifications/" .. arg .. "/check", headers(), '{"code":"1"}')
end

function response(status, headers, answer)
  local expected = mode == "start" and 201 or 422
  if status ~= expected then others = others + 1 end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + (thread:get("others") or 0) end
  io.write(string.format("answers other than expected: %d\n", total))
end
