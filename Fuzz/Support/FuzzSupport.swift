import Foundation
import ZoneGeometry
import ZonePlan
import ZoneService
import ZoneVetting

/// What every fuzz target shares: the plan (GeoData) loaded once per process, as the CLI and the
/// server load it, so a reader sees the real industry catalogue and rule schemas.
public enum FuzzPlan {
    /// GeoData from `$ZONEPLAN_GEODATA`, else `GeoData` under the working directory (`make fuzz`
    /// runs from the repository root).
    public static let root: URL = {
        let env = ProcessInfo.processInfo.environment["ZONEPLAN_GEODATA"]
        return URL(fileURLWithPath: env ?? FileManager.default.currentDirectoryPath + "/GeoData")
    }()

    public static let plan: PlanData = {
        do { return try PlanData.load(from: root, ruleSchemas: RuleRegistry.schemas) } catch {
            FileHandle.standardError.write(Data("fuzz: cannot load the plan from \(root.path): \(error)\n".utf8))
            exit(70)
        }
    }()

    public static let snapshot: PlanSnapshot = {
        do { return try PlanSnapshot(plan: plan) } catch {
            FileHandle.standardError.write(Data("fuzz: cannot build the plan snapshot: \(error)\n".utf8))
            exit(70)
        }
    }()
}

/// libFuzzer's input as `Data` (copied: the reader may keep it).
public func fuzzData(_ bytes: UnsafePointer<UInt8>, _ size: Int) -> Data {
    Data(bytes: bytes, count: size)
}

/// Loads the plan before the first input, so that loading (seconds in an ASan build) is not
/// counted against the first input's `-timeout` and reported as a hang. Each target that reads
/// the plan calls it from its `LLVMFuzzerInitialize`.
public func fuzzLoadPlan() {
    _ = FuzzPlan.snapshot
}
