-- POSTs one body and counts replies that are not exactly the expected
-- status and body.  wrk ... -s wrk-expect.lua URL -- BODY_FILE REPLY_FILE
local threads = {}

local function slurp(path)
    local f = assert(io.open(path, "rb"))
    local s = f:read("*a")
    f:close()
    return s
end

function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    wrk.method = "POST"
    wrk.body = slurp(args[1])
    wrk.headers["Content-Type"] = "application/json"
    expected = slurp(args[2])
    replies = 0
    wrong = 0
    first_wrong = ""
end

function response(status, headers, body)
    replies = replies + 1
    if status ~= 200 or body ~= expected then
        wrong = wrong + 1
        if first_wrong == "" then
            first_wrong = status .. " " .. body
        end
    end
end

function done(summary, latency, requests)
    local replies, wrong, first = 0, 0, ""
    for _, t in ipairs(threads) do
        replies = replies + t:get("replies")
        wrong = wrong + t:get("wrong")
        if first == "" then
            first = t:get("first_wrong")
        end
    end
    local e = summary.errors
    io.write(string.format(
        "MLCLF requests=%d replies=%d wrong=%d connect=%d read=%d "
        .. "write=%d status=%d timeout=%d max_us=%d\n",
        summary.requests, replies, wrong, e.connect, e.read, e.write,
        e.status, e.timeout, latency.max))
    if first ~= "" then
        io.write("MLCLF first_wrong " .. first .. "\n")
    end
end
