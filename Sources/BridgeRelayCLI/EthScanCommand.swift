// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import BridgeCore
import BridgeEthereum
import BridgeStore
import ChainCrypto
import Ethereum
import Foundation
import Logging

/// `bridge-relay eth scan`: lists every lock of a contract in a block range, valid or rejected.
struct EthScanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Scan a bridge contract's lock events and judge each one (check an endpoint and a contract).",
        discussion: "Without --config there is no token list: every rule but token support is checked."
    )

    @OptionGroup var endpoints: EthEndpointOptions

    @Option(help: "First block to scan.")
    var from: UInt64

    @Option(help: "Last block to scan (default and cap: the final block of --finality).")
    var to: UInt64?

    @Option(name: .customLong("max-window"), help: "Largest eth_getLogs window in blocks.")
    var maxWindow: UInt64 = 2_000

    @Flag(help: "One JSON object per observation.")
    var json = false

    func run() async throws {
        do {
            try await scan()
        } catch {
            throw failEth(error)
        }
    }

    private func scan() async throws {
        let clients = endpoints.clients()
        let chainID = try await endpoints.resolveChainID(clients)
        var logger = Logger(label: "bridge.eth-watcher")
        logger.logLevel = .critical  // stdout carries the JSON objects; problems end in one error line
        let pool = EndpointPool(clients: clients, expectedChainID: chainID, clock: SystemBridgeClock(), logger: logger)
        guard !(await pool.verifyChainIDs()).isEmpty else { throw EthCLIError("no endpoint serves chain id \(chainID)") }
        let contract = endpoints.contractBytes
        let code = try await pool.run("eth_getCode") { try await $0.code(address: contract, at: .latest) }
        guard !code.isEmpty else {
            throw EthCLIError("no contract code at \(EthereumAddress(bytes: contract)!.checksummed) on chain \(chainID): wrong address or network")
        }
        let final = try await finalBlock(pool)
        let last = min(to ?? final, final)
        if let to, to > final { note("--to \(to) is beyond the final block \(final) (\(endpoints.finalityMode)); scanning to \(final)") }
        let profile = endpoints.contractProfile
        let scanner = RangeScanner(
            pool: pool, contract: contract, decoder: LockEventDecoder(profile: profile),
            judge: ObservationJudge(configuration: .init(profile: profile, chainID: chainID)))
        var planner = BlockRangePlanner(nextBlock: from, maxWindow: maxWindow)
        var counts = (valid: 0, rejected: 0, dropped: 0)
        while let range = planner.nextRange(target: last) {
            let result: RangeScanResult
            do {
                result = try await scanner.scan(range)
            } catch EthereumRPCError.logQueryTooLarge(let message, let hint) {
                guard planner.recordRefusal(of: range, suggestedToBlock: hint) else { throw EthCLIError("provider refuses even one block: \(message)") }
                continue
            }
            planner.recordAnswer(logCount: result.logCount)
            for record in result.records {
                if record.status == .rejected { counts.rejected += 1 } else { counts.valid += 1 }
                print(json ? observationJSON(record) : humanLine(record))
            }
            for drop in result.drops {
                counts.dropped += 1
                note("dropped log \(ChainHex.encode(drop.log.transactionHash)):\(drop.log.logIndex) in block \(drop.log.blockNumber): \(drop.reason.rawValue)")
            }
            planner.advance(to: range.upperBound + 1)
        }
        if from <= last {
            note("scanned blocks \(from)…\(last): \(counts.valid) valid, \(counts.rejected) rejected, \(counts.dropped) dropped")
        } else {
            note("nothing to scan: --from \(from) is above the final block \(last)")
        }
    }

    private func finalBlock(_ pool: EndpointPool) async throws -> UInt64 {
        switch endpoints.finalityMode {
        case .finalized, .safe:
            let tag: BlockTag = endpoints.finalityMode == .safe ? .safe : .finalized
            guard let header = try await pool.run("eth_getBlockByNumber", { try await $0.blockHeader(tag) }) else {
                throw EthCLIError("the endpoint does not serve the \(tag) block tag; use --finality N")
            }
            return header.number
        case .confirmations(let n):
            let head = try await pool.run("eth_blockNumber") { try await $0.blockNumber() }
            return head >= n ? head - n : 0
        }
    }

    private func humanLine(_ r: ObservationRecord) -> String {
        let o = r.observation
        let status = r.status == .rejected ? "REJECTED (\(r.reason ?? ""))" : "valid"
        return "\(o.blockNumber) \(ChainHex.encode(o.id.transactionHash)):\(o.id.logIndex) amount \(r.amountText) → \(o.recipient): \(status)"
    }

    private func note(_ text: String) {
        FileHandle.standardError.write(Data("\(text)\n".utf8))
    }
}
