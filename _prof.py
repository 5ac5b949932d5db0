import sys, asyncio, time, json, random, cProfile, pstats
sys.path.insert(0,'tools')
import handwritten, make_cases
from engine.serve.app import create_app
from engine.serve.limits import Limits
app=create_app('rules/lt/benefits-for-children', Limits(max_concurrent=64))
rng=random.Random(1)
LUMP=["lump_sum_child_benefit", "lump_sum_settlement_benefit", "pregnant_woman_benefit"]
bodies=[json.dumps({"on": on.isoformat(), "facts": make_cases.nested(f), "decisions": LUMP}).encode() for f,on in (handwritten.random_case(rng) for _ in range(300))]
async def call(body):
    scope={"type":"http","asgi":{"version":"3.0"},"http_version":"1.1","method":"POST","scheme":"http","path":"/rulebooks/lt/benefits-for-children/decide","raw_path":b"/rulebooks/lt/benefits-for-children/decide","query_string":b"","root_path":"","headers":[(b"host",b"x"),(b"content-type",b"application/json"),(b"content-length",str(len(body)).encode())],"client":("127.0.0.1",1),"server":("127.0.0.1",80)}
    sent=False
    async def receive():
        nonlocal sent
        if not sent:
            sent=True; return {"type":"http.request","body":body,"more_body":False}
        await asyncio.sleep(10)
    out=[]
    async def send(m): out.append(m)
    await app(scope, receive, send)
    assert out[0]["status"]==200, out
async def main(n):
    t0=time.perf_counter()
    for i in range(n): await call(bodies[i%300])
    return (time.perf_counter()-t0)/n
print("per request us", asyncio.run(main(2000))*1e6)
#cProfile.run("asyncio.run(main(2000))", "/tmp/prof.out")
#st=pstats.Stats("/tmp/prof.out"); st.sort_stats("tottime").print_stats(18)

from engine.serve import limits as L
async def inline(self, fn):
    return fn(L.Deadline(10))
orig=L.Gate.run
L.Gate.run=inline
print("inline per request us", asyncio.run(main(2000))*1e6)
L.Gate.run=orig
print("thread per request us", asyncio.run(main(2000))*1e6)
import concurrent.futures
ex=concurrent.futures.ThreadPoolExecutor(2)
async def plain(self, fn):
    return await asyncio.get_running_loop().run_in_executor(ex, fn, L.Deadline(10))
L.Gate.run=plain
print("executor per request us", asyncio.run(main(2000))*1e6)
