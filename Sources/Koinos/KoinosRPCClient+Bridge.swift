// SPDX-License-Identifier: Apache-2.0

extension KoinosRPCClient {
    /// `get_transfer_status(transaction_id)`: whether the bridge already completed this source transfer.
    public func transferCompleted(bridge: [UInt8], transactionID: [UInt8]) async throws(KoinosError) -> Bool {
        let result = try await readContract(
            bridge, entryPoint: KoinosEntryPoint.getTransferStatus,
            args: KoinosBridgeContract.transferStatusArguments(transactionID: transactionID))
        do { return try KoinosBridgeContract.decodeBool(result) } catch { throw .malformedResponse(error.description) }
    }

    /// `get_metadata` decoded with the `version` layout.
    public func bridgeMetadata(bridge: [UInt8], version: KoinosBridgeContract.Version) async throws(KoinosError) -> KoinosBridgeContract.Metadata {
        let result = try await readContract(bridge, entryPoint: KoinosEntryPoint.getMetadata, args: [])
        do { return try KoinosBridgeContract.Metadata.decode(result, version: version) } catch { throw .malformedResponse(error.description) }
    }

    /// Every validator address, read page by page with `get_validators`, in ascending byte order.
    ///
    /// The contract's quirk (bridge-contracts.md §3.3): `start` must be an existing key, is returned
    /// first, and the page continues after it (or before it with `descending`). So the walk needs
    /// one known member: each of `seeds` (for instance our own address, the previous set, the config
    /// list) is tried until one is a current validator, then the set is read downwards and upwards
    /// from it. An empty `start` is tried first in case the deployed contract accepts it. Returns an
    /// empty list when no seed is a validator. At most `maxPages` pages per direction.
    public func bridgeValidators(
        bridge: [UInt8], seeds: [[UInt8]], pageSize: Int32 = 100, maxPages: Int = 1_000
    ) async throws(KoinosError) -> [[UInt8]] {
        let first = try await validatorPage(bridge, start: [], limit: pageSize, descending: false)
        if let anchor = first.first {
            return try await walk(bridge, from: anchor, pageSize: pageSize, maxPages: maxPages)
        }
        for seed in seeds where !seed.isEmpty {
            let page = try await validatorPage(bridge, start: seed, limit: 1, descending: false)
            if page.first == seed { return try await walk(bridge, from: seed, pageSize: pageSize, maxPages: maxPages) }
        }
        return []
    }

    private func walk(_ bridge: [UInt8], from anchor: [UInt8], pageSize: Int32, maxPages: Int) async throws(KoinosError) -> [[UInt8]] {
        var below = try await walkDirection(bridge, from: anchor, descending: true, pageSize: pageSize, maxPages: maxPages)
        below.reverse()
        let above = try await walkDirection(bridge, from: anchor, descending: false, pageSize: pageSize, maxPages: maxPages)
        return below + [anchor] + above
    }

    /// Addresses strictly after (or before) `anchor`, in walk order.
    private func walkDirection(
        _ bridge: [UInt8], from anchor: [UInt8], descending: Bool, pageSize: Int32, maxPages: Int
    ) async throws(KoinosError) -> [[UInt8]] {
        var found = [[UInt8]]()
        var start = anchor
        for _ in 0..<maxPages {
            var page = try await validatorPage(bridge, start: start, limit: pageSize, descending: descending)
            guard page.first == start else { return found }  // start vanished between pages: keep what we have
            page.removeFirst()
            var previous = start
            for address in page {
                let ordered = descending ? address.lexicographicallyPrecedes(previous) : previous.lexicographicallyPrecedes(address)
                guard ordered else { throw .malformedResponse("get_validators page is out of order") }
                previous = address
            }
            guard let last = page.last else { return found }
            found.append(contentsOf: page)
            start = last
        }
        throw .malformedResponse("get_validators did not end within \(maxPages) pages")
    }

    private func validatorPage(_ bridge: [UInt8], start: [UInt8], limit: Int32, descending: Bool) async throws(KoinosError) -> [[UInt8]] {
        let raw = try await readContract(
            bridge, entryPoint: KoinosEntryPoint.getValidators,
            args: KoinosBridgeContract.listArguments(start: start, limit: limit, descending: descending))
        do { return try KoinosBridgeContract.decodeAddresses(raw) } catch { throw .malformedResponse(error.description) }
    }

    /// `balance_of(owner)` on a token contract.
    public func tokenBalance(token: [UInt8], owner: [UInt8]) async throws(KoinosError) -> UInt64 {
        let raw = try await readContract(token, entryPoint: KoinosEntryPoint.tokenBalanceOf, args: KoinosTokenContract.balanceOfArguments(owner: owner))
        do { return try KoinosTokenContract.decodeBalance(raw) } catch { throw .malformedResponse(error.description) }
    }

    /// `symbol()` and `decimals()` of a token contract.
    public func tokenSymbolAndDecimals(token: [UInt8]) async throws(KoinosError) -> (symbol: String, decimals: Int) {
        let symbol = try await readContract(token, entryPoint: KoinosEntryPoint.tokenSymbol, args: [])
        let decimals = try await readContract(token, entryPoint: KoinosEntryPoint.tokenDecimals, args: [])
        do {
            return (try KoinosTokenContract.decodeString(symbol), try KoinosTokenContract.decodeDecimals(decimals))
        } catch { throw .malformedResponse(error.description) }
    }
}
