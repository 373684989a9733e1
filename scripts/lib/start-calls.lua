-- wrk script for scripts/bench: each wrk thread is one browser that loads the form once (for its
-- session cookie and CSRF token) and then keeps asking for calls to random NL mobile numbers.
local cookie, token
local starts = 0

request = function()
  if token == nil then
    return wrk.format("GET", "/")
  end
  local body = "number=06" .. math.random(10000000, 99999999) .. "&csrf_token=" .. token
  return wrk.format("POST", "/", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie,
  }, body)
end

response = function(status, headers, body)
  if token == nil then
    cookie = headers["Set-Cookie"]:match("^([^;]+)")
    token = body:match('name="csrf_token" value="([^"]+)"')
  end
end
