# SPDX-License-Identifier: Apache-2.0
"""One devnet for the whole session (finality depth 4, safe depth 2)."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from devnet_process import Devnet  # noqa: E402


@pytest.fixture(scope="session")
def devnet():
    d = Devnet("--finality-depth", "4", "--safe-depth", "2", "--bridge-chain-id", "2")
    yield d
    assert d.stop() == 0
