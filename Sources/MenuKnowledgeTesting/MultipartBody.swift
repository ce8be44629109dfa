/// A multipart/form-data body shaped as `curl -F` builds it, for upload tests.
public struct MultipartBody: Sendable {
    public let boundary: String
    public private(set) var bytes: [UInt8] = []

    /// curl's boundary shape: dashes and hex.
    public init(boundary: String = "------------------------d74496d66958873e") {
        self.boundary = boundary
    }

    /// The `Content-Type` header value.
    public var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    /// A file part: `-F "files=@name;type=..."`.
    public mutating func addFile(
        _ contents: [UInt8], filename: String, field: String = "files", contentType: String = "image/jpeg"
    ) {
        bytes += Array(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"; filename=\"\(filename)\"\r\nContent-Type: \(contentType)\r\n\r\n"
                .utf8)
        bytes += contents
        bytes += Array("\r\n".utf8)
    }

    /// A text field: `-F "name=value"`.
    public mutating func addField(_ name: String, _ value: String) {
        bytes += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
    }

    /// The body with its closing delimiter.
    public var body: [UInt8] { bytes + Array("--\(boundary)--\r\n".utf8) }
}
