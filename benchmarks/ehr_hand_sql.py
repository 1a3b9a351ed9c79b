"""The EHR metrics as an analyst would write them by hand in DuckDB SQL (benchmark baseline).

Same definitions as clinwell for the benchmark's data (times in UTC, weekly periods, idle gaps
over the timeout dropped, schedule-based WOW via an ASOF join on session starts, teamwork for
orders), without validation. Run as a whole process, it imports only DuckDB::

    python benchmarks/ehr_hand_sql.py DATA_DIR OUT.parquet [MEMORY_LIMIT]

``benchmarks/bench_ehr.py`` times it side by side with ``clinwell ehr metrics``.
"""

from __future__ import annotations

import sys

HAND_SQL = """
WITH amap AS (
  SELECT action, CASE activity WHEN 'note' THEN 0 WHEN 'inbox' THEN 1 WHEN 'order' THEN 2
         WHEN 'prescription' THEN 3 WHEN 'chart_review' THEN 4 WHEN 'results' THEN 5 ELSE 6 END
         AS code
  FROM read_csv('{d}/actions.csv')
),
ev AS (
  SELECT e.clinician_id, epoch_us(e.event_time) AS t, coalesce(m.code, 6) AS code
  FROM read_parquet('{d}/events.parquet') e LEFT JOIN amap m USING (action)
),
g AS (
  SELECT clinician_id, t, code,
         lead(t) OVER (PARTITION BY clinician_id ORDER BY t, code) - t AS gap
  FROM ev
),
c AS (
  SELECT clinician_id, t, code,
         CASE WHEN gap IS NULL OR gap > {timeout} THEN 0 ELSE gap END AS credit
  FROM g
),
s AS (
  SELECT clinician_id, epoch_us("start") AS lo, epoch_us("end") AS hi
  FROM read_parquet('{d}/schedule.parquet')
),
w AS (
  SELECT c.*, (s.hi IS NULL OR c.t >= s.hi) AS outside
  FROM c ASOF LEFT JOIN s ON c.clinician_id = s.clinician_id AND c.t >= s.lo
),
agg AS (
  SELECT clinician_id, CAST(date_trunc('week', make_timestamp(t)) AS DATE) AS period_start,
         sum(credit) AS ehr_us, sum(credit) FILTER (outside) AS wow_us,
         sum(credit) FILTER (code = 0) AS note_us, sum(credit) FILTER (code = 1) AS inbox_us,
         sum(credit) FILTER (code = 2) AS order_us, sum(credit) FILTER (code = 3) AS rx_us,
         sum(credit) FILTER (code = 4) AS chart_us
  FROM w GROUP BY ALL
),
sched AS (
  SELECT clinician_id, CAST(date_trunc('week', "start") AS DATE) AS period_start,
         sum(epoch_us("end") - epoch_us("start")) AS sched_us
  FROM read_parquet('{d}/schedule.parquet') GROUP BY ALL
),
ord AS (
  SELECT clinician_id, CAST(date_trunc('week', event_time) AS DATE) AS period_start,
         count(*) AS n, count(*) FILTER (entered_by <> clinician_id) AS team
  FROM read_parquet('{d}/orders.parquet') GROUP BY ALL
)
SELECT clinician_id, period_start,
       coalesce(sched_us, 0) / 3600e6 AS scheduled_hours, coalesce(ehr_us, 0) / 3600e6 AS ehr_hours,
       coalesce(wow_us, 0) / 3600e6 AS wow_hours, coalesce(note_us, 0) / 3600e6 AS note_hours,
       coalesce(inbox_us, 0) / 3600e6 AS inbox_hours, coalesce(order_us, 0) / 3600e6 AS order_hours,
       coalesce(rx_us, 0) / 3600e6 AS prescription_hours,
       coalesce(chart_us, 0) / 3600e6 AS chart_review_hours,
       CASE WHEN n > 0 THEN 100 * team / n END AS teamwork_orders_pct
FROM agg
FULL JOIN sched USING (clinician_id, period_start)
FULL JOIN ord USING (clinician_id, period_start)
ORDER BY clinician_id, period_start
"""


def main(argv: list[str]) -> None:
    import duckdb

    data, out = argv[0], argv[1]
    memory_limit = argv[2] if len(argv) > 2 else "50%"
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute("SET preserve_insertion_order = false")
    query = HAND_SQL.format(d=data, timeout=300 * 1_000_000)
    con.execute(f"COPY ({query}) TO '{out}' (FORMAT parquet)")


if __name__ == "__main__":
    main(sys.argv[1:])
