"""The benchmark suite (`make bench`, `python -m orchestration.bench --events N`).

One run generates N events, then measures, each step in its own child process (wall time, CPU
time and peak RSS from the kernel's accounting of that child): the engine's floor (DuckDB reading
the landing files and sorting them by client and time), a full `dbt build`, an incremental
`dbt build` that lands one more day, the purchase funnel alone, and ClickHouse (chdb)
`windowFunnel` / `retention` over the same events. Results: `bench/results/`. See
docs/benchmarks.md.
"""
