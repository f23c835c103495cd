# SPDX-License-Identifier: Apache-2.0
"""Published vectors (koinos.md §8.1–8.4) reproduced by the simulator's own functions."""

import hashlib

import pytest

from koinossim import crypto, txcheck
from koinossim.errors import ChainError
from koinossim.protocol import BLOCK_HEADER, OPERATION, TRANSACTION, TRANSACTION_HEADER
from koinossim.schema import encode, from_json
from koinossim.textenc import b58decode, b58encode, b64decode, b64encode

KEY = bytes.fromhex("bab7fd6e5bd624f4ea0c33f7e7219262a6fa93a945a8964d9f110148286b7b37")
ADDRESS = "1GE2JqXw5LMQaU1sj82Dy8ZEe2BRXQS1cs"


def wif_secret(wif: str) -> bytes:
    raw = b58decode(wif)
    assert raw[0] == 0x80 and crypto.sha256(crypto.sha256(raw[:-4]))[:4] == raw[-4:]
    return raw[1:33]


def test_addresses_from_keys():
    assert hashlib.sha256(b"one two three four five six").digest() == KEY
    assert wif_secret("5KEX4TMHG66fT7cM9HMZLmdp4hVq4LC4X2Fkg6zeypM5UteWmtd") == KEY
    assert wif_secret("L3UfgFJWmbVziGB1uZBjkG1UjKkF7hhpXWY7mbTUdmycmvXCVtiL") == KEY
    address = crypto.address_from_private_key(KEY)
    assert b58encode(address) == ADDRESS
    assert address.hex() == "00a70062bf4e531669ded37037fa2d377defb998883c5a1138"
    assert crypto.is_valid_address(address)
    assert wif_secret("5KJTiKfLEzvFuowRMJqDZnSExxxwspVni1G4RcggoPtDqP5XgM1") == \
        hashlib.sha256(b"foobar").digest()
    assert crypto.address_from_private_key(wif_secret(
        "5J1F7GHadZG3sCCKHCwg8Jvys9xUbFsjLnGec4H125Ny1V9nR6V")).hex() == \
        "00f54a5851e9372b87810a8e60cdd2e7cfd80b6e31c7f18fe8"
    assert b58encode(crypto.address_from_private_key(wif_secret(
        "5JtU2c2MHKb8xSeNvsZJpxZRXeRg6iq6uwc6EUtDA9zsWM6B4c5"))) == "13Sqw4TrwdZ8RZ9UVfqqA2i3mrbeumcWba"


# §8.2, the full transaction
CHAIN_82 = "EiB-hw5ABo-EXy6fGDd1Iq3gbAenxQ4Qe60pRbEVMVrR9A=="
OP_82 = {"call_contract": {"contract_id": "19JntSm8pSNETT9aHTwAUHC5RMoaSmgZPJ",
                           "entry_point": 670398154,
                           "args": "ChkAEjl6vrl55V2Oym_rzsnMxIqBoie9PHmMEhkAQgjT1UACatdFY3e5QRkyG7OAzwcCCIylGOgH"}}
HEADER_82 = {"chain_id": CHAIN_82, "rc_limit": "50000000", "nonce": "KAE=",
             "operation_merkle_root": "EiANCoU4oibgL8tpnbuXZ_0aT5M0yKNLu6Fw9FLeD9oOhA==",
             "payer": ADDRESS}
ID_82 = "0x1220463ac80ce9e3d146131c1dff5f2c408ad4a891decd1195986b553ae60a211a8d"
SIG_82 = "IJ00CbIANGwG_KvC0zBXWbc7umdsda9AWRlZgxr3CTyHHZPkCEOVlmlKp4sXuJ7aEsp0txhD5HR8P_qhNMFj6oU="
OP_82_HEX = ("125c0a19005b1e61d37259b9c2d99bf417f592e0b77725165d2488be4510caedd5bf021a390a190012397a"
             "beb979e55d8eca6febcec9ccc48a81a227bd3c798c1219004208d3d540026ad7456377b94119321bb380"
             "cf0702088ca518e807")
HEADER_82_HEX = ("0a2212207e870e40068f845f2e9f18377522ade06c07a7c50e107bad2945b115315ad1f41080e1eb1"
                 "71a022801222212200d0a8538a226e02fcb699dbb9767fd1a4f9334c8a34bbba170f452de0fda0e84"
                 "2a1900a70062bf4e531669ded37037fa2d377defb998883c5a1138")


def tx_82() -> dict:
    return {"id": ID_82, "header": dict(HEADER_82), "operations": [OP_82], "signatures": [SIG_82]}


