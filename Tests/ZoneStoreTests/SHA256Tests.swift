import Foundation
import Testing
@testable import ZoneStore

/// The ledger's and the imports' checksums: FIPS 180-4's example vectors, and coreutils'
/// `sha256sum` on every length around the padding boundaries.
@Suite("SHA-256 gives the standard digests")
struct SHA256Tests {
    @Test("FIPS 180-4 vectors: empty, abc, the 448-bit message, a million a")
    func standardVectors() {
        #expect(SHA256.hash([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hash(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("lengths 0…130 (one and two blocks, every padding case) agree with sha256sum")
    func agreesWithCoreutils() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zoneplan-sha-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var mine: [String] = []
        for n in 0...130 {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }
            try Data(bytes).write(to: dir.appendingPathComponent("m\(n)"))
            mine.append(SHA256.hash(bytes))
        }
        let out = try run("sha256sum", (0...130).map { dir.appendingPathComponent("m\($0)").path })
        #expect(out.status == 0)
        let theirs = out.out.split(separator: "\n").map { String($0.prefix(64)) }
        #expect(theirs == mine)
    }
}
