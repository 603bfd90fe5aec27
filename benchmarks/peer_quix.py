"""Quix Streams: 5-minute tumbling windows over event time, final results only.

The event time is the record's `ts` field (a timestamp extractor), windows are per message key,
and `.final()` emits a window once it is closed (Quix Streams' default closing strategy "key":
a key's window closes when a later record of that key moves its time past the window's end plus
the grace). Everything else is Quix Streams' defaults: at-least-once, RocksDB state with a
changelog topic, commits every 5 seconds. `--no-changelog` turns the changelog topic off.

The embedded broker (librdkafka's mock cluster) announces a controller that does not exist, so
the admin requests Quix Streams makes at start (DescribeConfigs, CreateTopics) time out with
"Failed while waiting for controller". `metadata_only_topic_admin` replaces those two admin calls:
topic settings are read from the cluster's metadata and topics are never created, so the changelog
topic must exist beforehand (`--list-internal-topics` prints its name; `compare.py` has the broker
create it). Consuming, state, windows, producing and committing are Quix Streams' own code.
"""

from __future__ import annotations

import logging
import sys
import tempfile
from datetime import timedelta

from quixstreams import Application
from quixstreams.dataframe.windows import Count, Max, Mean, Min
from quixstreams.models.topics import TopicConfig
from quixstreams.models.topics.admin import TopicAdmin

from common import Throughput, peer_arguments, print_summary, window_result

# The mock cluster keeps every record it can (about 5 MB per partition): no retention by time or size.
UNLIMITED_RETENTION = {"retention.ms": "-1", "retention.bytes": "-1"}


def metadata_only_topic_admin(offline_partitions: int | None = None) -> list[str]:
    """Replaces TopicAdmin's DescribeConfigs and CreateTopics calls.

    With `offline_partitions`, no broker is asked: every topic is taken to exist with that many
    partitions, and the returned list collects the names of the topics Quix Streams asks about.
    """
    asked: list[str] = []

    def inspect_topics(self, topic_names, timeout=30):
        asked.extend(topic_names)
        if offline_partitions is not None:
            return {name: TopicConfig(offline_partitions, 1, dict(UNLIMITED_RETENTION)) for name in topic_names}
        cluster = self.list_topics(timeout=timeout)
        return {
            name: TopicConfig(len(cluster[name].partitions), 1, dict(UNLIMITED_RETENTION)) if name in cluster else None
            for name in topic_names
        }

    def create_topics(self, topics, timeout=30, finalize_timeout=60):
        names = ", ".join(topic.name for topic in topics)
        raise SystemExit(f"topics missing on the broker (create them first; see --list-internal-topics): {names}")

    TopicAdmin.inspect_topics = inspect_topics
    TopicAdmin.create_topics = create_topics
    return asked


def main() -> None:
    parser = peer_arguments(__doc__.splitlines()[0])
    parser.add_argument("--no-changelog", action="store_true", help="keep window state in RocksDB only")
    parser.add_argument("--closing-strategy", choices=["key", "partition"], default="key")
    parser.add_argument(
        "--list-internal-topics",
        type=int,
        metavar="PARTITIONS",
        help="print the topics Quix Streams needs besides the input (input with PARTITIONS partitions) and exit",
    )
    arguments = parser.parse_args()
    asked = metadata_only_topic_admin(offline_partitions=arguments.list_internal_topics)

    state_dir = tempfile.mkdtemp(prefix="quix-state-")
    app = Application(
        broker_address=arguments.bootstrap,
        consumer_group=arguments.group,
        auto_offset_reset="earliest",
        state_dir=state_dir,
        use_changelog_topics=not arguments.no_changelog,
        loglevel=logging.WARNING,
    )
    topic = app.topic(
        arguments.topic,
        value_deserializer="json",
        timestamp_extractor=lambda value, headers, timestamp, timestamp_type: value["ts"],
    )
    throughput = Throughput()
    closed = 0
    output = open(arguments.output, "w") if arguments.list_internal_topics is None else None

    def count_record(value: dict) -> None:
        throughput.consumed()
        if throughput.records >= arguments.records:
            app.stop()

    def write_window(window: dict, key: bytes, timestamp: int, headers) -> None:
        nonlocal closed
        closed += 1
        output.write(
            window_result(key.decode(), window["start"], window["end"], window["count"], window["mean"], window["min"], window["max"])
            + "\n"
        )

    sdf = app.dataframe(topic)
    sdf = sdf.update(count_record)
    sdf = (
        sdf.tumbling_window(duration_ms=timedelta(milliseconds=arguments.window_ms), grace_ms=arguments.grace_ms)
        .agg(count=Count(), mean=Mean("value"), min=Min("value"), max=Max("value"))
        .final(closing_strategy=arguments.closing_strategy)
    )
    sdf = sdf.update(write_window, metadata=True)

    if arguments.list_internal_topics is not None:
        print("\n".join(sorted(set(asked) - {arguments.topic})))
        sys.exit(0)
    app.run()
    output.close()
    print_summary(
        "Quix Streams" + (" (no changelog)" if arguments.no_changelog else ""),
        throughput,
        closed,
        changelog=not arguments.no_changelog,
        closing_strategy=arguments.closing_strategy,
    )


if __name__ == "__main__":
    main()
