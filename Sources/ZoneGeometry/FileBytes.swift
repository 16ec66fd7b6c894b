#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A file's bytes, read with POSIX calls. Foundation's `FileManager.contents(atPath:)` and
/// `Data(contentsOf:)` leak a 4 KB buffer on Linux for every empty file they read (their path for
/// files whose size reads as 0 mallocs a chunk, and an empty `Data` does not take it); the
/// Shapefile fuzzer reads millions of empty .shx/.dbf files and grew by ~3 KB per input.
public enum FileBytes {
    /// nil if the file cannot be opened or read.
    public static func read(_ path: String) -> Data? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out = Data()
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { return out }
            out.append(contentsOf: chunk[0..<n])
        }
    }
}
