import CVips

/// A libvips failure, carrying the operation and libvips' own message.
public struct VipsError: Error, Sendable, CustomStringConvertible {
    /// The libvips operation that failed.
    public var operation: String
    /// libvips' error buffer at the time (it names the loader and the problem, e.g. "Premature end of JPEG file").
    public var message: String

    public var description: String { "libvips \(operation) failed: \(message)" }
}

/// Process-wide libvips state.
public enum Vips {
    /// Starts libvips, once per process: later calls reuse the first call's outcome (`vips_init` must not run
    /// twice at the same time, and tests call this from parallel threads).
    /// - Parameter concurrency: threads libvips may use per operation. Defaults to 1: the service's parallelism
    ///   comes from its worker threads, and more would oversubscribe the cores.
    /// - Throws: `VipsError` when libvips cannot start.
    /// The corresponding C function is `vips_init`.
    public static func initialize(concurrency: Int = 1) throws(VipsError) {
        try startup.get()
        vips_concurrency_set(Int32(concurrency))
    }

    /// Swift runs a static `let` initialiser exactly once, whatever the threads.
    private static let startup: Result<Void, VipsError> = start()

    private static func start() -> Result<Void, VipsError> {
        guard CVips_init("menu-api") == 0 else { return .failure(VipsImage.lastError("vips_init")) }
        // Operation caching keeps decoded images alive between requests: memory the service never reuses.
        vips_cache_set_max(0)
        return .success(())
    }
}

/// One libvips image, the single owner of its `VipsImage*` reference (released in `deinit`).
///
/// Images are lazy: loading reads the header only, and pixels are computed when written out, so a size check before
/// decoding costs almost nothing.
/// - Note: Not thread-safe; use an image on one thread. Operations that compute pixels block the calling thread.
public final class VipsImage {
    private let pointer: UnsafeMutablePointer<CVips.VipsImage>
    /// libvips may read the source bytes lazily, so they live as long as the image does.
    private let source: [UInt8]?

    private init(_ pointer: UnsafeMutablePointer<CVips.VipsImage>, source: [UInt8]? = nil) {
        self.pointer = pointer
        self.source = source
    }

    deinit { g_object_unref(UnsafeMutableRawPointer(pointer)) }

    /// Reads the header of an encoded image (JPEG, PNG, WebP, HEIC/HEIF, ...); pixels are decoded later, on demand.
    /// - Throws: `VipsError` for an unknown format or a corrupt header.
    /// The corresponding C function is `vips_image_new_from_buffer`.
    public static func header(of bytes: [UInt8]) throws(VipsError) -> VipsImage {
        guard !bytes.isEmpty else { throw VipsError(operation: "vips_image_new_from_buffer", message: "empty input") }
        let retained = bytes
        let image = retained.withUnsafeBytes { CVips_new_from_buffer($0.baseAddress, $0.count) }
        guard let image else { throw lastError("vips_image_new_from_buffer") }
        return VipsImage(image, source: retained)
    }

    /// Decodes `bytes` fitted inside `width` x `height`, shrinking during the decode where the format allows (JPEG
    /// decodes at 1/2, 1/4 or 1/8 scale directly), never enlarging, and applying the EXIF orientation. A truncated
    /// image (any format) is refused unless `refusingTruncated` is false.
    /// - Throws: `VipsError` for an unreadable image.
    /// The corresponding C function is `vips_thumbnail_buffer`.
    public static func thumbnail(
        of bytes: [UInt8], fittingWidth width: Int, height: Int, refusingTruncated: Bool = true
    ) throws(VipsError) -> VipsImage {
        var copy = bytes
        var output: UnsafeMutablePointer<CVips.VipsImage>?
        let isStrict = refusingTruncated
        let status = copy.withUnsafeMutableBytes {
            isStrict
                ? CVips_thumbnail_buffer_strict($0.baseAddress, $0.count, &output, Int32(width), Int32(height))
                : CVips_thumbnail_buffer($0.baseAddress, $0.count, &output, Int32(width), Int32(height))
        }
        guard status == 0, let output else { throw lastError("vips_thumbnail_buffer") }
        return VipsImage(output, source: copy)
    }

    /// Page `page` (0-based) of a PDF, rendered at `dpi` (pixels per inch; 72 gives one pixel per point). The
    /// pixels are rendered only when read.
    /// - Throws: `VipsError` for bytes that are no PDF poppler reads, or a page it does not have.
    /// The corresponding C function is `vips_pdfload_buffer`.
    public static func pdfPage(of bytes: [UInt8], page: Int, dpi: Double) throws(VipsError) -> VipsImage {
        var copy = bytes
        var output: UnsafeMutablePointer<CVips.VipsImage>?
        let status = copy.withUnsafeMutableBytes {
            CVips_pdfload_buffer($0.baseAddress, $0.count, &output, Int32(page), dpi)
        }
        guard status == 0, let output else { throw lastError("vips_pdfload_buffer") }
        return VipsImage(output, source: copy)
    }

