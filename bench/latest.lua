-- wrk script for bench/read.sh: rotates GET .../versions/latest over every product the
-- benchmark loaded, so the run reads the whole catalog instead of one hot row.
-- usage: wrk ... -s bench/latest.lua URL -- DOMAINS PRODUCTS
-- Products are named as read.sh loads them: domain bench-DD, product p-PPPP.

local next_thread = 0

function setup(thread)
	thread:set("thread_no", next_thread)
	next_thread = next_thread + 1
end

local domains, products, i

function init(args)
	domains = tonumber(args[1]) or 10
	products = tonumber(args[2]) or 1000
	-- Threads start far apart so they do not read the same rows in step.
	i = (thread_no or 0) * 7919
end

function request()
	i = i + 1
	local d = i % domains
	local p = math.floor(i / domains) % products
	return wrk.format("GET", string.format(
		"/domains/bench-%02d/products/p-%04d/versions/latest", d, p))
end
