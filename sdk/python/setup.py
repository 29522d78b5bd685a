"""Build hook: generates the plugin protocol's Python modules from the repository's proto/.

`pip install ./sdk/python` builds the wheel in place, so proto/ is found two levels up;
SLUICE_PROTO_DIR overrides where to look (a proto root holding sluice/plugin/v1/plugin.proto).
The modules land in the built package as sluice_sdk/_proto/plugin_pb2{,_grpc}.py; nothing
generated is written into the source tree.
"""

import os
import pathlib
import re
import tempfile

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = pathlib.Path(__file__).resolve().parent
PROTO_FILE = "sluice/plugin/v1/plugin.proto"


def proto_root() -> pathlib.Path:
    root = pathlib.Path(os.environ.get("SLUICE_PROTO_DIR", HERE.parent.parent / "proto"))
    if not (root / PROTO_FILE).is_file():
        raise SystemExit(
            f"sluice-sdk: {root / PROTO_FILE} not found; build from a Sluice checkout "
            "(pip install ./sdk/python) or set SLUICE_PROTO_DIR to the proto/ directory")
    return root


def generate(out_dir: pathlib.Path) -> None:
    from grpc_tools import protoc  # a build requirement (pyproject.toml)
    import grpc_tools

    root = proto_root()
    well_known = pathlib.Path(grpc_tools.__file__).parent / "_proto"
    with tempfile.TemporaryDirectory() as tmp:
        code = protoc.main(["grpc_tools.protoc", f"-I{root}", f"-I{well_known}",
                            f"--python_out={tmp}", f"--pyi_out={tmp}",
                            f"--grpc_python_out={tmp}", str(root / PROTO_FILE)])
        if code != 0:
            raise SystemExit(f"sluice-sdk: protoc failed on {root / PROTO_FILE} ({code})")
        gen = pathlib.Path(tmp) / "sluice" / "plugin" / "v1"
        out_dir.mkdir(parents=True, exist_ok=True)
        for name in ("plugin_pb2.py", "plugin_pb2.pyi", "plugin_pb2_grpc.py"):
            text = (gen / name).read_text()
            # The stubs import each other by their proto package; inside sluice_sdk they are
            # siblings.
            text = re.sub(r"^from sluice\.plugin\.v1 import ", "from . import ", text,
                          flags=re.MULTILINE)
            (out_dir / name).write_text(text)
        (out_dir / "__init__.py").write_text('"""Generated from proto/' + PROTO_FILE + '."""\n')


class BuildPyWithProtos(build_py):
    def run(self) -> None:
        super().run()
        generate(pathlib.Path(self.build_lib) / "sluice_sdk" / "_proto")


setup(cmdclass={"build_py": BuildPyWithProtos})
