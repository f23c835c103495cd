# SPDX-License-Identifier: Apache-2.0
"""Make `koinossim` (the folder above) and the test helpers importable."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)
