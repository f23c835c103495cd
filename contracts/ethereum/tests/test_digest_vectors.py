# SPDX-License-Identifier: Apache-2.0
"""The Python digest helper against the spec's vectors (bridge-contracts.md §2.8, §2.6)."""
import bridge_digests as bd

VECTOR_C = dict(tx_id="0x1220" + "11" * 32, operation_id=2, token="0x" + "22" * 20,
                relayer="0x" + "33" * 20, recipient="0x" + "44" * 20, value=100000000,
                payment=1000, metadata="hello", bridge="0x" + "55" * 20,
                expiration=1700000000000, chain_id=1)


def test_vector_c_packed_length_and_keccak():
    packed = bd.complete_transfer_packed(**VECTOR_C)
    assert len(packed) == 283
    assert bd.keccak(packed).hex() == "d112558c908dd9b4c0c1f85c924b69b43e4a99a3c9ed62fdcf602dd070ed30f0"


def test_vector_c_eip191_digest():
    digest = bd.complete_transfer_digest(**VECTOR_C)
    assert digest.hex() == "a94e072fa0f35c07166a4efc4784ae7d066b96aa7b680b8f37b2a75aa887e0b8"


def test_vector_f_v1_add_validator_layout():
    # v1 layout (no chain id) of the admin digest, vector F
    digest = bd.admin_digest(bd.ADD_VALIDATOR, "0x7EB00942c7387da2Be7d5a65B50d9B82c0Db4cfc", 1,
                             "0x" + "55" * 20, 1700000000000, None)
    assert digest.hex() == "6160b1f0243e91efad7821575728a3b9912b3b92184c339f9ddb26d71708b899"


def test_v2_admin_digest_appends_chain_id():
    v1 = bd.admin_digest(1, "0x" + "77" * 20, 1, "0x" + "55" * 20, 1, None)
    v2 = bd.admin_digest(1, "0x" + "77" * 20, 1, "0x" + "55" * 20, 1, 2)
    assert v1 != v2


def test_quorum_table_v2():
    # bridge-contracts.md §2.6, column "v2 contract"
    table = {1: 1, 2: 2, 3: 2, 4: 3, 5: 3, 7: 5, 9: 6, 10: 6}
    assert {n: bd.quorum(n) for n in table} == table


def test_sign_recovers_to_signer_and_matches_wallet_signing():
    from eth_account import Account
    from eth_keys import keys

    key = "0x" + "01" * 32
    digest = bd.complete_transfer_digest(**VECTOR_C)
    sig = bd.sign(digest, key)
    assert len(sig) == 65 and sig[64] in (27, 28)
    recovered = keys.Signature(sig[:64] + bytes([sig[64] - 27])).recover_public_key_from_msg_hash(digest)
    assert recovered.to_checksum_address() == Account.from_key(key).address
    # signing keccak(packed) with eth_account's EIP-191 "defunct" message gives the same bytes
    inner = bd.keccak(bd.complete_transfer_packed(**VECTOR_C))
    assert bd.sign_inner(inner, key) == sig
