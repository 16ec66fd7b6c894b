#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Owns one iconv descriptor (`iconv_open` / `iconv_close` in deinit).
///
/// **Thread rules:** an iconv descriptor carries conversion state; use one converter from one
/// thread at a time (the 报部 codec makes one per call).
final class BaobuIconv {
    enum Failure: Error {
        /// An invalid (EILSEQ) or truncated (EINVAL) multibyte sequence at this byte offset of the input.
        case invalidInput(offset: Int)
        /// Any other iconv failure (errno).
        case failed(errno: Int32)
    }

    private let descriptor: iconv_t
    let from: String
    let to: String

    /// nil if this iconv does not know the pair of encodings.
    init?(from: String, to: String) {
        let cd = iconv_open(to, from)
        // iconv_open returns (iconv_t)-1 on failure.
        guard let cd, Int(bitPattern: cd) != -1 else { return nil }
        descriptor = cd
        self.from = from
        self.to = to
    }

    deinit { iconv_close(descriptor) }

    /// Converts the whole of `input`; stops at the first bad sequence.
    func convert(_ input: [UInt8]) -> Result<[UInt8], Failure> {
        // Reset the shift state (no-op for the stateless encodings used here).
        _ = iconv(descriptor, nil, nil, nil, nil)
        var source = input
        // UTF-8 ↔ GB18030 never needs more than 2 output bytes per input byte; keep a margin.
        var output = [UInt8](repeating: 0, count: input.count * 4 + 16)
        let count = output.count
        return source.withUnsafeMutableBufferPointer { inBuf -> Result<[UInt8], Failure> in
            output.withUnsafeMutableBufferPointer { outBuf -> Result<[UInt8], Failure> in
                let inBase = UnsafeMutableRawPointer(inBuf.baseAddress)?.assumingMemoryBound(to: CChar.self)
                var inPtr: UnsafeMutablePointer<CChar>? = inBase
                var inLeft = inBuf.count
                var outPtr: UnsafeMutablePointer<CChar>? =
                    UnsafeMutableRawPointer(outBuf.baseAddress!).assumingMemoryBound(to: CChar.self)
                var outLeft = count
                if inLeft > 0 {
                    let r = iconv(descriptor, &inPtr, &inLeft, &outPtr, &outLeft)
                    if r == -1 {
                        let e = errno
                        if e == EILSEQ || e == EINVAL {
                            return .failure(.invalidInput(offset: inBuf.count - inLeft))
                        }
                        return .failure(.failed(errno: e))
                    }
                }
                if iconv(descriptor, nil, nil, &outPtr, &outLeft) == -1 { return .failure(.failed(errno: errno)) }
                return .success(Array(outBuf[0..<(count - outLeft)]))
            }
        }
    }
}
