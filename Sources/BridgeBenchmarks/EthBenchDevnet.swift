// SPDX-License-Identifier: Apache-2.0
import CurlTransport
import Ethereum
import Foundation
import JSONRPC

/// The devnet process for the Ethereum benchmark (deploy/devnet/ethereum/start on port 0).
final class EthBenchDevnet: @unchecked Sendable {
    let process = Process()
    let rpc: String
    let chainID: UInt64
    let v1Events: String
    let client: JSONRPCClient

    static var repositoryRoot: String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }

    init(root: String) throws {
        let out = Pipe()
        process.executableURL = URL(fileURLWithPath: root + "/deploy/devnet/ethereum/start")
        process.arguments = ["--port", "0", "--max-lifetime", "1800"]
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line: [UInt8] = []
        while true {
            let byte = out.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte.first == 10 { break }
            line.append(byte.first!)
        }
        guard let ready = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any], let rpc = ready["rpc"] as? String,
              let chain = ready["chain_id"] as? Int, let v1 = ready["v1_events"] as? String
        else {
            ChildProcessStop.stop(process)
            throw EthBenchError("the devnet did not start")
        }
        self.rpc = rpc
        chainID = UInt64(chain)
        v1Events = v1
        var c = CurlTransportConfiguration(url: rpc)
        c.totalTimeout = 300
        client = JSONRPCClient(transport: CurlHTTPTransport(configuration: c))
    }

    func call(_ method: String, _ params: JSONValue = .array([])) async throws -> JSONValue { try await client.call(method, params) }

    func head() async throws -> UInt64 { Quantity.decode(try await call("eth_blockNumber").stringValue ?? "") ?? 0 }

    func finalized() async throws -> UInt64 {
        Quantity.decode(try await call("eth_getBlockByNumber", .array([.string("finalized"), .bool(false)]))["number"]?.stringValue ?? "") ?? 0
    }

    func stop() { ChildProcessStop.stop(process) }

    /// Runs a command and parses its stdout as one JSON object.
    static func runJSON(_ executable: String, _ arguments: [String]) throws -> [String: Any] {
        let p = Process()
        let out = Pipe()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw EthBenchError("\(executable) printed no JSON: \(String(decoding: data, as: UTF8.self))")
        }
        return object
    }

    /// User + system CPU seconds the devnet process has used (its /proc stat; `start` execs Python).
    func devnetCPUSeconds() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return .nan }
        let fields = stat[stat.index(after: close)...].split(separator: " ")  // fields 3... of proc(5)
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return .nan }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// User + system CPU seconds of this process.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}
