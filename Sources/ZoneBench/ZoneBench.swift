@_exported import ZoneGeometry

/// ZoneBench: the benchmark harness of ZonePlanner's batch vetting (issue 7): the scenario (shared
/// data set, reference checksums), WKB file reading, batch timing on threads, and `--verify`.
///
/// The spatial work itself is ZoneGeometry's kernel: project lon/lat → EPSG:4549 (`BatchProjector`),
/// find every zone each site intersects and the overlap area with each (`ZoneIndex` +
/// `OverlayKernel`), with `GEOSZones` (ZoneGeometry's GEOS wrapper) as the fallback, the
/// `--engine geos` comparison and the oracle of `--verify` and the tests.
public enum ZoneBench {
    public static let version = "2"
}

/// An input error of the benchmark (unreadable file, malformed WKB, unsupported geometry): the
/// kernel's input error type.
public typealias BenchInputError = KernelInputError
