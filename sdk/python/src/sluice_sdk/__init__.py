"""Sluice's Python plugin SDK: write Kafka Connect source and sink connectors in Python and run
them in Sluice as `exec` plugins (see README.md)."""

__version__ = "0.1.0"

from .config import (ConfigDef, ConfigException, ConfigKey, ConfigType, ConfigValueResult,  # noqa: E402
                     Importance, ParsedConfig, Validator, Width, validators)
from .connector import (Connector, ConnectorContext, Header, OffsetReadError,  # noqa: E402
                        OffsetStorageReader, SinkConnector, SinkRecord, SinkTask,
                        SinkTaskContext, SourceConnector, SourceRecord, SourceTask,
                        SourceTaskContext, TopicPartition)
from .data import *  # noqa: E402,F401,F403
from .data import DataException, Field, Schema, SchemaBuilder, SchemaType, Struct  # noqa: E402
from .log import get_logger  # noqa: E402
from .plugin import Plugin  # noqa: E402


def serve(plugin: Plugin) -> None:
    """Runs `plugin` as an exec plugin (socket, handshake line, stdin EOF, Shutdown); never
    returns. Imported lazily so that the data model and ConfigDef work without the generated
    protocol modules (as in the unit tests, run from the source tree)."""
    from ._server import serve as _serve
    _serve(plugin)
