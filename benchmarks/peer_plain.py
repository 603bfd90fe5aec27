"""A hand-written confluent-kafka consumer loop: 5-minute tumbling windows over event time.

The loop a user would write instead of a framework. Per partition it buffers each record's value
by (window start, key), keeps the partition's stream time (the largest event time seen), and
emits a window when the stream time reaches the window's end plus the grace. A record whose window
has already reached that point is late and dropped (counted). Offsets are committed
at-least-once: every second, for each partition, the first offset of its oldest open window (or the
next offset when nothing is open), so a restart re-reads exactly the records still buffered.
Windows still open when the loop stops are not emitted (no later record closed them).
"""

from __future__ import annotations

import json
import time

from confluent_kafka import Consumer, TopicPartition

from common import Throughput, peer_arguments, print_summary, statistics, window_result


class PartitionWindows:
    """The open windows of one partition and its stream time."""

    def __init__(self) -> None:
        self.stream_time = -1
        self.open: dict[int, dict[str, list[float]]] = {}  # window start -> key -> values
        self.first_offset: dict[int, int] = {}  # window start -> first offset buffered in it
        self.next_offset = 0

    def safe_offset(self) -> int:
        return min(self.first_offset.values()) if self.first_offset else self.next_offset


def main() -> None:
    arguments = peer_arguments(__doc__.splitlines()[0]).parse_args()
    size, grace = arguments.window_ms, arguments.grace_ms
    consumer = Consumer(
        {
            "bootstrap.servers": arguments.bootstrap,
            "group.id": arguments.group,
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
        }
    )
    consumer.subscribe([arguments.topic])
    partitions: dict[int, PartitionWindows] = {}
    throughput = Throughput()
    closed = late = 0
    last_commit = time.monotonic()
    with open(arguments.output, "w") as output:
        while throughput.records < arguments.records:
            messages = consumer.consume(num_messages=10_000, timeout=1.0)
            if not messages:
                continue
            throughput.received()
            touched: set[int] = set()
            for message in messages:
                if message.error():
                    raise SystemExit(f"consumer error: {message.error()}")
                reading = json.loads(message.value())
                event_time = reading["ts"]
                state = partitions.get(message.partition())
                if state is None:
                    state = partitions[message.partition()] = PartitionWindows()
                state.next_offset = message.offset() + 1
                start = event_time - event_time % size
                if start + size + grace <= state.stream_time:
                    late += 1
                    continue
                if event_time > state.stream_time:
                    state.stream_time = event_time
                window = state.open.get(start)
                if window is None:
                    window = state.open[start] = {}
                    state.first_offset[start] = message.offset()
                window.setdefault(message.key().decode(), []).append(reading["value"])
                touched.add(message.partition())

            for partition in touched:
                state = partitions[partition]
                for start in sorted(s for s in state.open if s + size + grace <= state.stream_time):
                    for key, values in state.open.pop(start).items():
                        output.write(window_result(key, start, start + size, *statistics(values)) + "\n")
                        closed += 1
                    del state.first_offset[start]
            if time.monotonic() - last_commit >= 1.0:
                offsets = [TopicPartition(arguments.topic, p, s.safe_offset()) for p, s in partitions.items()]
                consumer.commit(offsets=offsets, asynchronous=True)
                last_commit = time.monotonic()
            throughput.consumed(len(messages))
    if partitions:
        consumer.commit(offsets=[TopicPartition(arguments.topic, p, s.safe_offset()) for p, s in partitions.items()])
    consumer.close()
    print_summary("confluent-kafka loop", throughput, closed, late=late)


if __name__ == "__main__":
    main()
