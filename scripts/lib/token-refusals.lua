-- wrk script for scripts/bench's OpenID Connect scenario (scripts/lib/bench-oidc.sh): POST /token
-- as a confidential client with its right secret (client_secret_basic) and a well-formed code
-- that was never issued. The pool parses the request, checks the secret (PBKDF2, the expensive
-- part), asks the store for the code and answers 400 invalid_grant. Arguments: `-- CLIENT_ID
-- SECRET REDIRECT_URI`. done() prints how many answers were anything else (none should be).
local threads = {}
local body, auth
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

local function encode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", c:byte()) end))
end

function init(args)
  auth = "Basic " .. b64(args[1] .. ":" .. args[2])
  -- 43 characters like the codes the pool issues, and never issued.
  body = "grant_type=authorization_code&code=" .. string.rep("A", 43) ..
         "&redirect_uri=" .. encode(args[3])
end

function request()
  return wrk.format("POST", "/token", {
    ["Authorization"] = auth,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, body)
end

function response(status, headers, answer)
  if status ~= 400 or not answer:find('"invalid_grant"', 1, true) then
    others = others + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + (thread:get("others") or 0) end
  io.write(string.format("answers other than 400 invalid_grant: %d\n", total))
end
