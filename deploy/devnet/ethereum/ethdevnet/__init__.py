# SPDX-License-Identifier: Apache-2.0
"""Ethereum devnet for the bridge relay: py-evm (through eth-tester) served as JSON-RPC."""
