/// ZoneBench: the benchmark of ZonePlanner's batch vetting (issue 7).
///
/// The spatial part of vetting N candidate sites: project lon/lat → EPSG:4549 (PROJ), find every
/// zone each site intersects, and the overlap area with each. `ZoneIndex` (grid over the zone
/// layers) + `OverlayKernel` (overlap area without overlay geometry) do the work; `GEOSWorker` is
/// the fallback, the `--engine geos` comparison and the oracle of `--verify` and the tests.
public enum ZoneBench {
    public static let version = "1"
}
