import Foundation

// Two families of errors:
//  * C-library failures: `GEOSError`, `PROJError` — GEOS or PROJ reported an exception or a
//    failure value (NULL, 2 for predicates, 0 for getters, HUGE_VAL for PROJ).
//  * Input errors: `GeometryError`, `WKTError`, `WKBError`, `GeoJSONError`, `CRSError` — the caller's
//    data is at fault; each names the offending part.

/// A GEOS call failed. `function` is the C function, `message` the text GEOS gave its error handler.
public struct GEOSError: Error, Hashable, Sendable, CustomStringConvertible, LocalizedError {
    public var function: String
    public var message: String
    public init(function: String, message: String) {
        self.function = function
        self.message = message
    }
    public var description: String { "GEOS \(function) failed: \(message)" }
    public var errorDescription: String? { description }
}

/// A PROJ call failed (creation of a transformation or a coordinate transform).
public struct PROJError: Error, Hashable, Sendable, CustomStringConvertible, LocalizedError {
    public var function: String
    public var code: Int32
    public var message: String
    public init(function: String, code: Int32, message: String) {
        self.function = function
        self.code = code
        self.message = message
    }
    public var description: String { "PROJ \(function) failed (errno \(code)): \(message)" }
    public var errorDescription: String? { description }
}

/// A `Geometry` value cannot be handed to GEOS (unclosed ring, too few positions, NaN…).
/// `path` names the part, e.g. `polygons[1].holes[0]`.
public struct GeometryError: Error, Hashable, Sendable, CustomStringConvertible, LocalizedError {
    public var path: String
    public var reason: String
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
    public var description: String { "Invalid geometry at \(path.isEmpty ? "(root)" : path): \(reason)" }
    public var errorDescription: String? { description }
}

/// WKT text could not be read (message from the GEOS reader).
public struct WKTError: Error, Hashable, Sendable, CustomStringConvertible, LocalizedError {
    public var reason: String
    public var text: String
    public init(reason: String, text: String) {
        self.reason = reason
        self.text = text
    }
    public var description: String {
        let excerpt = text.count > 60 ? String(text.prefix(60)) + "…" : text
        return "Invalid WKT \"\(excerpt)\": \(reason)"
    }
    public var errorDescription: String? { description }
}

/// WKB bytes could not be read (message from the GEOS reader).
public struct WKBError: Error, Hashable, Sendable, CustomStringConvertible, LocalizedError {
    public var reason: String
    public var byteCount: Int
    public init(reason: String, byteCount: Int) {
        self.reason = reason
        self.byteCount = byteCount
    }
    public var description: String { "Invalid WKB (\(byteCount) bytes): \(reason)" }
    public var errorDescription: String? { description }
}

/// GeoJSON input error. `path` is e.g. `features[2].geometry.coordinates[0][5]` (empty = document root).
public struct GeoJSONError: Error, Hashable, Sendable, CustomStringConvertible, LocalizedError {
    public var path: String
    public var reason: String
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
    public var description: String { "GeoJSON error at \(path.isEmpty ? "(root)" : path): \(reason)" }
    public var errorDescription: String? { description }
}

/// A CRS string that is not one of the supported `CRS` cases.
public struct CRSError: Error, Hashable, Sendable, CustomStringConvertible, LocalizedError {
    public var input: String
    public init(input: String) { self.input = input }
    public var description: String {
        "Unsupported CRS \"\(input)\": expected one of \(CRS.allCases.map(\.rawValue).joined(separator: ", "))"
    }
    public var errorDescription: String? { description }
}
