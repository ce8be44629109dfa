-- wrk script for `make bench`'s upload rounds: every request POSTs the same multipart body, built once by
-- scripts/bench.sh, so every request is the same upload of the same photo.
-- Environment: BENCH_UPLOAD_BODY (file holding the body), BENCH_UPLOAD_CONTENT_TYPE (with its boundary),
-- BENCH_UPLOAD_AUTHORIZATION (optional header value), BENCH_UPLOAD_EXPECT (optional text every response body must
-- contain; done() prints how many did not, as "responses without EXPECT: N").
local file = assert(io.open(assert(os.getenv("BENCH_UPLOAD_BODY"), "BENCH_UPLOAD_BODY is not set"), "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = assert(os.getenv("BENCH_UPLOAD_CONTENT_TYPE"), "BENCH_UPLOAD_CONTENT_TYPE is not set")
local authorization = os.getenv("BENCH_UPLOAD_AUTHORIZATION")
if authorization and authorization ~= "" then wrk.headers["Authorization"] = authorization end

local expect = os.getenv("BENCH_UPLOAD_EXPECT")
if expect and expect ~= "" then
    -- Only defined when wanted: with a response() function wrk hands every body to Lua, which costs a little.
    local threads = {}
    function setup(thread) table.insert(threads, thread) end
    function init(args) misses = 0 end
    function response(status, headers, body)
        if not body or not body:find(expect, 1, true) then misses = misses + 1 end
    end
    function done(summary, latency, requests)
        local total = 0
        for _, thread in ipairs(threads) do total = total + thread:get("misses") end
        io.write(string.format("responses without %s: %d\n", expect, total))
    end
end
