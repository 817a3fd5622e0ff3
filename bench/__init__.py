"""`make bench`: understanding, latency, throughput, start-up and footprint, against stock Rasa.

One module per measurement. ``python -m bench`` (``make bench``) runs them all on
this machine and writes docs/benchmarks.md, docs/bench/*.png and
docs/bench/benchmarks.json; ``--quick`` (``make bench-quick``) is a small smoke
run with reduced stock epochs, writing to results/bench-quick/. Loads come from a
separate process (``bench.loadgen``) aimed at 127.0.0.1 only, bounded in count
and time.
"""
