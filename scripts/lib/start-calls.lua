-- wrk script for scripts/bench: browsers starting calls (POST /). Each wrk thread has its own Lua
-- state, so scripts/bench runs as many threads as connections (wrk -tN -cN): then each connection
-- is one browser that loads the form once (GET /, for its own session cookie and CSRF token) and
-- then keeps asking for calls. With more connections than threads, a thread's connections would
-- share one browser.
--
-- The numbers cycle through a fixed set, NL mobiles 0612000000 up to 0612000000 + COUNT - 1
-- (COUNT is the script's first argument, `-- 1000`, default 1000): however long the run, the
-- pool's store keeps windows for at most COUNT numbers, so its memory measures the pool and not
-- the set of numbers.
local cookie, token
local count = 1000
local next_index = 0

local threads_made = 0
function setup(thread)
  -- Runs in wrk's main state, once per thread: spreads the threads over the numbers.
  thread:set("thread_index", threads_made)
  threads_made = threads_made + 1
end

function init(args)
  count = tonumber(args[1]) or count
  next_index = ((thread_index or 0) * 97) % count
end

function request()
  if token == nil then
    return wrk.format("GET", "/")
  end
  local number = string.format("06%08d", 12000000 + next_index)
  next_index = (next_index + 1) % count
  return wrk.format("POST", "/", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie,
  }, "number=" .. number .. "&csrf_token=" .. token)
end

function response(status, headers, body)
  -- A 403: the session outlived its lifetime (CODE_TIMEOUT and a margin); load the form again.
  if status == 403 then
    token = nil
  end
  -- An error page (nginx's 502 while the pool is saturated) carries neither: ask for the form again.
  if token == nil and headers["Set-Cookie"] ~= nil then
    cookie = headers["Set-Cookie"]:match("^([^;]+)")
    token = body:match('name="csrf_token" value="([^"]+)"')
  end
end
