/// Reads structured values off the front of a fuzz input, so that one byte string can describe words with boxes,
/// flags or sizes. Past the end every read gives zero or empty: any input is a valid description.
public struct FuzzReader {
    private let bytes: [UInt8]
    private var position = 0

    /// A reader over `bytes`, from the start.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Whether every byte has been read.
    public var isAtEnd: Bool { position >= bytes.count }

    /// The next byte, or 0 past the end.
    public mutating func byte() -> UInt8 {
        guard position < bytes.count else { return 0 }
        defer { position += 1 }
        return bytes[position]
    }

    /// The next two bytes as a little-endian unsigned integer.
    public mutating func uint16() -> UInt16 {
        UInt16(byte()) | UInt16(byte()) << 8
    }

    /// The next two bytes as a little-endian signed integer.
    public mutating func int16() -> Int16 {
        Int16(bitPattern: uint16())
    }

    /// The next `count` bytes (fewer at the end).
    public mutating func bytes(_ count: Int) -> ArraySlice<UInt8> {
        let end = min(bytes.count, position + max(0, count))
        defer { position = end }
        return bytes[position..<end]
    }

    /// Everything not read yet.
    public mutating func rest() -> ArraySlice<UInt8> {
        bytes(bytes.count - position)
    }
}
