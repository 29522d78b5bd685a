"""A plugin's description: what `serve` runs."""

from __future__ import annotations

from typing import Optional, Sequence, Type

from .connector import Connector


class Plugin:
    """What a plugin folder provides: its name, version and connector classes."""

    def __init__(self, name: str, version: str, connectors: Sequence[Type[Connector]]) -> None:
        self.name = name
        self.version = version
        self.connectors = list(connectors)

    def find(self, name: str) -> Optional[Type[Connector]]:
        for cls in self.connectors:
            if name == cls.class_name() or name in cls.aliases:
                return cls
        return None
