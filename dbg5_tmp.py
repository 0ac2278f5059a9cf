import random, sys
from pipeline.bench import textbench as t
from pipeline.bench.score import fold
arts = t.load_articles(); rng = random.Random(t.SEED)
for name in t.REGIMES:
    for a in arts:
        text, truth, mixed = t.make_case(a, t.REGIMES[name], rng)
        out = t.reflow(text)
        if "heading" in mixed and not t._stands_alone(mixed["heading"], t.ROLE_TESTS["heading"], out):
            h = mixed["heading"]
            near = [ (r.value, x[:40]) for r, x in out if fold(h)[:6] in fold(x) or fold(x) in fold(h)]
            print(name, a["id"], "|", h, "|", near)
