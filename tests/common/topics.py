"""Reading a topic in tests: every record from the beginning, with a deadline."""

from waiting import wait_for


def read_topic(bootstrap, topic, count, timeout, partitions=None):
    """Reads `topic` from the beginning of each partition until at least `count` records came
    (fails at the deadline); returns them (confluent_kafka Messages, in arrival order)."""
    from confluent_kafka import Consumer, TopicPartition
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": f"test-read-{topic}",
                  "enable.auto.commit": False})
    got = []
    try:
        if partitions is None:
            def partition_count():
                meta = c.list_topics(topic, timeout=5).topics.get(topic)
                return len(meta.partitions) if meta is not None and meta.error is None else 0
            partitions = wait_for(partition_count, timeout, f"topic {topic} to exist")
        c.assign([TopicPartition(topic, p, 0) for p in range(partitions)])
        wait_for(lambda: got.extend(m for m in c.consume(500, 0.2) if m.error() is None)
                 or len(got) >= count, timeout, f"{count} records in {topic}")
    finally:
        c.close()
    return got
