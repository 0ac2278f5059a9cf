import random, sys
from pipeline.bench import textbench as t
arts = t.load_articles(); rng = random.Random(t.SEED)
for name in t.REGIMES:
    for a in arts:
        text, truth = t.make_case(a, t.REGIMES[name], rng)
        if name == sys.argv[1] and a["id"] == sys.argv[2]:
            print(text); print("---- OUT"); print("\n".join(t.reflow(text)))