def test_full_transaction_82():
    tx = from_json(TRANSACTION, tx_82())
    assert encode(OPERATION, tx["operations"][0]).hex() == OP_82_HEX
    assert b64encode(txcheck.operation_merkle_root(tx["operations"])) == \
        HEADER_82["operation_merkle_root"]
    assert encode(TRANSACTION_HEADER, tx["header"]).hex() == HEADER_82_HEX
    assert "0x" + txcheck.transaction_id(tx["header"]).hex() == ID_82
    digest = tx["id"][2:]
    assert b64encode(crypto.sign_compact(KEY, digest)) == SIG_82
    assert b58encode(crypto.recover_address(b64decode(SIG_82), digest)) == ADDRESS
    whole = encode(TRANSACTION, tx).hex()
    assert whole == ("0a221220463ac80ce9e3d146131c1dff5f2c408ad4a891decd1195986b553ae60a211a8d126c"
                     + HEADER_82_HEX + "1a5e" + OP_82_HEX + "2241" + b64decode(SIG_82).hex())
    txcheck.validate_required(tx)
    txcheck.check_integrity(tx, b64decode(CHAIN_82))
    txcheck.check_signed_by(tx, b58decode(ADDRESS))


def test_high_s_and_bad_headers_are_rejected():
    sig = b64decode(SIG_82)
    digest = bytes.fromhex(ID_82[6:])
    s = int.from_bytes(sig[33:], "big")
    high = bytes([63 - sig[0]]) + sig[1:33] + \
        (crypto.SECP256K1_N - s).to_bytes(32, "big")
    with pytest.raises(ChainError, match="signature must be canonical"):
        crypto.recover_address(high, digest)
    with pytest.raises(ChainError, match="public key is invalid"):
        crypto.recover_address(bytes([27]) + sig[1:], digest)
    with pytest.raises(ChainError, match="unexpected signature length"):
        crypto.recover_address(sig[:64], digest)
    # header 31 recovers with recid 0: a different key than the real signer (recid 1)
    assert b58encode(crypto.recover_address(bytes([31]) + sig[1:], digest)) != ADDRESS


def test_upstream_83_signing_vector_and_protobufjs_quirk():
    ops = [from_json(OPERATION, {"call_contract": {
        "contract_id": "19JntSm8pSNETT9aHTwAUHC5RMoaSmgZPJ", "entry_point": 670398154,
        "args": "ChkAOraorkYwQTkrfp9ViHFI2CJvmCQh2mz7EhkArriH22GZ1VJLkeJ-x4JUGF4zPAEZrNUiGMCEPQ=="}})]
    header = from_json(TRANSACTION_HEADER, {
        "chain_id": "EiDyWt8BeDCTvG3_2QLJWbDJOnHqIcV4Ssqp69aZJsqPpg==", "rc_limit": "0",
        "nonce": "KAA=", "operation_merkle_root": "EiCmVXWAuzW5xo1Pefx4256N_B_78cXvKwUxWFtKiY-PqQ==",
        "payer": ADDRESS})
    assert b64encode(txcheck.operation_merkle_root(ops)) == \
        "EiCmVXWAuzW5xo1Pefx4256N_B_78cXvKwUxWFtKiY-PqQ=="
    standard_id = txcheck.transaction_id(header)
    assert standard_id.hex() == "12209de75a5d75241140cc1058e788e5777b690df7b0fe32e1ace0e5a0a47999fd35"
    assert b64encode(crypto.sign_compact(KEY, standard_id[2:])) == \
        "IOelI2xrFPYYqGdYJnSjabfE_5rPVtwOY2gP_ZRiJdIULBoNSOiYFBlxSDB4X-Ue9UDLFNtoFxF8I2yEQBWAHmY="
    raw = encode(TRANSACTION_HEADER, header)
    quirk = raw[:36] + b"\x10\x00" + raw[36:]  # protobufjs writes rc_limit = 0 explicitly
    quirk_id = crypto.multihash(quirk)
    assert quirk_id.hex() == "122001f48ea8313c9ecccf06f5f5bd8ed7f949f806f3fdddc322bdab643d2c66e58c"
    published = b64decode("H47dht-BoxcLErCtQ8-6gXJ8HXVXwCpszvX4NbzGxJF8aa-qHN6SxE-iolOOTy-tE4C7K68"
                          "26JOO6J5Z2mcn8p0=")
    assert b58encode(crypto.recover_address(published, quirk_id[2:])) == ADDRESS
    tx = {"id": standard_id, "header": header, "operations": ops, "signatures": [b"x"]}
    with pytest.raises(ChainError, match="rc_limit"):
        txcheck.validate_required(tx)


def test_upstream_83_all_operation_kinds():
    cid = b58encode(b"contract_id")
    assert cid == "Rf8gGKq42QBxS3M"
    ops = [from_json(OPERATION, op) for op in [
        {"call_contract": {"contract_id": cid, "entry_point": 12, "args": "YXJncw=="}},
        {"set_system_call": {"call_id": 23, "target": {"thunk_id": 234}}},
        {"upload_contract": {"contract_id": cid, "bytecode": "Ynl0ZWNvZGU="}},
        {"set_system_contract": {"contract_id": cid, "system_contract": True}}]]
    root = txcheck.operation_merkle_root(ops)
    assert b64encode(root) == "EiCLbSkD-m07WGxcqG3rUiSfJgpxbIxRfOr3fCj2jMhL7A=="
    header = {"chain_id": b"chain_id", "rc_limit": 10, "nonce": b64decode("OAg="),
              "operation_merkle_root": root, "payer": b58decode(ADDRESS)}
    assert txcheck.transaction_id(header).hex() == \
        "1220cf1268715e43392c70e7b0e8e8426ffa23424b50009a3a7c46fe7b5c5bc4bdc1"