    /// Pages of a multi-page image such as a PDF (libvips' `n-pages`); 1 for a single image.
    public var pageCount: Int { Int(CVips_page_count(pointer)) }

    /// Width in pixels.
    public var width: Int { Int(vips_image_get_width(pointer)) }
    /// Height in pixels.
    public var height: Int { Int(vips_image_get_height(pointer)) }
    /// Channels per pixel (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA or CMYK).
    public var bands: Int { Int(vips_image_get_bands(pointer)) }
    /// True when the image has an alpha channel.
    public var hasAlpha: Bool { vips_image_hasalpha(pointer) != 0 }
    /// The loader libvips chose (`jpegload_buffer`, `pngload_buffer`, `heifload_buffer`, `webpload_buffer`, ...).
    public var loader: String? {
        var value: UnsafePointer<CChar>?
        guard vips_image_get_string(pointer, "vips-loader", &value) == 0, let value else { return nil }
        return String(cString: value)
    }

    /// The EXIF orientation (1 upright ... 8), or 1 when the image has none.
    public var orientation: Int {
        var value: Int32 = 1
        guard vips_image_get_typeof(pointer, "orientation") != 0,
            vips_image_get_int(pointer, "orientation", &value) == 0
        else {
            return 1
        }
        return Int(value)
    }

    /// Upright according to the EXIF orientation. The corresponding C function is `vips_autorot`.
    public func autorotated() throws(VipsError) -> VipsImage {
        try apply("vips_autorot") { CVips_autorot(pointer, $0) }
    }

    /// Without its alpha channel, transparent parts made white (paper), as a JPEG needs. Unchanged when opaque.
    /// The corresponding C function is `vips_flatten`.
    public func flattenedOntoWhite() throws(VipsError) -> VipsImage {
        guard hasAlpha else { return self }
        return try apply("vips_flatten") { CVips_flatten_white(pointer, $0) }
    }

    /// One band of 8-bit grey, alpha flattened onto white.
    public func grayscale() throws(VipsError) -> VipsImage {
        var image = self
        image = try image.flattenedOntoWhite()
        if image.bands >= 3 { image = try image.apply("vips_colourspace") { CVips_colourspace_bw(image.pointer, $0) } }
        if image.bands > 1 {
            image = try image.apply("vips_extract_band") { CVips_extract_first_band(image.pointer, $0) }
        }
        return try image.apply("vips_cast_uchar") { CVips_cast_uchar(image.pointer, $0) }
    }

    /// Three bands of 8-bit sRGB, alpha flattened onto white; a grey image becomes three equal bands.
    /// The corresponding C functions are `vips_colourspace` and `vips_extract_band`.
    public func srgb() throws(VipsError) -> VipsImage {
        var image = try flattenedOntoWhite()
        if image.bands < 3 || image.interpretation != .srgb {
            image = try image.apply("vips_colourspace") { CVips_colourspace_srgb(image.pointer, $0) }
        }
        if image.bands > 3 {
            image = try image.apply("vips_extract_band") { CVips_extract_bands(image.pointer, $0, 3) }
        }
        return try image.apply("vips_cast_uchar") { CVips_cast_uchar(image.pointer, $0) }
    }

    /// How libvips interprets the bands: only what ``srgb()`` needs to tell apart.
    enum Interpretation { case srgb, other }

    var interpretation: Interpretation {
        vips_image_get_interpretation(pointer) == VIPS_INTERPRETATION_sRGB ? .srgb : .other
    }

    /// Computed into memory now, so a pipeline read several times (statistics, then pixels) is computed once.
    /// Fails when decoding fails, a truncated JPEG included (loads use `fail_on=truncated`).
    /// The corresponding C function is `vips_image_copy_memory`.
    public func materialized() throws(VipsError) -> VipsImage {
        guard let copy = vips_image_copy_memory(pointer) else { throw Self.lastError("vips_image_copy_memory") }
        return VipsImage(copy, source: source)
    }

    /// Scaled by `factor` (Lanczos). The corresponding C function is `vips_resize`.
    public func resized(by factor: Double) throws(VipsError) -> VipsImage {
        try apply("vips_resize") { CVips_resize(pointer, $0, factor) }
    }

