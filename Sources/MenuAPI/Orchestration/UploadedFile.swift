/// One file of an upload, as the route received it.
public struct UploadedFile: Sendable {
    /// The client's file name (for the response only; never trusted for the format).
    public var name: String
    public var bytes: [UInt8]

    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }
}
