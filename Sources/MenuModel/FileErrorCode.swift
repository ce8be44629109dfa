/// Why one file of an upload failed, as the response's `error.code` and the metrics' error kind say it (the raw
/// value is the wire form).
public enum FileErrorCode: String, Sendable, CaseIterable {
    /// Empty, no image format the service reads, truncated or corrupt; or every tier found it undecodable.
    case invalidImage = "invalid_image"
    /// More pixels than `UPLOAD_MAX_PIXELS`.
    case imageTooLarge = "image_too_large"
    /// A short side under `UPLOAD_MIN_SIDE` pixels.
    case imageTooSmall = "image_too_small"
    /// A PDF with more pages than `UPLOAD_MAX_PDF_PAGES`.
    case tooManyPages = "too_many_pages"
    /// More bytes than the per-file limit.
    case fileTooLarge = "file_too_large"
    /// A tier read the image, and no tier found menu items in it.
    case noMenuItems = "no_menu_items"
    /// Every tier failed.
    case ocrFailed = "ocr_failed"
    /// No tier router could be made (a Tesseract language pack gone after start-up); a file waits for a busy router.
    case ocrUnavailable = "ocr_unavailable"
    /// The workers that claimed the file of an asynchronous upload all stopped before finishing it (`OCR_MAX_CLAIMS`).
    case workerLost = "worker_lost"
    /// The file was never processed (a bug: logged).
    case internalError = "internal_error"

    /// The code an image error gives the file.
    public init(_ code: ImageError.Code) {
        switch code {
        case .invalidImage: self = .invalidImage
        case .imageTooLarge: self = .imageTooLarge
        case .imageTooSmall: self = .imageTooSmall
        case .tooManyPages: self = .tooManyPages
        }
    }
}
