import Foundation

/// CLOVA OCR's answer as this tier reads it (docs/providers.md): the first image's result and fields, or the error
/// envelope's code. Decoding is lenient part by part, as CLOVA's answers vary: a field whose text or box is malformed
/// is dropped, not the page, and a vertex without a coordinate gives no coordinate.
struct ClovaReply: Decodable {
    var images: [Image]

    struct Image: Decodable {
        /// `SUCCESS`, `FAILURE` or `ERROR`.
        var inferResult: String?
        var fields: [Field]
        /// The size of the image the engine read, in whose pixels the boxes are (it may differ from the upload's).
        var convertedImageInfo: ConvertedImageInfo?

        private enum CodingKeys: String, CodingKey { case inferResult, fields, convertedImageInfo }

        /// Never fails: an image that is no object has no result and no fields.
        init(from decoder: any Decoder) throws {
            let object = LenientObject(decoder, keyedBy: CodingKeys.self)
            inferResult = object[.inferResult]
            fields = (object[.fields] as [Lenient<Field>]?)?.compactMap(\.value) ?? []
            convertedImageInfo = (object[.convertedImageInfo] as Lenient<ConvertedImageInfo>?)?.value
        }
    }

    struct ConvertedImageInfo: Decodable {
        var width: Double
        var height: Double
    }

    struct Field: Decodable {
        var inferText: String
        var inferConfidence: Double?
        var boundingPoly: Polygon

        private enum CodingKeys: String, CodingKey { case inferText, inferConfidence, boundingPoly }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            inferText = try container.decode(String.self, forKey: .inferText)
            inferConfidence = LenientObject(decoder, keyedBy: CodingKeys.self)[.inferConfidence]
            boundingPoly = try container.decode(Polygon.self, forKey: .boundingPoly)
        }
    }

    struct Polygon: Decodable {
        var vertices: [Vertex]
    }

    struct Vertex: Decodable {
        var x: Double?
        var y: Double?

        private enum CodingKeys: String, CodingKey { case x, y }

        init(from decoder: any Decoder) throws {
            let object = LenientObject(decoder, keyedBy: CodingKeys.self)
            x = object[.x]
            y = object[.y]
        }
    }

    /// The answer, or nil when it is no JSON object with an `images` array.
    static func decode(_ body: [UInt8]) -> ClovaReply? {
        try? JSONDecoder().decode(ClovaReply.self, from: Data(body))
    }
}

/// CLOVA's error envelopes: the OCR service's carries `code`, the API gateway's `error.errorCode`.
struct ClovaErrorReply: Decodable {
    var code: String?
    var error: Gateway?

    struct Gateway: Decodable {
        var errorCode: String?
    }

    private enum CodingKeys: String, CodingKey { case code, error }

    init(from decoder: any Decoder) throws {
        let object = LenientObject(decoder, keyedBy: CodingKeys.self)
        code = object[.code]
        error = object[.error]
    }

    /// The code the answer names, or nil when it names none (or is no JSON).
    static func code(in body: [UInt8]) -> String? {
        guard let reply = try? JSONDecoder().decode(ClovaErrorReply.self, from: Data(body)) else { return nil }
        return reply.code ?? reply.error?.errorCode
    }
}
