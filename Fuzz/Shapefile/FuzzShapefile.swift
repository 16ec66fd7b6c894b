import Foundation
import FuzzSupport
import ZonePlan
import ZoneStore

// The Shapefile importer on arbitrary .shp/.shx/.dbf triples. The input is split into the three
// files: two little-endian UInt16 lengths (the .shp's, the .shx's), then the bytes in that order;
// the rest is the .dbf. The importer reads paths, so the files go to a private directory.
nonisolated(unsafe) let directory: String = {
    let base = ProcessInfo.processInfo.environment["TMPDIR"] ?? (FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : "/tmp")
    let dir = "\(base)/zoneplan-fuzz-shp-\(getpid())"
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}()

// One scratch SpatiaLite database for the whole run (opening one per input held the rate at ~40/s);
// the reader drops its table after each input, so inputs do not see each other.
nonisolated(unsafe) let scratch: ShapefileScratch = {
    do { return try ShapefileScratch() } catch {
        FileHandle.standardError.write(Data("fuzz: cannot open the scratch SpatiaLite database: \(error)\n".utf8))
        exit(70)
    }
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzShapefile(_ bytes: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let all = UnsafeBufferPointer(start: bytes, count: size)
    guard size >= 4 else { return 0 }
    let shpLength = Int(all[0]) | Int(all[1]) << 8, shxLength = Int(all[2]) | Int(all[3]) << 8
    let body = all.dropFirst(4)
    let shp = Data(body.prefix(shpLength))
    let shx = Data(body.dropFirst(shp.count).prefix(shxLength))
    let dbf = Data(body.dropFirst(shp.count + shx.count))
    let stem = directory + "/layer"
    // Plain writes (not FileManager's atomic temporary file and rename: a third of the harness's time).
    for (ext, bytes) in [("shp", shp), ("shx", shx), ("dbf", dbf)] {
        try? bytes.write(to: URL(fileURLWithPath: stem + "." + ext))
    }
    // An official's two ways (a GK-metre file with its id in a field, or lon/lat), one per input.
    let options: LayerImporter.Options = size % 2 == 0
        ? .init(layer: "parcels", idField: "code", crs: .gaussKruger120, official: "fuzz")
        : .init(layer: "platforms", kind: .platform, crs: .wgs84, official: "fuzz")
    _ = try? LayerImporter.read(path: stem + ".shp", options: options, shapefiles: scratch)
    return 0
}
