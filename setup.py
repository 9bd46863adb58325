"""Build hook: ship rules/, data/ and notebooks/ inside the wheel as workbench/_bundled/.

An installed (non-editable) Workbench finds them there through workbench.config;
an editable install reads them from the checkout instead. Configuration is in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SHIPPED = ("rules", "data", "notebooks")


class BuildWithData(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        root = Path(__file__).resolve().parent
        target = Path(self.build_lib) / "workbench" / "_bundled"
        for name in SHIPPED:
            if (root / name).is_dir():
                shutil.copytree(
                    root / name,
                    target / name,
                    dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"),
                )


setup(cmdclass={"build_py": BuildWithData})
