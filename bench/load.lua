-- wrk script for bench/load.sh: a mixed load of reads and writes over the catalog load.sh
-- preloaded (domains load-DD, products p-PPP, each with one OpenAPI version).
-- usage: wrk ... -s bench/load.lua URL -- TOKEN DOMAINS PRODUCTS WRITE_PERCENT
--
-- Reads (100 - WRITE_PERCENT %): GET .../versions/latest, GET a product, GET /products?q=
-- (search) and a domain's product list. Writes (WRITE_PERCENT %, half each): PUT of a product
-- with a new description, POST of a new contract version; every write's content is unique
-- (thread number and request count), so each one really writes. The new contracts differ from
-- the earlier ones in their info only: compatible under any mode.
--
-- done() prints one line load.sh reads:
--   LOAD requests=N seconds=S ok=N conflicts=N bad=N sockerr=N p50=MS p99=MS p999=MS max=MS
-- ok: 2xx answers; conflicts: 409 answers (a version POST that kept meeting newer versions
-- while it was checked: the registry's documented "retry", possible when two connections
-- write the same product at once); bad: any other answer; sockerr: wrk's connect, read, write
-- and timeout errors. Then "LOAD first-bad ..." with the first unexpected answers, if any.

local threads = {}
local next_thread = 0

function setup(thread)
	thread:set("thread_no", next_thread)
	next_thread = next_thread + 1
	table.insert(threads, thread)
end

local token, domains, products, write_percent, count, headers

-- Per thread, read back by done() through thread:get (so global in the thread's state).
ok, conflicts, bad, first_bad = 0, 0, 0, ""

function init(args)
	token = args[1]
	domains = tonumber(args[2]) or 4
	products = tonumber(args[3]) or 50
	write_percent = tonumber(args[4]) or 10
	count = 0
	headers = {["Authorization"] = "Bearer " .. token,
	           ["Content-Type"] = "application/json"}
	math.randomseed(os.time() + (thread_no or 0) * 7919)
end

local function product_doc(dom, prod, unique)
	return string.format(
		'{"apiVersion":"driveway/v1","kind":"DataProduct","metadata":{"domain":"%s",' ..
		'"name":"%s","owner":"team-%s","lifecycle":"production","title":"Load %s %s",' ..
		'"description":"revision %s","tags":["load","bench"]},"spec":{"type":"api",' ..
		'"contract":{"format":"openapi"},"sla":{"availability":99.9,"latencyP99Ms":200}}}',
		dom, prod, dom, dom, prod, unique)
end

local function contract(dom, prod, unique)
	return string.format(
		'{"format":"openapi","contract":{"openapi":"3.1.0","info":{"title":"%s %s",' ..
		'"version":"%s"},"paths":{"/items/{id}":{"get":{"operationId":"getItem",' ..
		'"parameters":[{"name":"id","in":"path","required":true,"schema":{"type":' ..
		'"string"}}],"responses":{"200":{"description":"The item","content":{' ..
		'"application/json":{"schema":{"type":"object","properties":{"id":{"type":' ..
		'"string"},"price":{"type":"number"}}}}}}}}}}}}',
		dom, prod, unique)
end

function request()
	count = count + 1
	local dom = string.format("load-%02d", math.random(0, domains - 1))
	local prod = string.format("p-%03d", math.random(0, products - 1))
	local path = "/domains/" .. dom .. "/products/" .. prod
	local dice = math.random() * 100
	local unique = string.format("t%d-%d", thread_no or 0, count)

	if dice < write_percent / 2 then
		return wrk.format("PUT", path, headers, product_doc(dom, prod, unique))
	elseif dice < write_percent then
		return wrk.format("POST", path .. "/versions", headers, contract(dom, prod, unique))
	end
	-- reads, in the remaining share: latest 40%, product 25%, search 20%, listing 15%
	local r = (dice - write_percent) / (100 - write_percent)
	if r < 0.40 then
		return wrk.format("GET", path .. "/versions/latest")
	elseif r < 0.65 then
		return wrk.format("GET", path)
	elseif r < 0.85 then
		return wrk.format("GET", "/products?q=" .. prod .. "&limit=20")
	end
	return wrk.format("GET", "/domains/" .. dom .. "/products?limit=20")
end

function response(status, hdrs, body)
	if status >= 200 and status < 300 then
		ok = ok + 1
	elseif status == 409 then
		conflicts = conflicts + 1
	else
		bad = bad + 1
		if #first_bad < 600 then
			first_bad = first_bad .. string.format("[%d %s] ", status,
				string.sub(body or "", 1, 160))
		end
	end
end

function done(summary, latency, requests)
	local o, c, b, first = 0, 0, 0, ""
	for _, t in ipairs(threads) do
		o = o + t:get("ok")
		c = c + t:get("conflicts")
		b = b + t:get("bad")
		first = first .. t:get("first_bad")
	end
	local e = summary.errors
	io.write(string.format(
		"LOAD requests=%d seconds=%.3f ok=%d conflicts=%d bad=%d sockerr=%d " ..
		"p50=%.3f p99=%.3f p999=%.3f max=%.3f\n",
		summary.requests, summary.duration / 1e6, o, c, b,
		e.connect + e.read + e.write + e.timeout,
		latency:percentile(50) / 1000, latency:percentile(99) / 1000,
		latency:percentile(99.9) / 1000, latency.max / 1000))
	if first ~= "" then
		io.write("LOAD first-bad " .. first .. "\n")
	end
end
