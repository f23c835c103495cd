// SPDX-License-Identifier: Apache-2.0

/// The committed OpenAPI 3.1 document (`Resources/openapi.json`), embedded in the binary and served
/// at `/openapi.json`. Tests check every documented route and status against the running API.
enum OpenAPIDocument {
    static let bytes: [UInt8] = PackageResources.openapi_json
}
