-- wrk script for scripts/http-bench.sh: a deterministic, realistic POST /identify mix
-- (or GET /health through the same Lua path, so both routes pay the same client cost).
--
--   wrk -t2 -c64 -d10s -s scripts/http-bench.lua http://127.0.0.1:PORT -- MODE SEED BASE [POOL]
--
-- MODE: "identify" or "health". SEED: each thread seeds LuaJIT's math.random with
-- SEED + its index, so a run's request stream is the same every time. BASE: the first
-- customer number; threads use BASE + index * 10,000,000, so runs (and threads) whose
-- bases differ by 10,000,000 per thread share no values (scripts/http-bench.sh gives the
-- warm-up and each round its own base). Customer numbers must stay below 399,999,999.
-- POOL: customers active at once per thread (default 1,000; a larger pool starts with more
-- first orders, which all write, and needs a longer run to reach the stream's steady mix).
--
-- The stream is shaped like the benchmark's `orders` workload
-- (Benchmarks/Sources/identity-benchmark/Workload.swift): customers with 1-3 emails
-- (70/20/10%) and 1-2 phone numbers (80/20%), 3% of customers sharing their first phone
-- number with an earlier customer (a household), heavy-tailed orders per customer (a
-- discrete Pareto with alpha 1.3, capped at 2,000), 60% of orders with both fields, 20%
-- email only, 20% phone only, the main email and phone 70% of the time, one email in ten
-- with capitals and phone numbers in three formats. The benchmark shuffles a whole
-- pre-generated stream; here customers interleave through a pool: each request picks a
-- random active customer, and a customer whose orders are used up is replaced by a new one.
--
-- done() prints one parseable line:
--   WRK_RESULT requests=N duration_us=N bytes=N p50_us=N p90_us=N p99_us=N max_us=N
--   mean_us=N connect=N read=N write=N status=N timeout=N generated=N new_values=N
-- where status counts responses with a status over 399 (a non-2xx answer would make the
-- identify figures meaningless, so scripts/http-bench.sh requires it to be 0), generated
-- counts the requests the script built and new_values those of them carrying an email or
-- phone number the thread had not sent before: each of those writes a row (the rest only
-- read, apart from the rare merge), about 40% in the benchmark's 1,000,000-order stream.

local threads = {}

function setup(thread)
    thread:set("thread_index", #threads)
    threads[#threads + 1] = thread
end

local names = { "ann", "bob", "chen", "dara", "eli", "fatima", "goran", "hana", "ivan", "jo" }
local domains = { "example.com", "mail.example.org", "shop.example.net", "inbox.example.io" }
local email_counts = { 1, 1, 1, 1, 1, 1, 1, 2, 2, 3 }

local random = math.random
local prefix -- the request line and headers up to "Content-Length: "
local health_request
local mode
local pool = {}
local pool_size
local next_number
local first_phones = {} -- every customer's first phone number, for households
local customers = 0
local seen = {} -- every value sent, to count the requests that write
generated = 0 -- read by done() through thread:get
new_values = 0

-- Orders per customer: P(orders >= x) = x^-1.3, at least 1, at most 2,000.
local function pareto_orders()
    local uniform = random()
    if uniform <= 0 then uniform = 1e-12 end
    return math.min(2000, math.floor(math.exp(-math.log(uniform) / 1.3)))
end

local function new_customer()
    local number = next_number
    next_number = next_number + 1
    local name = names[number % #names + 1]
    local emails = {}
    for index = 0, email_counts[random(10)] - 1 do
        local domain = domains[random(#domains)]
        local localpart = name .. "." .. number .. (index == 0 and "" or ("+" .. index))
        if random(10) == 1 then
            -- One address in ten arrives with capitals, as people type them.
            emails[#emails + 1] = localpart:sub(1, 1):upper() .. localpart:sub(2) .. "@" .. domain:upper()
        else
            emails[#emails + 1] = localpart .. "@" .. domain
        end
    end
    local phones = {}
    for index = 0, (random(5) == 1 and 2 or 1) - 1 do
        -- Nine digits, distinct for every customer number below 399,999,999.
        local text = tostring(200000000 + number * 2 + index)
        local format = random(3)
        if format == 1 then
            phones[#phones + 1] = "+1" .. text
        elseif format == 2 then
            phones[#phones + 1] = "+1 (" .. text:sub(1, 3) .. ") " .. text:sub(4, 6) .. "-" .. text:sub(7)
        else
            phones[#phones + 1] = "+1 " .. text:sub(1, 3) .. " " .. text:sub(4)
        end
    end
    -- A household: the first phone number of an earlier customer.
    if customers > 0 and random() < 0.03 then
        phones[1] = first_phones[random(customers)]
    end
    customers = customers + 1
    first_phones[customers] = phones[1]
    return { emails = emails, phones = phones, orders = pareto_orders() }
end

-- The main value 70% of the time, another one otherwise.
local function pick(values)
    if #values == 1 or random(10) <= 7 then return values[1] end
    return values[random(2, #values)]
end

function init(args)
    mode = args[1] or "identify"
    local seed = tonumber(args[2] or "1")
    local base = tonumber(args[3] or "0")
    pool_size = tonumber(args[4] or "1000")
    local index = thread_index or 0
    math.randomseed(seed + index)
    next_number = base + index * 10000000
    local host = wrk.host .. (wrk.port and (":" .. wrk.port) or "")
    health_request = "GET /health HTTP/1.1\r\nHost: " .. host .. "\r\n\r\n"
    prefix = "POST /identify HTTP/1.1\r\nHost: " .. host
        .. "\r\nContent-Type: application/json\r\nContent-Length: "
    if mode == "identify" then
        for slot = 1, pool_size do pool[slot] = new_customer() end
    elseif mode ~= "health" then
        error("MODE must be identify or health, not " .. mode)
    end
end

function request()
    if mode == "health" then return health_request end
    local slot = random(pool_size)
    local customer = pool[slot]
    local body, email, phone
    local kind = random(10)
    if kind <= 6 then
        email, phone = pick(customer.emails), pick(customer.phones)
        body = '{"email":"' .. email .. '","phoneNumber":"' .. phone .. '"}'
    elseif kind <= 8 then
        email = pick(customer.emails)
        body = '{"email":"' .. email .. '"}'
    else
        phone = pick(customer.phones)
        body = '{"phoneNumber":"' .. phone .. '"}'
    end
    generated = generated + 1
    if (email and not seen[email]) or (phone and not seen[phone]) then
        new_values = new_values + 1
        if email then seen[email] = true end
        if phone then seen[phone] = true end
    end
    customer.orders = customer.orders - 1
    if customer.orders == 0 then pool[slot] = new_customer() end
    return prefix .. #body .. "\r\n\r\n" .. body
end

function done(summary, latency, requests)
    local errors = summary.errors
    local generated, new_values = 0, 0
    for _, thread in ipairs(threads) do
        generated = generated + (thread:get("generated") or 0)
        new_values = new_values + (thread:get("new_values") or 0)
    end
    io.write(string.format(
        "WRK_RESULT requests=%d duration_us=%d bytes=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d mean_us=%d "
            .. "connect=%d read=%d write=%d status=%d timeout=%d generated=%d new_values=%d\n",
        summary.requests, summary.duration, summary.bytes,
        latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
        errors.connect, errors.read, errors.write, errors.status, errors.timeout, generated, new_values))
end
