public import MenuModel
import Vips

/// The check an uploaded file passes before any tier sees it: an image the tiers can read, refused cheaply when not.
public enum UploadedImage {
    /// The formats restaurants' phones and scanners produce.
    public enum Format: String, Sendable {
        case jpeg, png, webp, heic
    }

    /// The format the leading bytes announce, or nil.
    public static func sniffedFormat(of bytes: [UInt8]) -> Format? {
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if bytes.count >= 12, bytes.starts(with: Array("RIFF".utf8)), Array(bytes[8..<12]) == Array("WEBP".utf8) {
            return .webp
        }
        // ISO BMFF: a `ftyp` box whose major or compatible brands name HEIF.
        if bytes.count >= 16, Array(bytes[4..<8]) == Array("ftyp".utf8) {
            let boxSize = Int(bytes[0]) << 24 | Int(bytes[1]) << 16 | Int(bytes[2]) << 8 | Int(bytes[3])
            let end = min(bytes.count, max(16, boxSize))
            let heifBrands: Set<String> = ["heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1", "avif"]
            var offset = 8
            while offset + 4 <= end {
                if offset != 12, heifBrands.contains(String(decoding: bytes[offset..<offset + 4], as: UTF8.self)) {
                    return .heic
                }
                offset += 4
            }
        }
        return nil
    }

    /// The short side under which an image is refused when the caller names none (`UPLOAD_MIN_SIDE`'s default).
    public static let defaultMinSide = 200

    /// Checks `bytes`: a supported format by its magic, a readable header, at most `maxPixels` and a short side of
    /// at least `minSide` (both before any pixel is decoded), and a complete stream (a small thumbnail decoded with
    /// truncation as an error).
    /// - Parameters:
    ///   - bytes: the file.
    ///   - maxPixels: the most pixels an image may have.
    ///   - minSide: the shortest side an image may have, in pixels. Defaults to ``defaultMinSide`` (200).
    /// - Returns: the format, sniffed from the bytes, never from the name or the part's Content-Type.
    /// - Throws: `ImageError` with code `invalid_image`, `image_too_large` or `image_too_small`.
    /// - Note: Blocks the calling thread while libvips reads.
    @discardableResult
    public static func inspect(
        _ bytes: [UInt8], maxPixels: Int, minSide: Int = defaultMinSide
    ) throws(ImageError) -> Format {
        guard !bytes.isEmpty else { throw ImageError(code: .invalidImage, message: "The file is empty") }
        guard let format = sniffedFormat(of: bytes) else {
            throw ImageError(code: .invalidImage, message: "The file is not a JPEG, PNG, WebP or HEIC image, nor a PDF")
        }
        let header: VipsImage
        do {
            header = try VipsImage.header(of: bytes)
        } catch {
            throw ImageError(code: .invalidImage, message: "The \(format.rawValue.uppercased()) image cannot be read")
        }
        // A decompression bomb is refused on its header, before a pixel is allocated.
        guard header.width > 0, header.height > 0, header.width * header.height <= maxPixels else {
            throw ImageError(
                code: .imageTooLarge,
                message:
                    "The image is \(header.width)x\(header.height) pixels; the limit is \(maxPixels / 1_000_000) MP")
        }
        // Issue 15: a photo this small cannot hold a menu anyone could read, yet every tier ran on it (GPT paid for
        // each). The header says so before anything is decoded. The short side is what limits legibility, and it is
        // the same whichever way EXIF turns the photo.
        guard min(header.width, header.height) >= minSide else {
            throw ImageError(
                code: .imageTooSmall,
                message:
                    "The image is \(header.width)x\(header.height) pixels; its short side must be at least "
                    + "\(minSide) pixels to hold a readable menu")
        }
        // A complete stream, checked by decoding a small thumbnail with truncation as an error: JPEG, WebP and HEIC
        // decode at a fraction of their size (shrink-on-load); PNG has no such mode and is decoded whole, which
        // the tiers would do next anyway. Cache hits skip this (their bytes were checked when stored).
        do {
            _ = try VipsImage.thumbnail(
                of: bytes, fittingWidth: max(1, header.width / 8), height: max(1, header.height / 8)
            ).materialized()
        } catch {
            throw ImageError(
                code: .invalidImage, message: "The \(format.rawValue.uppercased()) image is truncated or corrupt")
        }
        return format
    }
}
