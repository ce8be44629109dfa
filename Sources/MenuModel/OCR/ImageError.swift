/// Why an image cannot be read.
public struct ImageError: Error, Sendable, CustomStringConvertible {
    /// What is wrong with the image.
    public enum Code: String, Sendable {
        /// Empty, not an image format the service reads, truncated or corrupt.
        case invalidImage = "invalid_image"
        /// More pixels than allowed (a decompression bomb is refused on its header).
        case imageTooLarge = "image_too_large"
        /// A short side under `UPLOAD_MIN_SIDE`: too small to hold a readable menu, refused on the header so no
        /// provider is paid for it.
        case imageTooSmall = "image_too_small"
        /// A PDF with more pages than `UPLOAD_MAX_PDF_PAGES`.
        case tooManyPages = "too_many_pages"
    }

    public var code: Code
    public var message: String

    package init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
