import Foundation
import FuzzSupport
import Hummingbird
import NIOCore
import ZoneQuery
@testable import ZoneServer

// The server's request parsing (`POST /vet`, `/report`, `/decisions` share `readApplications`)
// and the query parameters `/where` reads. The input's first line is the request line's target
// (path and query, e.g. `/vet?input=txt&industry=C3825&investment_wan=8000`); a first byte of
// `T` means `Content-Type: text/plain`, else `application/json`; the rest is the body.
nonisolated(unsafe) let worker: Worker = {
    do { return try Worker(snapshot: FuzzPlan.snapshot) } catch {
        FileHandle.standardError.write(Data("fuzz: cannot build a worker: \(error)\n".utf8)); exit(70)
    }
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzServerRequest(_ bytes: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let all = Data(bytes: bytes, count: size)
    guard let newline = all.firstIndex(of: 0x0A) else { return 0 }
    var head = Data(all[all.startIndex..<newline])
    let body = Data(all[(newline + 1)...])
    var type = "application/json"
    if head.first == UInt8(ascii: "T") { type = "text/plain; charset=utf-8"; head = head.dropFirst() }
    let target = String(decoding: head, as: UTF8.self)
    let request = Request(head: HTTPRequest(method: .post, scheme: "http", authority: "localhost",
                                            path: target.hasPrefix("/") ? target : "/vet?" + target,
                                            headerFields: [.contentType: type]),
                          body: .init(buffer: ByteBuffer(data: body)))
    _ = try? readApplications(body, request: request, worker: worker)
    // `/where`'s query: lon, lat and crs as typed.
    let q = request.uri.queryParameters
    if let lon = q.get("lon"), let lat = q.get("lat"),
       let crs = try? InputCRS.parse(q.get("crs") ?? "EPSG:4326"),
       let x = try? CoordinateInput.number(lon, name: "lon"), let y = try? CoordinateInput.number(lat, name: "lat") {
        _ = try? CoordinateInput.lonLat(x: x, y: y, crs: crs)
    }
    return 0
}

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutableRawPointer?, _ argv: UnsafeMutableRawPointer?) -> CInt {
    fuzzLoadPlan()
    _ = worker
    return 0
}
