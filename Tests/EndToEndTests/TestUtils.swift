import Foundation
import MenuKnowledgeTesting
import Testing

/// Small checks shared by the end-to-end suites.
enum Check {
    /// The `error.code` of a JSON error response, requiring a JSON content type.
    static func errorCode(_ response: TestHTTPResponse, sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        #expect(response.headers["content-type"]?.hasPrefix("application/json") == true, sourceLocation: sourceLocation)
        return response.errorCode()
    }

    /// nginx's `$request_id`: 32 hex digits.
    static func isNginxRequestID(_ value: String?) -> Bool {
        guard let value else { return false }
        return value.count == 32 && value.allSatisfy(\.isHexDigit)
    }

    /// Open descriptors of a process (Linux /proc).
    static func openDescriptorCount(pid: Int32) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1
    }
}
