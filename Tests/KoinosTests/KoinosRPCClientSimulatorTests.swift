// SPDX-License-Identifier: Apache-2.0
import ChainCrypto
import JSONRPC
import Koinos
import KoinosTestSupport
import Testing

/// Every `KoinosRPCClient` method against the Koinos simulator, including the typed chain errors.
/// Skipped only with `BRIDGE_SKIP_DEVNET=1`.
struct KoinosRPCClientSimulatorTests {
    @Test func clientSpeaksEveryMethodTheRelayUses() async throws {
        let payer = try Secp256k1.PrivateKey(rawRepresentation: SHA256Digest.hash(Array("rpc client test payer".utf8)))
        let address = KoinosAddress(publicKey: payer.publicKey)
        let validator = KoinosAddress(publicKey: Secp256k1.PrivateKey.generate().publicKey)
        guard let sim = try await KoinosSimulatorProcess.start([
            "--profile", "v2", "--validators", validator.base58, "--account", "\(address.base58):1000000000",
            "--balance", "KOIN:\(address.base58):5000", "--block-interval-ms", "0",
        ]) else { return }
        let rpc = sim.rpc
        let chainID = try await rpc.chainID()
        #expect(Base64URL.encode(chainID) == sim.info["chain_id"]?.stringValue)
        #expect(try await rpc.accountRC(address.bytes) == 1_000_000_000)
        #expect(try await rpc.accountNonce(address.bytes) == 0)
        #expect(try await rpc.pendingNonce(address.bytes) == nil)
        #expect(try await rpc.bridgeMetadata(bridge: sim.bridge, version: .v2).validatorCount == 1)
        #expect(try await rpc.bridgeValidators(bridge: sim.bridge, seeds: [validator.bytes]) == [validator.bytes])
        #expect(try await rpc.bridgeValidators(bridge: sim.bridge, seeds: [address.bytes]) == [])
        #expect(try await rpc.tokenBalance(token: sim.koin, owner: address.bytes) == 5_000)
        let koin = try await rpc.tokenSymbolAndDecimals(token: sim.koin)
        #expect(koin.symbol == "KOIN" && koin.decimals == 8)

        let other = KoinosAddress(publicKey: Secp256k1.PrivateKey.generate().publicKey)
        let transfer = KoinosOperation.callContract(.init(
            contractID: sim.koin, entryPoint: KoinosEntryPoint.tokenTransfer,
            args: KoinosTokenContract.transferArguments(from: address.bytes, to: other.bytes, value: 1_234)))
        var tx = KoinosTransaction.make(chainID: chainID, rcLimit: 100_000_000, nonce: try await rpc.nextNonce(address.bytes), payer: address.bytes, operations: [transfer])
        try tx.sign(with: payer)
        let receipt = try await rpc.submitTransaction(tx)
        #expect(receipt.id == tx.id)
        #expect(receipt.events.contains { $0.name == "koinos.contracts.token.transfer_event" })
        #expect(try await rpc.pendingNonce(address.bytes) == 1)
        #expect(try await rpc.nextNonce(address.bytes) == 2)
        #expect(try await rpc.transactionsByID([tx.id]).isEmpty)  // only pending so far

        // The same nonce again: a typed nonce failure with the chain's message.
        let replay = await chainFailure { _ = try await rpc.submitTransaction(tx) }
        #expect(replay?.kind == .invalidNonce)
        #expect(replay?.message.contains("nonce") == true)
        // A reverting call: the contract's message comes back.
        var bad = KoinosTransaction.make(
            chainID: chainID, rcLimit: 100_000_000, nonce: 2, payer: address.bytes,
            operations: [.callContract(.init(
                contractID: sim.koin, entryPoint: KoinosEntryPoint.tokenTransfer,
                args: KoinosTokenContract.transferArguments(from: other.bytes, to: address.bytes, value: 1)))])
        try bad.sign(with: payer)
        let reverted = await chainFailure { _ = try await rpc.submitTransaction(bad) }
        #expect(reverted?.kind == .reverted)
        #expect(reverted?.message == "from has not authorized transfer")

        _ = try await rpc.call("simulator.produce_block")
        let head = try await rpc.headInfo()
        #expect(head.height >= 1 && head.headBlockTimeMs > 0)
        let included = try await rpc.transactionsByID([tx.id])
        #expect(included.first?.containingBlocks.count == 1)
        let blocks = try await rpc.blocksByHeight(headBlockID: head.headID, startHeight: head.height, count: 1)
        #expect(blocks.first?.height == head.height)
        #expect(blocks.first?.transactionIDs == [tx.id])
        #expect(blocks.first?.transactionReceipts.first?.id == tx.id)
        #expect(try await rpc.accountNonce(address.bytes) == 1)
        #expect(try await rpc.tokenBalance(token: sim.koin, owner: other.bytes) == 1_234)

        // Unknown method: a gateway error, not a chain failure.
        await #expect(throws: KoinosError.rpc(code: -32601, message: "Unable to translate request")) {
            _ = try await rpc.call("chain.no_such_method")
        }
        await sim.stop()
    }
}

/// The chain failure `body` ends with, or nil (recorded as an issue) when it succeeds or fails otherwise.
func chainFailure(_ body: () async throws -> Void) async -> KoinosChainFailure? {
    do {
        try await body()
        Issue.record("expected a chain failure, the call succeeded")
    } catch let error as KoinosError {
        if case .chain(let failure) = error { return failure }
        Issue.record("expected a chain failure, got \(error)")
    } catch {
        Issue.record("expected a chain failure, got \(error)")
    }
    return nil
}
