"""``sincerity bench``: speed, live latency and accuracy on this machine, with the peers.

One module per concern: machine (what it ran on), speed (post-call RTF per stage), live
(latency and CPU at real-time pace), accuracy (scoring labelled calls), peers (plain
faster-whisper, the laughter peer), throughput (batch), record (the versioned JSON),
compare (against a previous record), runner (all of it in one process).  The shipped
labelled set is in ``data/`` (made by benchmarks/make_bench_set.py).
"""
