"""The datagen plugin's program: serves DatagenConnector over the plugin protocol."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import sluice_sdk as sdk  # noqa: E402

from datagen_connector import VERSION, DatagenConnector  # noqa: E402

if __name__ == "__main__":
    sdk.serve(sdk.Plugin("datagen", VERSION, [DatagenConnector]))