    /// Divided by its own heavy blur, then rescaled: uneven lighting and shadows flatten out, strokes stay.
    /// - Parameter sigma: the blur radius; several times the stroke width.
    public func flattenedBackground(sigma: Double) throws(VipsError) -> VipsImage {
        let blurred = try apply("vips_gaussblur") { CVips_gaussblur(pointer, $0, sigma) }
        let ratio = try apply("vips_divide") { CVips_divide(pointer, blurred.pointer, $0) }
        // ratio is about 1 on paper and below 1 on ink: map 1 to white.
        return try ratio.apply("vips_linear") { CVips_linear1(ratio.pointer, $0, 255, 0) }
    }

    /// Contrast stretched so the `low`-th percentile becomes black and the `high`-th white.
    public func stretchedContrast(lowPercent: Double = 1, highPercent: Double = 99) throws(VipsError) -> VipsImage {
        let low = try percentile(lowPercent)
        let high = try percentile(highPercent)
        guard high - low > 8 else { return self }
        let scale = 255 / Double(high - low)
        return try apply("vips_linear") { CVips_linear1(pointer, $0, scale, -Double(low) * scale) }
    }

    /// Unsharp-masked with a Gaussian of `sigma`. The corresponding C function is `vips_sharpen`.
    public func sharpened(sigma: Double = 1) throws(VipsError) -> VipsImage {
        let sharp = try apply("vips_sharpen") { CVips_sharpen(pointer, $0, sigma) }
        // vips_sharpen works in LABS and hands back 16-bit for a grey input: back to 8-bit grey.
        return try sharp.grayscale()
    }

    /// A `size` x `size` median filter. The corresponding C function is `vips_median`.
    public func medianFiltered(size: Int = 3) throws(VipsError) -> VipsImage {
        try apply("vips_median") { CVips_median(pointer, $0, Int32(size)) }
    }

    /// Negative. The corresponding C function is `vips_invert`.
    public func inverted() throws(VipsError) -> VipsImage {
        try apply("vips_invert") { CVips_invert(pointer, $0) }
    }

    /// The mean pixel value. Computes the pixels. The corresponding C function is `vips_avg`.
    public func average() throws(VipsError) -> Double {
        var value = 0.0
        guard CVips_avg(pointer, &value) == 0 else { throw Self.lastError("vips_avg") }
        return value
    }

    /// The pixel value below which `percent` % of pixels fall. The corresponding C function is `vips_percent`.
    public func percentile(_ percent: Double) throws(VipsError) -> Int {
        var value: Int32 = 0
        guard CVips_percent(pointer, percent, &value) == 0 else { throw Self.lastError("vips_percent") }
        return Int(value)
    }

    /// The pixels, row by row, as bytes (bands interleaved). Computes the whole image.
    /// The corresponding C function is `vips_image_write_to_memory`.
    public func pixelBytes() throws(VipsError) -> [UInt8] {
        var size = 0
        guard let memory = vips_image_write_to_memory(pointer, &size) else {
            throw Self.lastError("vips_image_write_to_memory")
        }
        defer { g_free(memory) }
        return Array(UnsafeRawBufferPointer(start: memory, count: size))
    }

    /// Encoded as baseline JPEG without metadata. The corresponding C function is `vips_jpegsave_buffer`.
    public func jpegBytes(quality: Int = 85) throws(VipsError) -> [UInt8] {
        var buffer: UnsafeMutableRawPointer?
        var length = 0
        guard CVips_jpegsave_buffer(pointer, &buffer, &length, Int32(quality)) == 0, let buffer else {
            throw Self.lastError("vips_jpegsave_buffer")
        }
        defer { g_free(buffer) }
        return Array(UnsafeRawBufferPointer(start: buffer, count: length))
    }

    /// Runs one operation producing a new image; the result keeps `self` alive through libvips' own references.
    private func apply(
        _ operation: String, _ body: (UnsafeMutablePointer<UnsafeMutablePointer<CVips.VipsImage>?>) -> Int32
    ) throws(VipsError) -> VipsImage {
        var output: UnsafeMutablePointer<CVips.VipsImage>?
        guard body(&output) == 0, let output else { throw Self.lastError(operation) }
        return VipsImage(output, source: source)
    }

    /// libvips' error buffer, cleared after reading (it is per thread and accumulates otherwise).
    static func lastError(_ operation: String) -> VipsError {
        let message = vips_error_buffer().map { String(cString: $0) } ?? "unknown error"
        vips_error_clear()
        return VipsError(operation: operation, message: message.trimmingCharactersNewlines())
    }
}

extension String {
    fileprivate func trimmingCharactersNewlines() -> String {
        var text = self
        while text.last == "\n" { text.removeLast() }
        return text
    }
}
