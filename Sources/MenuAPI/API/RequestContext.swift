public import Foundation
public import Logging
import MenuModel

/// What a handler knows about the request besides the request itself.
public struct RequestContext {
    /// The id on every log line and in the `X-Request-Id` header: nginx's `$request_id`, or one we made.
    public var requestID: String
    /// A logger carrying `mke.request.id`.
    ///
    /// Made when asked for: setting metadata on swift-log's `StreamLogHandler` re-rendered all of it (about 5% of a
    /// health request), and a test may bootstrap any handler; the service's own handler only stores the key.
    public var logger: Logger {
        var logger = baseLogger
        logger[metadataKey: LogKey.requestID] = "\(requestID)"
        return logger
    }
    /// The pattern of the route that matched, e.g. `/api/v1/b2b/restaurants/{restaurant_id}/menus/upload-images`:
    /// what the request log names the route by (a raw path would make every restaurant a route of its own). Nil
    /// when no route matched (404, 405).
    public var route: String?
    /// Parameters captured from the route pattern, e.g. `restaurant_id`.
    public var parameters: [String: String] = [:]
    /// The restaurant the request is for, once ``RestaurantKeyMiddleware`` let it through: its key matched, or no
    /// key is required and none was sent. Nil on routes without that middleware.
    public var restaurant: UUID?
    /// The id of the API key that let the request through, when one was sent: who a change of the menu is
    /// recorded under.
    public var apiKeyID: UUID?
    private let baseLogger: Logger

    /// The level below which nothing is logged, to skip building log lines nobody will see.
    public var logLevel: Logger.Level { baseLogger.logLevel }

    /// - Parameters:
    ///   - requestID: the request's id.
    ///   - logger: the worker's logger; the id is added to its metadata.
    public init(requestID: String, logger: Logger) {
        self.requestID = requestID
        self.baseLogger = logger
    }

    /// The route parameter `name`; routes guarantee the ones in their pattern exist.
    public func parameter(_ name: String) -> String? { parameters[name] }

    /// A request id from the caller when it is well-formed (nginx's 32 hex digits, or a similar token of at most
    /// 128 characters from a trusted proxy), else a new random one. Rejecting anything else keeps log lines clean.
    public static func requestID(fromUpstream candidate: String?) -> String {
        if let candidate, !candidate.isEmpty, candidate.utf8.count <= 128,
            candidate.utf8.allSatisfy({ byte in
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || byte == UInt8(ascii: "-")
                    || byte == UInt8(ascii: "_")
            })
        {
            return candidate
        }
        var generator = SystemRandomNumberGenerator()
        let hex = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for _ in 0..<32 { bytes.append(hex[Int(generator.next() % 16)]) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
