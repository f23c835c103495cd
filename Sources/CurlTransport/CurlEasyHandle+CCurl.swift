// SPDX-License-Identifier: Apache-2.0
internal import CCurl
import JSONRPC

/// One libcurl easy handle; reused across requests so the connection stays alive.
///
/// Not thread-safe: `CurlHTTPTransport` hands each handle to one request at a time.
final class CurlEasyHandle: @unchecked Sendable {
    private let handle: UnsafeMutableRawPointer

    private static let initialised: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    static func globalInit() { precondition(initialised, "libcurl global init failed") }

    init() {
        Self.globalInit()
        handle = curl_easy_init()
    }

    deinit { curl_easy_cleanup(handle) }

    /// Accumulates the body and enforces the size cap from inside the write callback.
    final class Sink {
        var bytes: [UInt8] = []
        let limit: Int
        var overflowed = false
        init(limit: Int) { self.limit = limit }
    }

    func post(_ body: [UInt8], configuration: CurlTransportConfiguration) throws -> [UInt8] {
        curl_easy_reset(handle)
        let sink = Sink(limit: configuration.maxResponseBytes)
        var headers: UnsafeMutablePointer<curl_slist>? = nil
        for header in ["Content-Type: application/json", "Accept: application/json"] + configuration.headers {
            headers = curl_slist_append(headers, header)
        }
        defer { curl_slist_free_all(headers) }
        let sinkPointer = Unmanaged.passUnretained(sink).toOpaque()

        let code: CURLcode = body.withUnsafeBufferPointer { bodyPointer in
            bridge_curl_setopt_string(handle, CURLOPT_URL, configuration.url)
            bridge_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
            bridge_curl_setopt_long(handle, CURLOPT_POST, 1)
            bridge_curl_setopt_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: bodyPointer.baseAddress))
            bridge_curl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, body.count)
            bridge_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headers)
            bridge_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(configuration.connectTimeout * 1000))
            bridge_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(configuration.totalTimeout * 1000))
            bridge_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1)
            bridge_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2)
            bridge_curl_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, "")  // every encoding libcurl supports (gzip, deflate…)
            bridge_curl_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1)
            bridge_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0)
            bridge_curl_setopt_long(handle, CURLOPT_MAXFILESIZE, configuration.maxResponseBytes)
            bridge_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, sinkPointer)
            bridge_curl_setopt_write_function(handle) { data, size, count, user in
                let sink = Unmanaged<CurlEasyHandle.Sink>.fromOpaque(user!).takeUnretainedValue()
                let length = size * count
                guard sink.bytes.count + length <= sink.limit else {
                    sink.overflowed = true
                    return 0  // aborts the transfer with CURLE_WRITE_ERROR
                }
                if let data { sink.bytes.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length)) }
                return length
            }
            return curl_easy_perform(handle)
        }

        if sink.overflowed || code == CURLE_FILESIZE_EXCEEDED {
            throw JSONRPCTransportError.responseTooLarge(limit: configuration.maxResponseBytes)
        }
        guard code == CURLE_OK else {
            let message = String(cString: curl_easy_strerror(code))
            switch code {
            case CURLE_OPERATION_TIMEDOUT: throw JSONRPCTransportError.timedOut(message)
            case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_SEND_ERROR, CURLE_RECV_ERROR:
                throw JSONRPCTransportError.connectionFailed(message)
            default: throw JSONRPCTransportError.other("libcurl: \(message)")
            }
        }
        var status = 0
        bridge_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        guard (200..<300).contains(status) else {
            throw JSONRPCTransportError.httpStatus(status, String(decoding: sink.bytes.prefix(200), as: UTF8.self))
        }
        return sink.bytes
    }
}
