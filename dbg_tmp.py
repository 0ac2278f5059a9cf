import random, sys
from pipeline.bench import textbench as t
from pipeline.bench.score import paragraph_boundary_scores, fold
arts = t.load_articles()
rng = random.Random(t.SEED)
regime = sys.argv[1]
show = int(sys.argv[2]) if len(sys.argv) > 2 else 5
order = list(t.REGIMES)
for name in order:
    for a in arts:
        text, truth = t.make_case(a, t.REGIMES[name], rng)
        if name != regime: continue
        out = t.reflow(text)
        s = paragraph_boundary_scores(truth, out)
        if s.f1 < 1 and show > 0:
            show -= 1
            print("=====", a["id"], s)
            tf = [fold(p) for p in truth]; of = [fold(p) for p in out]
            # boundaries in truth not in out, and vice versa
            import itertools
            tb = set(itertools.accumulate(len(x) for x in tf)); ob = set(itertools.accumulate(len(x) for x in of))
            joined = "".join(tf)
            for b in sorted(tb - ob): print("  MISSED ", joined[max(0,b-12):b], "|", joined[b:b+12])
            for b in sorted(ob - tb): print("  EXTRA  ", joined[max(0,b-12):b], "|", joined[b:b+12])
            if show == 0 or '-v' in sys.argv: print(text)
