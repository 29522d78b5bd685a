"""Fixtures for the client suites: the integration suite's own (tests/integration/conftest.py is
the one source of truth), loaded under another module name so that both conftest files can live
in one pytest session, and re-exported here for pytest to find."""

import importlib.util
import pathlib
import sys

_PATH = pathlib.Path(__file__).resolve().parents[1] / "integration" / "conftest.py"
_NAME = "sluice_integration_fixtures"
if _NAME not in sys.modules:
    _spec = importlib.util.spec_from_file_location(_NAME, _PATH)
    sys.modules[_NAME] = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(sys.modules[_NAME])
_fixtures = sys.modules[_NAME]

# Fixtures (pytest collects these names from this module).
workdir = _fixtures.workdir
sluiced_factory = _fixtures.sluiced_factory
sluiced = _fixtures.sluiced
kafka_broker = _fixtures.kafka_broker

# Helpers, so that the client suites import them as the integration suites do (from conftest).
Sluiced = _fixtures.Sluiced
free_port = _fixtures.free_port
read_lines = _fixtures.read_lines
sink_config = _fixtures.sink_config
source_config = _fixtures.source_config
wait_for = _fixtures.wait_for
worker_props = _fixtures.worker_props
REPO = _fixtures.REPO
BUILD = _fixtures.BUILD
