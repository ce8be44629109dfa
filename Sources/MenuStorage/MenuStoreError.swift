/// Why a person's change of the menu was refused.
public struct MenuStoreError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// `If-Match` named a revision that is no longer the item's.
        case stale
        /// The name is another item's of the same menu.
        case duplicate
    }

    public var code: Code
    public var message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
