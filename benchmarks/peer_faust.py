"""Faust (faust-streaming): a tumbling-window table over event time, per message key.

An agent reads the readings and keeps (count, sum, min, max) of `value` in a windowed table
(`Table(...).tumbling(5 minutes).relative_to(event time of the record's ts)`), whose changelog topic
records every update: Faust's own fault tolerance. Faust's defaults otherwise (aiokafka,
at-least-once, in-memory store).

Faust does not close windows by event time. A windowed table drops a window (and calls
`on_window_close`) when the window is older than `expires` measured against the *wall clock*
(`time.time()`), at each `table_cleanup_interval`. The readings' event times lie in the past, so
with any `expires` shorter than their age every window, the ones still filling included, is
closed at the first clean-up, with whatever it holds then: those results would be partial. So
this program sets `expires` to ten years (nothing expires during the run) and, once it has
consumed every record, writes each window the table holds. The windows the other systems close
are all complete by then, and the last window of each key (which no event-time system closes) is
written too; `compare.py` compares only the windows every system closes.

The embedded broker announces a controller that does not exist, so Faust's topic creation
(CreateTopics) would time out: `topic_allow_declare=False` and `topic_disable_leader=True`, and
the changelog topic `<group>-stats-changelog` must exist beforehand (`compare.py` has the broker
create it).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import tempfile
from datetime import timedelta

import faust

from common import Throughput, peer_arguments, print_summary, window_result


class Reading(faust.Record, serializer="json"):
    sensor: str
    ts: int
    value: float


def main() -> None:
    arguments = peer_arguments(__doc__.splitlines()[0]).parse_args()
    size_seconds = arguments.window_ms / 1000
    app = faust.App(
        arguments.group,
        broker=f"kafka://{arguments.bootstrap}",
        store="memory://",
        topic_allow_declare=False,
        topic_disable_leader=True,
        topic_partitions=6,
        consumer_auto_offset_reset="earliest",
        web_enabled=False,
        datadir=tempfile.mkdtemp(prefix="faust-data-"),
    )
    readings = app.topic(arguments.topic, key_type=bytes, key_serializer="raw", value_type=Reading)
    stats = (
        app.Table("stats", default=lambda: None, partitions=6)
        .tumbling(size_seconds, expires=timedelta(days=3650))
        .relative_to(lambda event: event.value.ts / 1000)
    )
    throughput = Throughput()

    def write_results() -> int:
        windows = 0
        with open(arguments.output, "w") as output:
            for (key, (start, _end)), (count, total, minimum, maximum) in stats.table.data.items():
                start_ms = round(start * 1000)
                output.write(
                    window_result(key, start_ms, start_ms + arguments.window_ms, count, total / count, minimum, maximum) + "\n"
                )
                windows += 1
        return windows

    @app.agent(readings)
    async def aggregate(stream):
        async for reading in stream:
            throughput.received()
            current = stats[reading.sensor].current()
            value = reading.value
            if current is None:
                stats[reading.sensor] = (1, value, value, value)
            else:
                count, total, minimum, maximum = current
                stats[reading.sensor] = (count + 1, total + value, min(minimum, value), max(maximum, value))
            throughput.consumed()
            if throughput.records >= arguments.records:
                windows = write_results()
                print_summary("Faust", throughput, windows, closes_windows_by="end of run (see the module docstring)")
                os.kill(os.getpid(), signal.SIGTERM)

    @app.task
    async def quiet_logging() -> None:
        # The worker's --loglevel filters at its handler only: aiokafka would still build a debug
        # record for every message sent. A user would turn that off; so do we.
        for name in ("aiokafka", "faust", "mode"):
            logging.getLogger(name).setLevel(logging.WARNING)

    sys.argv = [sys.argv[0], "worker", "--loglevel", "warn", "--without-web"]
    app.main()


if __name__ == "__main__":
    main()
