import random, sys
from pipeline.bench import textbench as t
from pipeline import textmode as tm, repair
arts = t.load_articles(); rng = random.Random(t.SEED)
orig = repair.break_score
def traced(line, following, starts, gap):
    s = orig(line, following, starts, gap)
    if sys.argv[3] in line.text:
        print("TRACE", line, following, starts, s, repair._block_full_chars(line, following))
    return s
repair.break_score = traced
for name in t.REGIMES:
    for a in arts:
        text, truth = t.make_case(a, t.REGIMES[name], rng)
        if name == sys.argv[1] and a["id"] == sys.argv[2]:
            t.reflow(text)
