"""Distributed mode's store I/O against a real Apache Kafka 3.9.1 broker from tools/kafka:
creating and checking the internal topics (server/kafka/internal_topics.h, which needs
CreateTopics and DescribeConfigs, which the embedded broker does not answer) and KafkaLog over
transactions and topics that do not exist. The checks are the gtest binary
internal_topics_kafka_test; this file starts a fresh broker (the tests create fixed topic names)
and tells the binary where it is."""

import os
import subprocess
import sys

from conftest import BUILD

TEST_BINARY = BUILD / "tests" / "internal_topics_kafka_test"


def test_internal_topics_and_kafka_log_against_a_real_broker(kafka_broker):
    r = subprocess.run([str(TEST_BINARY)],
                       env=dict(os.environ, SLUICE_TEST_KAFKA_BOOTSTRAP=kafka_broker),
                       capture_output=True, text=True, timeout=300)
    sys.stdout.write(r.stdout[-20000:])
    sys.stderr.write(r.stderr[-5000:])
    assert r.returncode == 0, "internal_topics_kafka_test failed; see its output above"
