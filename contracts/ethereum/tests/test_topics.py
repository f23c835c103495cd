# SPDX-License-Identifier: Apache-2.0
"""Event topics and selectors of the compiled contracts equal the deployed contracts' values."""
from eth_utils import event_abi_to_log_topic, function_abi_to_4byte_selector

V2_TOPIC = "1581ca8f4b4c1e564c6fba30d5d197d6d21974b35147c5e3c896b94b3c9bd126"
V1_TOPIC = "943004f24b74daf8f1b3184c2703c86aa64f95fc624bab58e578754f7bf8ab6b"


def _abi_item(abi, kind, name):
    return next(x for x in abi if x["type"] == kind and x.get("name") == name)


def test_v2_event_topic_from_abi(artifacts):
    ev = _abi_item(artifacts["Bridge"]["abi"], "event", "TokensLockedEvent")
    assert event_abi_to_log_topic(ev).hex() == V2_TOPIC


def test_v1_fixture_event_topic_from_abi(artifacts):
    ev = _abi_item(artifacts["BridgeV1Events"]["abi"], "event", "TokensLockedEvent")
    assert event_abi_to_log_topic(ev).hex() == V1_TOPIC


def test_completion_event_topics(artifacts):
    abi = artifacts["Bridge"]["abi"]
    assert event_abi_to_log_topic(_abi_item(abi, "event", "TransferCompletedEvent")).hex() == \
        "87d736ddec252f246151c10998db4ad3bb9717bfe77c0dff2e9737b6e44d6df5"
    assert event_abi_to_log_topic(_abi_item(abi, "event", "RequestNewSignaturesEvent")).hex() == \
        "41f9d865e9570fc2c0097e4bcdf9738724c95a54729d01e0e51ae983b3d0fcaf"


def test_v2_selectors(artifacts):
    abi = artifacts["Bridge"]["abi"]
    sel = {n: function_abi_to_4byte_selector(_abi_item(abi, "function", n)).hex()
           for n in ("transferTokens", "wrapAndTransferETH", "completeTransfer")}
    assert sel == {"transferTokens": "0b47c9da", "wrapAndTransferETH": "e6f0d9ce",
                   "completeTransfer": "8392e88b"}


def test_v1_fixture_selectors(artifacts):
    abi = artifacts["BridgeV1Events"]["abi"]
    assert function_abi_to_4byte_selector(_abi_item(abi, "function", "transferTokens")).hex() == "8df236d8"
    assert function_abi_to_4byte_selector(_abi_item(abi, "function", "wrapAndTransferETH")).hex() == "8bcb57f3"


def test_real_logs_carry_the_topics(env):
    r = env.transact(env.bridge.functions.transferTokens(env.token.address, 10**18, 0, "", "1Abc", "", 1))
    bridge_logs = [lg for lg in r["logs"] if lg["address"] == env.bridge.address]
    assert [lg["topics"][0].hex() for lg in bridge_logs] == [V2_TOPIC]
    r = env.transact(env.v1.functions.transferTokens(env.token.address, 5, "1Abc"))
    assert [lg["topics"][0].hex() for lg in r["logs"]] == [V1_TOPIC]
    ev = env.v1.events.TokensLockedEvent().process_receipt(r)[0]["args"]
    assert (ev["sender"], ev["amount"], ev["recipient"]) == (env.accounts[0], 5, "1Abc")