def test_upstream_83_block_id_and_signature():
    header = from_json(BLOCK_HEADER, {
        "previous": "0x12203c7c767900e472ada19b5acd4e46af8a33911b282eb29003048c83061673c5b4",
        "height": "123", "timestamp": "1646252907250",
        "previous_state_merkle_root": "EiBBZoKzt9IK39bRSFl1AGroqsP0vxG67jQifTEpYbjrdQ==",
        "transaction_merkle_root": b64encode(crypto.merkle_root([])), "signer": ADDRESS})
    assert header["transaction_merkle_root"] == \
        b64decode("EiDjsMRCmPwcFJr79MiZb7kkJ65B5GSbk0yklZkbeFK4VQ==")
    block_id = crypto.multihash(encode(BLOCK_HEADER, header))
    assert block_id.hex() == "1220b86711a6ecd9c4fff1488a9a1df1db6047425f5de80b396a40f1c29cfb6d0790"
    sig = crypto.sign_compact(KEY, block_id[2:])
    assert b64encode(sig) == \
        "II4-lbqNFR7re6fv-9zN0F3Z9d1DZZ67TJZrnYGJwZN1fPwxuurBKPS7ndVG8GyKIWxKTXyC4jLBVgwZvSHc1_U="
    assert b58encode(crypto.recover_address(sig, block_id[2:])) == ADDRESS


@pytest.mark.parametrize("chain,koin,root,tx_id", [
    ("EiBZK_GGVP0H_fXVAM3j6EAuz3-B-l3ejxRSewi7qIBfSA==", "15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL",
     "EiBd86ETLP-Tmmq-Oj6wxfe1o2KzRGf_9LV-9O3_9Qmu8w==",
     "0x12201042aeee64fcc89921d0b5f9bdd6c9bff3e9c089d3579c74882fe0f018acd608"),
    ("EiBncD4pKRIQWco_WRqo5Q-xnXR7JuO3PtZv983mKdKHSQ==", "1FaSvLjQJsCJKq5ybmGsMMQs8RQYyVv8ju",
     "EiCjvMCnYVk5GqAaz7D2e8LCbaJ6448pJMXS4LI_EjtW4Q==",
     "0x1220f90ab33fcd0fa5896bb56352875eb49ac984cfd347467a50fe7a28686b11bb45")])
def test_tangem_84_ids(chain, koin, root, tx_id):
    ops = [from_json(OPERATION, {"call_contract": {
        "contract_id": koin, "entry_point": 670398154,
        "args": "ChkAaMW2_tO2QuoaSAiMXztphDRhY2m4f6efEhkAaEFbbHucCFnoEOh3RgGrOZ38TNTI9xMWGICYmrwE"}})]
    assert b64encode(txcheck.operation_merkle_root(ops)) == root
    header = from_json(TRANSACTION_HEADER, {
        "chain_id": chain, "rc_limit": "500000000", "nonce": "KAs=", "operation_merkle_root": root,
        "payer": "1AYz8RCnoafLnifMjJbgNb2aeW5CbZj8Tp"})
    assert "0x" + txcheck.transaction_id(header).hex() == tx_id


def test_tangem_84_signature_formatting():
    raw = bytes.fromhex("17a1eb1ceca3adb16b17aeb56df40512720b79aefce184c1626dd67e5ef1482373409f8f"
                        "673157363b263c60b291aed8dabd30b6ebf1cd3e958eb814ac23fe94")
    assert b64encode(bytes([31]) + raw) == \
        "Hxeh6xzso62xaxeutW30BRJyC3mu_OGEwWJt1n5e8Ugjc0Cfj2cxVzY7JjxgspGu2Nq9MLbr8c0-lY64FKwj_pQ="


def test_nonce_encodings():
    from koinossim.accounts import nonce_bytes, parse_nonce
    assert [b64encode(nonce_bytes(n)) for n in (0, 1, 11, 300)] == ["KAA=", "KAE=", "KAs=", "KKwC"]
    assert parse_nonce(b64decode("KKwC")) == 300
    assert parse_nonce(b"\x28") is None and parse_nonce(b"\x20\x01") is None


@pytest.mark.parametrize("name,entry", [
    ("transfer", 0x27f576ca), ("balance_of", 0x5c721497), ("complete_transfer", 0x4d4d3ef9),
    ("get_validators", 0x50068f92), ("get_supported_tokens", 0xc8e36f04),
    ("get_supported_wrapped_tokens", 0x2f540a24), ("get_metadata", 0xfcf7a68f),
    ("set_pause", 0x39a2c4e4), ("add_validator", 0xfc15f1be), ("remove_validator", 0xff61ff26),
    ("get_transfer_status", 0x27ff4bd5)])
def test_entry_point_ids(name, entry):
    from koinossim.contracts.bridge import BridgeContract
    from koinossim.contracts.token import TokenContract
    assert int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "big") == entry
    table = {**BridgeContract.ENTRIES, **TokenContract.ENTRIES}
    assert table[entry][0] == name
