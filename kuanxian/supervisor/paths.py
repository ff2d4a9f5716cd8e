"""Where a run keeps its files: `var/run/<run key>.lock` and `var/run/<run key>/`."""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


def project_root(environ: Mapping[str, str] | None = None) -> Path:
    """The repository root (KUANXIAN_HOME, else the checkout this package lives in)."""
    env = os.environ if environ is None else environ
    home = env.get("KUANXIAN_HOME", "").strip()
    return Path(home) if home else Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class RunPaths:
    """The lock file and the private directory of one run, both named by its run key."""

    run_root: Path
    key: str

    @classmethod
    def under(cls, root: Path, key: str) -> RunPaths:
        return cls(root / "var" / "run", key)

    @property
    def lock_file(self) -> Path:
        return self.run_root / f"{self.key}.lock"

    @property
    def run_dir(self) -> Path:
        return self.run_root / self.key

    def fresh_run_dir(self) -> Path:
        """Empty the run directory (a killed run may have left files) and return it.

        Only the holder of this run's lock may call this: the lock makes the directory ours.
        """
        shutil.rmtree(self.run_dir, ignore_errors=True)
        self.run_dir.mkdir(parents=True)
        return self.run_dir

    def remove_run_dir(self) -> None:
        shutil.rmtree(self.run_dir, ignore_errors=True)
