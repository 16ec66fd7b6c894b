import Foundation
import FuzzSupport
import ZoneGeometry
import ZoneVetting

nonisolated(unsafe) let engine = GeometryEngine()

// An applications file (GeoJSON Feature/FeatureCollection, or a 报部 TXT when it opens with a
// section) as `zoneplan check` reads it: every entry is an application or a one-line error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzApplicationGeoJSON(_ bytes: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let data = fuzzData(bytes, size)
    let catalog = FuzzPlan.plan.industries
    if ApplicationFile.looksLikeBaobu(data) {
        _ = try? ApplicationFile.readBaobu(data, fileLabel: "fuzz.txt", attributes: ["industry": .string("C3825")],
                                          catalog: catalog, engine: engine)
    } else if let entries = try? ApplicationFile.read(data, fileLabel: "fuzz.geojson", catalog: catalog, engine: engine) {
        for case .failure(let e) in entries { _ = e.description }
    }
    // The plain GeoJSON parser as the layer importer uses it.
    _ = try? GeoJSON.parseFeatures(data)
    return 0
}

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutableRawPointer?, _ argv: UnsafeMutableRawPointer?) -> CInt {
    fuzzLoadPlan()
    return 0
}
