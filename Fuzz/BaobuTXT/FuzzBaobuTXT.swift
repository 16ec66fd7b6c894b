import Foundation
import FuzzSupport
import ZoneGeometry

// The 报部 TXT reader on arbitrary bytes: it may refuse (BaobuError), never trap or hang.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBaobuTXT(_ bytes: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let data = fuzzData(bytes, size)
    if let file = try? BaobuTXT.read(data, fileName: "fuzz.txt") {
        // What a reader hands on is used at once: GK → lon/lat as the server and `check` do.
        if let t = try? CoordinateTransformer(from: .gaussKruger120, to: .wgs84) {
            for p in file.parcels { _ = try? t.transform(p.geometryGK) }
        }
    }
    return 0
}
