import random, sys
from pipeline.bench import textbench as t
from pipeline import textmode as tm
arts = t.load_articles(); rng = random.Random(t.SEED)
orig = tm._column_widths
def traced(run, fallback):
    w = orig(run, fallback)
    for line, ww in zip(run, w):
        if sys.argv[3] in line.text: print("WIDTH", line.text, line.extent, ww)
    return w
tm._column_widths = traced
for name in t.REGIMES:
    for a in arts:
        text, truth = t.make_case(a, t.REGIMES[name], rng)
        if name == sys.argv[1] and a["id"] == sys.argv[2]:
            t.reflow(text)
