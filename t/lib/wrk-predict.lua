-- POSTs one JSON row; counts non-2xx and the X-Model-Version of replies
local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

-- wrk ... -s wrk-predict.lua URL -- [close]
--   close: "Connection: close", a new connection per request
function init(args)
    wrk.method = "POST"
    wrk.body = '{"features": [5.1, 3.5, 1.4, 0.2]}'
    wrk.headers["Content-Type"] = "application/json"
    if args[1] == "close" then
        wrk.headers["Connection"] = "close"
    end
    non2xx = 0
    versions = {}
end

function response(status, headers, body)
    if status < 200 or status > 299 then
        non2xx = non2xx + 1
    end
    local v = headers["X-Model-Version"] or "none"
    versions[v] = (versions[v] or 0) + 1
end

function done(summary, latency, requests)
    local non, seen = 0, {}
    for _, t in ipairs(threads) do
        non = non + t:get("non2xx")
        for v, n in pairs(t:get("versions")) do
            seen[v] = (seen[v] or 0) + n
        end
    end
    local vs = {}
    for v, n in pairs(seen) do
        table.insert(vs, v .. "=" .. n)
    end
    table.sort(vs)
    local e = summary.errors
    io.write(string.format(
        "MLCLF requests=%d non2xx=%d connect=%d read=%d write=%d "
        .. "status=%d timeout=%d p50_us=%d p99_us=%d max_us=%d "
        .. "versions=%s\n",
        summary.requests, non, e.connect, e.read, e.write, e.status,
        e.timeout, latency:percentile(50), latency:percentile(99),
        latency.max, table.concat(vs, ",")))
end
