/// Text files Chinese offices write: UTF-8 (with or without BOM) or GBK/GB18030 (what Excel and
/// WPS save as "CSV" on a Chinese Windows). Decoded with the same iconv owner as the 报部 reader.
public enum ChineseText {
    public enum Encoding: String, Sendable { case utf8 = "UTF-8", gb18030 = "GBK/GB18030" }

    public enum DecodeError: Error, Sendable, Equatable {
        /// UTF-16 (Excel's "Unicode text"): not read.
        case utf16
        /// Neither UTF-8 nor GB18030: the first bad byte (0-based, counting a BOM) and its 1-based line.
        case invalid(byteOffset: Int, line: Int)
        /// iconv does not know GB18030 on this system, or failed.
        case iconvUnavailable(String)
    }

    /// UTF-8 if the bytes are valid UTF-8 (a UTF-8 BOM is dropped), else GB18030 via iconv.
    public static func decode(_ raw: [UInt8]) -> Result<(text: String, encoding: Encoding), DecodeError> {
        if raw.starts(with: [0xFF, 0xFE]) || raw.starts(with: [0xFE, 0xFF]) { return .failure(.utf16) }
        var bytes = raw
        let hadBOM = bytes.starts(with: [0xEF, 0xBB, 0xBF])
        if hadBOM { bytes.removeFirst(3) }
        func lineOf(_ offset: Int) -> Int { 1 + bytes[0..<min(offset, bytes.count)].filter { $0 == 0x0A }.count }
        if let s = String(validating: bytes, as: UTF8.self) { return .success((s, .utf8)) }
        if hadBOM {
            var offset = 0
            if let check = BaobuIconv(from: "UTF-8", to: "UTF-8"), case .failure(.invalidInput(let o)) = check.convert(bytes) { offset = o }
            return .failure(.invalid(byteOffset: offset + 3, line: lineOf(offset)))
        }
        guard let converter = BaobuIconv(from: "GB18030", to: "UTF-8") else { return .failure(.iconvUnavailable("iconv cannot convert GB18030 to UTF-8 on this system")) }
        switch converter.convert(bytes) {
        case .success(let utf8):
            var s = String(decoding: utf8, as: UTF8.self)
            if s.unicodeScalars.first == "\u{FEFF}" { s.unicodeScalars.removeFirst() }
            return .success((s, .gb18030))
        case .failure(.invalidInput(let offset)):
            return .failure(.invalid(byteOffset: offset, line: lineOf(offset)))
        case .failure(.failed(let e)):
            return .failure(.iconvUnavailable("iconv GB18030→UTF-8 failed (errno \(e))"))
        }
    }

    /// UTF-8 → GB18030 (for tests and for offices that want GBK back).
    public static func encodeGB18030(_ s: String) -> [UInt8]? {
        guard let c = BaobuIconv(from: "UTF-8", to: "GB18030"), case .success(let b) = c.convert(Array(s.utf8)) else { return nil }
        return b
    }
}
