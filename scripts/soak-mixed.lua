-- Mixed load for scripts/soak.sh: rotates good single rows, bad rows
-- (wrong feature count: 400 bad_shape), batches of 10 rows, GET
-- /metrics and GET /health.  Counts what was sent per type and classifies
-- each reply by its status and body; done() prints one summary line.

local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

local kinds = { "good", "bad", "batch", "good", "metrics", "good", "health" }
local reqs = {}

function init(args)
    local json = { ["Content-Type"] = "application/json" }
    local row = "[5.1, 3.5, 1.4, 0.2]"
    local rows = {}
    for i = 1, 10 do
        rows[i] = row
    end
    reqs.good = wrk.format("POST", "/predict", json,
                           '{"features": ' .. row .. '}')
    reqs.bad = wrk.format("POST", "/predict", json,
                          '{"features": [5.1, 3.5, 1.4]}')
    reqs.batch = wrk.format("POST", "/predict", json,
                            '{"instances": [' .. table.concat(rows, ",")
                            .. ']}')
    reqs.metrics = wrk.format("GET", "/metrics")
    reqs.health = wrk.format("GET", "/health")
    i = 0
    sent = { good = 0, bad = 0, batch = 0, metrics = 0, health = 0 }
    got = { good = 0, bad = 0, batch = 0, metrics = 0, health = 0,
            other = 0 }
end

function request()
    i = i % #kinds + 1
    local k = kinds[i]
    sent[k] = sent[k] + 1
    return reqs[k]
end

function response(status, headers, body)
    local k = "other"
    if status == 200 then
        if body:find('^{"prediction"') then
            k = "good"
        elseif body:find('"predictions":') then
            k = "batch"
        elseif body:find("^# HELP") then
            k = "metrics"
        elseif body:find('^{"status":"ok"') then
            k = "health"
        end
    elseif status == 400 and body:find('"reason":"bad_shape"') then
        k = "bad"
    end
    got[k] = got[k] + 1
end

function done(summary, latency, requests)
    local s, g = {}, {}
    for _, t in ipairs(threads) do
        for k, n in pairs(t:get("sent")) do
            s[k] = (s[k] or 0) + n
        end
        for k, n in pairs(t:get("got")) do
            g[k] = (g[k] or 0) + n
        end
    end
    local out = {}
    for _, k in ipairs({ "good", "bad", "batch", "metrics", "health" }) do
        table.insert(out, string.format("sent_%s=%d got_%s=%d", k,
                                        s[k] or 0, k, g[k] or 0))
    end
    local e = summary.errors
    io.write(string.format("SOAK requests=%d %s got_other=%d connect=%d "
                           .. "read=%d write=%d timeout=%d p99_us=%d\n",
                           summary.requests, table.concat(out, " "),
                           g.other or 0, e.connect, e.read, e.write,
                           e.timeout, latency:percentile(99)))
end
