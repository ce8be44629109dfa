public import MenuModel

/// One file of an upload, as the route received it: an image, or one page of a PDF rendered to an image.
public struct UploadedFile: Sendable {
    /// The client's file name (for the response only; never trusted for the format).
    public var name: String
    public var bytes: [UInt8]
    /// The page (1-based) of the PDF this image was rendered from; nil for an image uploaded as such.
    public var page: Int?
    /// Why the route already refused the file (a PDF, or one of its pages, that cannot be rendered): the file then
    /// fails with this error without any other work.
    public var refusal: ImageError?

    public init(name: String, bytes: [UInt8], page: Int? = nil, refusal: ImageError? = nil) {
        self.name = name
        self.bytes = bytes
        self.page = page
        self.refusal = refusal
    }
}
